import ThrustJWT

/// Which URLs may be fetched: http(s) only, plain http only to loopback unless allowed, and never
/// a redirect to a weaker scheme (SPEC "Verification rules").
public enum URLPolicy {
    public static func isHTTPURL(_ s: String) -> Bool {
        let l = s.lowercased()
        return l.hasPrefix("http://") || l.hasPrefix("https://")
    }

    public static func isHTTPS(_ s: String) -> Bool { s.lowercased().hasPrefix("https://") }

    /// The host of an http(s) URL, lower-cased, without brackets or port.
    public static func host(_ url: String) -> String { URLParts(url)?.host ?? "" }

    /// scheme://host:port, lower-cased, with the default port filled in: what "same origin" means.
    public static func origin(_ url: String) -> String {
        guard let p = URLParts(url) else { return url }
        return "\(p.scheme)://\(p.host):\(p.effectivePort)"
    }

    public static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasSuffix(".localhost") || host.hasPrefix("127.")
    }

    /// Refuses what must never be fetched: not http(s), or plain http to a non-loopback host
    /// without `allowHTTP`. The message is one line naming the URL.
    public static func check(_ url: String, allowHTTP: Bool) throws(HTTPError) {
        guard isHTTPURL(url) else { throw .refusedURL("\(url) is not an http(s) URL") }
        if !isHTTPS(url) && !allowHTTP && !isLoopback(host: host(url)) {
            throw .refusedURL("\(url) is plain http to a non-loopback host; use https, or --allow-http")
        }
    }

    /// Judges a redirect from `from` to `to`.
    public static func checkRedirect(from: String, to: String, allowHTTP: Bool) throws(HTTPError) {
        guard isHTTPURL(to) else { throw .redirectRefused("to \(to), which is not http(s)") }
        if isHTTPS(from) && !isHTTPS(to) { throw .redirectRefused("from https to plain http (\(to))") }
        if !isHTTPS(to) && !allowHTTP && !isLoopback(host: host(to)) {
            throw .redirectRefused("to plain http on a non-loopback host (\(to)); use --allow-http to permit it")
        }
    }
}
