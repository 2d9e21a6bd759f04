/// The parts of an http(s)-style URL that JOSE and HTTP policy compare: issuer differences
/// (RFC 8725 §3.8's exact match, explained), loopback checks and same-origin redirects.
/// Not a general URL parser: `scheme://[userinfo@]host[:port]rest`, nothing more.
public struct URLParts: Sendable, Hashable {
    /// Lower-cased.
    public let scheme: String
    /// Lower-cased, without IPv6 brackets or userinfo.
    public let host: String
    /// The explicit port, if written.
    public let port: String?
    /// Everything after the authority: path, query, fragment.
    public let rest: String

    /// nil when the text has no `://`.
    public init?(_ url: String) {
        guard let r = url.firstRange(of: "://") else { return nil }
        scheme = url[..<r.lowerBound].lowercased()
        let after = url[r.upperBound...]
        let whole = after.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        rest = String(after.dropFirst(whole.count))
        var authority = whole
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") {
            let inside = authority.dropFirst().prefix { $0 != "]" }
            host = inside.lowercased()
            let tail = authority.dropFirst(inside.count + 2)
            port = tail.hasPrefix(":") ? String(tail.dropFirst()) : nil
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon].lowercased()
            port = String(authority[authority.index(after: colon)...])
        } else {
            host = authority.lowercased()
            port = nil
        }
    }

    /// The port, with the scheme's default filled in.
    public var effectivePort: String { port ?? (scheme == "https" ? "443" : "80") }
}
