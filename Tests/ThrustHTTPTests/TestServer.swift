import Foundation
import Synchronization
import ThrustHTTP
import ThrustJWT
import ThrustServer

/// A loopback server whose behaviour a test changes as it goes, counting what it was asked.
final class TestServer: Sendable {
    struct Route: Sendable {
        var status = 200
        var headers: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var delay: Double = 0
        /// Answer 304 when If-None-Match equals this ETag.
        var etag: String? = nil
    }

    private let routes = Mutex<[String: Route]>([:])
    private let counts = Mutex<[String: Int]>([:])
    private let notModified = Mutex(0)
    private let inFlight = Mutex((now: 0, max: 0))
    private let server = Mutex<HTTPServer?>(nil)

    init() throws {
        let s = try HTTPServer { [weak self] request in
            guard let self else { return .init(status: 500) }
            return self.handle(request)
        }
        server.withLock { $0 = s }
    }

    var base: String { server.withLock { $0!.baseURL } }
    func url(_ path: String) -> String { base + path }

    func set(_ path: String, _ route: Route) { routes.withLock { $0[path] = route } }
    func update(_ path: String, _ change: (inout Route) -> Void) { routes.withLock { change(&$0[path, default: Route()]) } }
    func count(_ path: String) -> Int { counts.withLock { $0[path] ?? 0 } }
    var notModifiedCount: Int { notModified.withLock { $0 } }
    /// The most requests the server was handling at one moment.
    var maxInFlight: Int { inFlight.withLock { $0.max } }

    func stop() { server.withLock { $0?.stop() } }

    private func handle(_ request: HTTPServer.Request) -> HTTPServer.Response {
        counts.withLock { $0[request.path, default: 0] += 1 }
        guard let route = routes.withLock({ $0[request.path] }) else { return .json(404, #"{"error":"not found"}"#) }
        inFlight.withLock { $0.now += 1; $0.max = max($0.max, $0.now) }
        defer { inFlight.withLock { $0.now -= 1 } }
        if route.delay > 0 { usleep(UInt32(route.delay * 1_000_000)) }
        if let etag = route.etag, request.header("If-None-Match") == etag {
            notModified.withLock { $0 += 1 }
            return .init(status: 304, headers: [("ETag", etag)] + route.headers)
        }
        var headers = route.headers
        if let etag = route.etag { headers.append(("ETag", etag)) }
        return .init(status: route.status, headers: headers, body: route.body)
    }
}

/// A signing key and its public JWKS.
struct SigningKey {
    let key: AsymmetricKey
    let kid: String

    init(kid: String) throws {
        key = try AsymmetricKey.generateEC(curve: "P-256")
        self.kid = kid
    }

    var jwk: JSONValue { get throws { .object(try JWKExport.publicJWK(key, keyID: kid, algorithm: .es256)) } }

    func token(sub: String = "user-1", exp: Double = Clock.now() + 3600) throws -> String {
        var c = JSONObject()
        c.set("sub", .string(sub))
        c.set("exp", .number(JSONNumber(exp.rounded())))
        return try TokenSigner.sign(claims: c, algorithm: .es256, key: .asymmetric(key), keyID: kid)
    }

    static func jwks(_ keys: [SigningKey]) throws -> [UInt8] {
        Array((["keys": .array(try keys.map { try $0.jwk })] as JSONValue).serialized.utf8)
    }
}

func tempDirectory() -> String {
    let path = NSTemporaryDirectory() + "thrust-http-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
