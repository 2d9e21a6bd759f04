/// Why an HTTP exchange gave no usable answer. The CLI turns each into one line and exit 3.
public enum HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host name did not resolve.
    case resolve(host: String, detail: String)
    /// No connection could be made (refused, unreachable).
    case connect(String)
    /// The TLS handshake or certificate check failed.
    case tls(String)
    /// The request took longer than its timeout.
    case timeout(seconds: Double)
    /// The body was larger than the cap.
    case tooLarge(limit: Int)
    /// A redirect was not followed: to a weaker scheme, to plain http off loopback, or too many.
    case redirectRefused(String)
    /// The URL itself is refused before connecting (plain http off loopback, not http(s)).
    case refusedURL(String)
    /// The request itself is refused before sending (a header that would smuggle another).
    case invalidRequest(String)
    /// The answer had a status the caller cannot use.
    case status(Int, url: String)
    /// The answer arrived but its body is not what was asked for (not JSON, not a JWKS…).
    case invalidBody(String)
    /// An earlier attempt (maybe by an earlier run) failed recently; not retried yet.
    case previousFailure(String, secondsAgo: Double)
    /// libcurl is not installed.
    case unavailable(String)
    /// Any other transport failure, with libcurl's code.
    case transport(code: Int, String)

    public var description: String {
        switch self {
        case .resolve(let host, let detail): "cannot resolve \(host): \(detail)"
        case .connect(let d): "cannot connect: \(d)"
        case .tls(let d): "TLS failed: \(d)"
        case .timeout(let s): "timed out after \(formatSeconds(s))"
        case .tooLarge(let limit): "the body is larger than the \(limit / 1024) KiB cap"
        case .redirectRefused(let d): "redirect refused: \(d)"
        case .refusedURL(let d): d
        case .invalidRequest(let d): d
        case .status(let code, let url): "HTTP \(code) from \(url)"
        case .invalidBody(let d): d
        case .previousFailure(let d, let ago): "\(d) (\(formatSeconds(ago.rounded())) ago; retried after 30s)"
        case .unavailable(let d): d
        case .transport(let code, let d): "transfer failed (curl \(code)): \(d)"
        }
    }

    /// A short stable identifier, for JSON and tests.
    public var kind: String {
        switch self {
        case .resolve: "resolve"
        case .connect: "connect"
        case .tls: "tls"
        case .timeout: "timeout"
        case .tooLarge: "too_large"
        case .redirectRefused: "redirect_refused"
        case .refusedURL: "refused_url"
        case .invalidRequest: "invalid_request"
        case .status: "status"
        case .invalidBody: "invalid_body"
        case .previousFailure: "previous_failure"
        case .unavailable: "unavailable"
        case .transport: "transport"
        }
    }
}

func formatSeconds(_ s: Double) -> String {
    if s < 1 { return "\(Int((s * 1000).rounded())) ms" }
    if s == s.rounded() { return "\(Int(s))s" }
    return "\((s * 10).rounded() / 10)s"
}
