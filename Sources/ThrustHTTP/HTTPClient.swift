internal import CThrustNet
import ThrustJWT
#if canImport(Glibc)
import Glibc
#endif

/// Response headers with case-insensitive lookup (RFC 9110 §5.1).
public struct HTTPHeaders: Sendable, Hashable {
    public struct Field: Sendable, Hashable {
        public let name: String
        public let value: String
    }

    public let fields: [Field]

    public init(_ fields: [Field]) { self.fields = fields }

    /// Parses a raw header block (status line first, then `Name: value` lines).
    init(raw: String) {
        var out: [Field] = []
        for line in raw.split(whereSeparator: \.isNewline) where !line.hasPrefix("HTTP/") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out.append(Field(name: String(line[..<colon]), value: String(line[line.index(after: colon)...]).trimmingSpaces))
        }
        fields = out
    }

    public subscript(name: String) -> String? {
        let n = name.lowercased()
        return fields.first { $0.name.lowercased() == n }?.value
    }
}

public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?

    public init(method: String = "GET", url: String, headers: [(name: String, value: String)] = [], body: [UInt8]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

public struct HTTPResponse: Sendable {
    /// Seconds from the start of the last hop: DNS done, connected, TLS done, first byte, total.
    public struct Timings: Sendable, Hashable {
        public let dns: Double, connect: Double, tls: Double, firstByte: Double, total: Double
    }

    public let status: Int
    public let headers: HTTPHeaders
    public let body: [UInt8]
    /// The URL that answered, after redirects.
    public let finalURL: String
    public let httpVersion: String
    public let timings: Timings
    /// Every hop's URL, the first one included.
    public let redirectChain: [String]
}

/// An HTTP client over libcurl with the limits a key fetcher and a prober need: a total timeout,
/// a connect timeout, a body cap, TLS verification always on, proxies from the environment but
/// never for loopback, and redirects judged by `URLPolicy` (at most `maxRedirects`).
///
/// `send` blocks the calling thread; the async `send` runs the exchange on its own thread, so
/// many requests can be in flight at once without starving Swift's cooperative pool.
public struct HTTPClient: Sendable {
    public struct Configuration: Sendable, Hashable {
        /// The whole exchange, redirects included.
        public var timeout: Double
        public var connectTimeout: Double?
        public var maxBodyBytes: Int
        public var maxRedirects: Int
        /// Permit plain http to non-loopback hosts.
        public var allowHTTP: Bool
        /// Trust this CA bundle (PEM file) instead of the system store; verification stays on.
        public var caFile: String?

        public init(timeout: Double = 10, connectTimeout: Double? = nil, maxBodyBytes: Int = 1024 * 1024,
                    maxRedirects: Int = 5, allowHTTP: Bool = false, caFile: String? = nil) {
            self.timeout = timeout
            self.connectTimeout = connectTimeout
            self.maxBodyBytes = maxBodyBytes
            self.maxRedirects = maxRedirects
            self.allowHTTP = allowHTTP
            self.caFile = caFile
        }
    }

    public var configuration: Configuration

    public init(configuration: Configuration = Configuration()) { self.configuration = configuration }

    /// Whether libcurl could be loaded; the reason when not.
    public static func availability() -> String? {
        var err = [CChar](repeating: 0, count: 256)
        if thrust_http_available(&err, err.count) == 1 { return nil }
        return err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Performs `request`, following allowed redirects, on the calling thread.
    /// - Throws: `HTTPError` for every failure; a non-2xx status is a response, not an error.
    public func send(_ request: HTTPRequest) throws(HTTPError) -> HTTPResponse {
        try URLPolicy.check(request.url, allowHTTP: configuration.allowHTTP)
        for h in request.headers where !HTTPClient.isSafeHeader(h.name, h.value) {
            throw .invalidRequest("header \(h.name.filter { $0.isASCII && !$0.isNewline }) contains a line break or control character")
        }
        let deadline = monotonicNow() + configuration.timeout
        var url = request.url
        var chain: [String] = []
        var current = request
        while true {
            chain.append(url)
            let remaining = deadline - monotonicNow()
            if remaining <= 0 { throw .timeout(seconds: configuration.timeout) }
            current.url = url
            let hop = try perform(current, timeout: remaining)
            if (300..<400).contains(hop.status), hop.status != 304, let next = hop.redirectURL {
                guard chain.count <= configuration.maxRedirects else {
                    throw .redirectRefused("more than \(configuration.maxRedirects) redirects")
                }
                try URLPolicy.checkRedirect(from: url, to: next, allowHTTP: configuration.allowHTTP)
                if hop.status == 303 || ((hop.status == 301 || hop.status == 302) && current.method == "POST") {
                    current.method = "GET"
                    current.body = nil
                }
                // Credentials never follow a redirect to another origin (scheme, host or port),
                // as curl's own redirect handling guarantees.
                if URLPolicy.origin(next) != URLPolicy.origin(url) {
                    let secret: Set<String> = ["authorization", "cookie", "proxy-authorization"]
                    current.headers.removeAll { secret.contains($0.name.lowercased()) }
                }
                url = next
                continue
            }
            return HTTPResponse(status: hop.status, headers: hop.headers, body: hop.body, finalURL: hop.effectiveURL ?? url,
                                httpVersion: hop.version, timings: hop.timings, redirectChain: chain)
        }
    }

    /// The same exchange, awaited; the blocking work runs on a thread of its own.
    public func send(_ request: HTTPRequest) async throws(HTTPError) -> HTTPResponse {
        let client = self
        let result: Result<HTTPResponse, HTTPError> = await withCheckedContinuation { continuation in
            Worker.detach {
                do throws(HTTPError) { continuation.resume(returning: .success(try client.send(request))) } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    private struct Hop {
        let status: Int
        let headers: HTTPHeaders
        let body: [UInt8]
        let redirectURL: String?
        let effectiveURL: String?
        let version: String
        let timings: HTTPResponse.Timings
    }

    private func perform(_ request: HTTPRequest, timeout: Double) throws(HTTPError) -> Hop {
        let headerLines = request.headers.map { "\($0.name): \($0.value)" }
        let body = request.body ?? []
        var resp = thrust_http_response()
        defer { thrust_http_response_free(&resp) }
        let timeoutMS = Int(min(max(1, (timeout * 1000).rounded(.up)), 86_400_000))
        let connectMS = configuration.connectTimeout.map { Int(min(max(1, $0 * 1000), 86_400_000)) } ?? timeoutMS
        let ok: Int32 = withCStrings(headerLines + [configuration.caFile ?? ""]) { strings in
            let lines = UnsafeBufferPointer(rebasing: strings.dropLast())
            let ca = configuration.caFile == nil ? nil : strings.last!
            return request.method.withCString { method in
                request.url.withCString { url in
                    body.withUnsafeBufferPointer { b in
                        var req = thrust_http_request(
                            method: method, url: url, headers: lines.baseAddress, header_count: lines.count,
                            body: request.body == nil ? nil : b.baseAddress, body_len: b.count,
                            timeout_ms: timeoutMS, connect_timeout_ms: min(connectMS, timeoutMS),
                            max_body: configuration.maxBodyBytes, ca_file: ca)
                        return thrust_http_perform(&req, &resp)
                    }
                }
            }
        }
        let message = withUnsafeBytes(of: resp.error) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if ok != 1 {
            if resp.body_too_large != 0 { throw .tooLarge(limit: configuration.maxBodyBytes) }
            throw HTTPClient.classify(code: Int(resp.curl_code), message: message, url: request.url, timeout: configuration.timeout)
        }
        let headers = HTTPHeaders(raw: resp.headers.map { String(cString: $0) } ?? "")
        let bodyBytes = resp.body.map { Array(UnsafeBufferPointer(start: $0, count: resp.body_len)) } ?? []
        return Hop(status: resp.status, headers: headers, body: bodyBytes,
                   redirectURL: resp.redirect_url.map { String(cString: $0) },
                   effectiveURL: resp.effective_url.map { String(cString: $0) },
                   version: resp.http_version.map { String(cString: $0) } ?? "1.1",
                   timings: .init(dns: resp.t_dns, connect: resp.t_connect, tls: resp.t_tls, firstByte: resp.t_first_byte, total: resp.t_total))
    }

    /// A header line that cannot smuggle another: no CR, LF or NUL, and a token-shaped name.
    public static func isSafeHeader(_ name: String, _ value: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ":") }
            && value.utf8.allSatisfy { $0 != 0x0D && $0 != 0x0A && $0 != 0x00 }
    }

    /// Maps a CURLcode onto the typed error.
    static func classify(code: Int, message: String, url: String, timeout: Double) -> HTTPError {
        switch code {
        case 2: return .unavailable(message)                  // CURLE_FAILED_INIT (libcurl missing)
        case 5, 6: return .resolve(host: URLPolicy.host(url), detail: message)
        case 7: return .connect(message)
        case 28: return .timeout(seconds: timeout)
        case 35, 51, 53, 54, 58, 59, 60, 64, 66, 77, 80, 82, 83, 90, 91: return .tls(message)
        case 63: return .tooLarge(limit: 0)
        case 1: return .refusedURL(message)                   // CURLE_UNSUPPORTED_PROTOCOL
        default: return .transport(code: code, message)
        }
    }
}

/// Runs `body` with a C array of C strings that live for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafeBufferPointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { for c in copies { free(c) } }
    let pointers = copies.map { UnsafePointer<CChar>($0) }
    return pointers.withUnsafeBufferPointer(body)
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Detached POSIX threads for blocking work, so async callers never block the cooperative pool.
enum Worker {
    private final class Job: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func detach(_ body: @escaping @Sendable () -> Void) {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attr) }
        var tid = pthread_t()
        let ctx = Unmanaged.passRetained(Job(body)).toOpaque()
        let rc = pthread_create(&tid, &attr, { raw in
            let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
            job.body()
            return nil
        }, ctx)
        if rc != 0 {
            let job = Unmanaged<Job>.fromOpaque(ctx).takeRetainedValue()
            job.body()   // no thread to be had: run inline rather than lose the work
        }
    }
}
