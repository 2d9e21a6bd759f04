internal import CThrustNet
#if canImport(Glibc)
import Glibc
#endif

/// A small HTTP/1.1 server on libmicrohttpd, bound to one address, a thread per connection, so a
/// slow answer never holds up another. The mock API and the tests' loopback servers run on it.
public final class HTTPServer: @unchecked Sendable {
    public struct Request: Sendable {
        public let method: String
        public let path: String
        /// Header lines in arrival order; names as sent.
        public let headers: [(name: String, value: String)]
        public let body: [UInt8]

        /// The first value of a header, by case-insensitive name.
        public func header(_ name: String) -> String? {
            let n = name.lowercased()
            return headers.first { $0.name.lowercased() == n }?.value
        }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: [UInt8]

        public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public static func json(_ status: Int, _ text: String, headers: [(name: String, value: String)] = []) -> Response {
            Response(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8))
        }
    }

    public struct StartError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public typealias Handler = @Sendable (Request) -> Response

    private final class Box: @unchecked Sendable {
        let handler: Handler
        init(_ handler: @escaping Handler) { self.handler = handler }
    }

    public let host: String
    public let port: Int
    private var raw: UnsafeMutableRawPointer?
    private let box: Unmanaged<Box>

    /// A certificate chain and its private key, PEM, for HTTPS.
    public struct TLS: Sendable {
        public let certificatePEM: String
        public let privateKeyPEM: String
        public init(certificatePEM: String, privateKeyPEM: String) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
        }
    }

    public let isHTTPS: Bool

    /// Starts serving on `host:port` (port 0: any free port; read `port` back), over HTTPS when
    /// `tls` is given.
    /// - Throws: `StartError` when libmicrohttpd is missing or the address cannot be bound.
    public init(host: String = "127.0.0.1", port: Int = 0, tls: TLS? = nil, handler: @escaping Handler) throws(StartError) {
        self.host = host
        isHTTPS = tls != nil
        let box = Unmanaged.passRetained(Box(handler))
        var bound: Int32 = 0
        var err = [CChar](repeating: 0, count: 256)
        let raw = thrust_server_start(host, Int32(port), HTTPServer.trampoline, box.toOpaque(), tls?.certificatePEM, tls?.privateKeyPEM,
                                      &bound, &err, err.count)
        guard let raw else {
            box.release()
            throw StartError(message: err.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        self.raw = raw
        self.box = box
        self.port = Int(bound)
    }

    /// `http://HOST:PORT` (or https)
    public var baseURL: String { "\(isHTTPS ? "https" : "http")://\(host):\(port)" }

    /// Stops accepting and waits for the connection threads to finish.
    public func stop() {
        guard let raw else { return }
        self.raw = nil
        thrust_server_stop(raw)
    }

    deinit {
        stop()
        box.release()
    }

    /// The C callback: a plain function, never main-actor isolated (SWIFT-C-INTEROP §3.4).
    private static let trampoline: thrust_server_handler = { ctx, req, resp in
        guard let ctx, let req, let resp else { return }
        let box = Unmanaged<Box>.fromOpaque(ctx).takeUnretainedValue()
        let r = req.pointee
        let headerText = r.headers.map { String(cString: $0) } ?? ""
        var headers: [(name: String, value: String)] = []
        for line in headerText.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " }
            headers.append((String(line[..<colon]), String(value)))
        }
        let body = r.body.map { Array(UnsafeBufferPointer(start: $0, count: r.body_len)) } ?? []
        let request = Request(method: r.method.map { String(cString: $0) } ?? "GET",
                              path: r.url.map { String(cString: $0) } ?? "/", headers: headers, body: body)
        let response = box.handler(request)
        resp.pointee.status = Int32(response.status)
        let headerBlock = response.headers.map { "\($0.name): \($0.value)\n" }.joined()
        resp.pointee.headers = strdup(headerBlock)
        if !response.body.isEmpty {
            let p = malloc(response.body.count)!.assumingMemoryBound(to: UInt8.self)
            response.body.withUnsafeBufferPointer { p.update(from: $0.baseAddress!, count: $0.count) }
            resp.pointee.body = p
            resp.pointee.body_len = response.body.count
        }
    }
}
