/// Which URLs may be fetched: http(s) only, plain http only to loopback unless allowed, and never
/// a redirect to a weaker scheme (SPEC "Verification rules").
public enum URLPolicy {
    public static func isHTTPURL(_ s: String) -> Bool {
        let l = s.lowercased()
        return l.hasPrefix("http://") || l.hasPrefix("https://")
    }

    public static func isHTTPS(_ s: String) -> Bool { s.lowercased().hasPrefix("https://") }

    /// The host of an http(s) URL, lower-cased, without brackets or port.
    public static func host(_ url: String) -> String {
        guard let r = url.firstRange(of: "://") else { return "" }
        var authority = url[r.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") { return String(authority.dropFirst().prefix { $0 != "]" }).lowercased() }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    /// scheme://host:port, lower-cased, with the default port filled in: what "same origin" means.
    public static func origin(_ url: String) -> String {
        guard let r = url.firstRange(of: "://") else { return url }
        let scheme = url[..<r.lowerBound].lowercased()
        var authority = url[r.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        var port = scheme == "https" ? "443" : "80"
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            port = String(authority[authority.index(after: colon)...])
        }
        return "\(scheme)://\(host(url)):\(port)"
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
