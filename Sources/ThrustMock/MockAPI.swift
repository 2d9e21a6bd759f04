#if canImport(Glibc)
import Glibc
#endif
import ThrustJWT
import ThrustServer

/// A local Thrust API on a real HTTP server: the documented routes, enforcing the documented
/// error table exactly with its own key, `{"error": "..."}` bodies and plausible data.
///
/// Its issuer is its own base URL (`http://HOST:PORT`), which its discovery document and tokens
/// carry. Requests are served a thread per connection, so `latency` never holds up another.
public final class MockAPI: Sendable {
    /// Ways the mock can be told to misbehave, so tests can hold `probe` against servers that
    /// deviate from the documentation. Never on by default; not reachable from the CLI.
    public enum Deviation: String, Sendable, CaseIterable {
        /// Accepts `alg: none` tokens as valid.
        case acceptsAlgNone
        /// Accepts any well-formed token without checking its signature.
        case ignoresSignature
        /// Answers 500 to a token that is not a JWT at all.
        case failsOnGarbage
        /// Answers invalid tokens the way Supabase's gateway once did: `{"code":401,"message":"Invalid JWT"}`.
        case gatewayStyleErrors
        /// Demands auth on get-topics, which is documented as optional.
        case topicsRequireAuth
    }

    public struct Configuration: Sendable {
        public var host = "127.0.0.1"
        public var port = 8787
        /// The signing key; a fresh RSA 2048 key when nil.
        public var key: AsymmetricKey?
        public var keyID: String?
        /// get-notifications demands this scope (403 Insufficient permissions otherwise).
        public var requiredScope: String?
        /// Every answer waits this long.
        public var latency: Double = 0
        /// The JWKS route answers this status instead of the keys.
        public var jwksStatus: Int?
        public var deviations: Set<Deviation> = []

        public init() {}
    }

    public struct StartError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public let configuration: Configuration
    public let key: AsymmetricKey
    public let keyID: String
    private let server: HTTPServer

    /// `http://HOST:PORT`: the issuer.
    public var issuer: String { server.baseURL }
    /// What `--base-url` takes.
    public var baseURL: String { server.baseURL + "/functions/v1" }
    public var jwksURL: String { server.baseURL + "/.well-known/jwks.json" }
    public var discoveryURL: String { server.baseURL + "/.well-known/openid-configuration" }

    /// Starts the mock.
    /// - Throws: `StartError` when the key cannot be made or the address cannot be bound.
    public init(_ configuration: Configuration = Configuration()) throws(StartError) {
        self.configuration = configuration
        let key: AsymmetricKey
        do { key = try configuration.key ?? AsymmetricKey.generateRSA(bits: 2048) } catch {
            throw StartError(message: "cannot create the mock's key: \(error)")
        }
        guard key.hasPrivateKey else { throw StartError(message: "the mock's --key must be a private key") }
        self.key = key
        let publicJWK: JSONObject
        do { publicJWK = try JWKExport.publicJWK(key) } catch { throw StartError(message: "cannot export the mock's key: \(error)") }
        let kid = configuration.keyID ?? (try? JWK(object: publicJWK))?.thumbprint ?? "mock"
        keyID = kid
        let routes = Routes(configuration: configuration, key: key, keyID: kid)
        do {
            server = try HTTPServer(host: configuration.host, port: configuration.port) { request in routes.handle(request) }
        } catch {
            throw StartError(message: error.message)
        }
        routes.issuer.withLock { $0 = server.baseURL }
    }

    public func stop() { server.stop() }

    /// A valid token for this mock: RS256 with its key, its issuer, a `sub`, valid for `ttl`.
    public func token(sub: String = "mock-user-1", ttl: Double = 3600, scopes: [String] = [], now: Double = Clock.now()) -> String {
        var claims = JSONObject()
        claims.set("sub", .string(sub))
        claims.set("iss", .string(issuer))
        claims.set("iat", .number(JSONNumber(now.rounded(.down))))
        claims.set("exp", .number(JSONNumber((now + ttl).rounded(.down))))
        claims.set("sid", "mock-session")
        claims.set("jti", .string(Base64URL.encode(SecureRandom.bytes(12))))
        if !scopes.isEmpty { claims.set("scp", .array(scopes.map(JSONValue.string))) }
        return (try? TokenSigner.sign(claims: claims, algorithm: JWKExport.defaultAlgorithm(for: key), key: .asymmetric(key), keyID: keyID)) ?? ""
    }
}

/// The request handling, shared with the server's connection threads.
final class Routes: Sendable {
    let configuration: MockAPI.Configuration
    let keyID: String
    let issuer = Locked("")
    let jwks: String
    let keys: KeySet
    let algorithm: JWSAlgorithm

    init(configuration: MockAPI.Configuration, key: AsymmetricKey, keyID: String) {
        self.configuration = configuration
        self.keyID = keyID
        algorithm = JWKExport.defaultAlgorithm(for: key)
        let jwk = (try? JWKExport.publicJWK(key, keyID: keyID, algorithm: algorithm)) ?? JSONObject()
        jwks = (["keys": .array([.object(jwk)])] as JSONValue).serialized
        keys = (try? KeySet(jwks: Array(jwks.utf8))) ?? KeySet(keys: [])
    }

    func handle(_ request: HTTPServer.Request) -> HTTPServer.Response {
        if configuration.latency > 0 { usleep(UInt32(min(configuration.latency, 600) * 1_000_000)) }
        let iss = issuer.withLock { $0 }
        switch (request.method, request.path) {
        case ("GET", "/.well-known/jwks.json"):
            if let status = configuration.jwksStatus, status != 200 {
                return error(status, "JWKS unavailable (mock --jwks-status \(status))")
            }
            return .json(200, jwks, headers: [("Cache-Control", "public, max-age=300")])
        case ("GET", "/.well-known/openid-configuration"):
            let doc: JSONValue = ["issuer": .string(iss), "jwks_uri": .string(iss + "/.well-known/jwks.json"),
                                  "id_token_signing_alg_values_supported": [.string(algorithm.rawValue)],
                                  "response_types_supported": ["code"], "subject_types_supported": ["public"]]
            return .json(200, doc.serialized, headers: [("Cache-Control", "public, max-age=300")])
        case (_, let path) where path.hasPrefix("/functions/v1/"):
            let name = String(path.dropFirst("/functions/v1/".count))
            guard var endpoint = ThrustAPI.endpoint(named: name) else { return error(404, "Function not found") }
            guard request.method == "POST" else { return error(405, "Method not allowed") }
            if name == "get-topics" && configuration.deviations.contains(.topicsRequireAuth) {
                endpoint = ThrustAPI.Endpoint(name: endpoint.name, auth: .required, body: endpoint.body)
            }
            return function(endpoint, request, issuer: iss)
        default:
            return error(404, "Not found")
        }
    }

    private func error(_ status: Int, _ message: String) -> HTTPServer.Response {
        .json(status, (["error": .string(message)] as JSONValue).serialized)
    }

    private func documented(_ row: ThrustAPI.DocumentedError) -> HTTPServer.Response { error(row.status, row.message) }

    /// The documented table, exactly: no `Bearer` credential → Missing authorization header
    /// (anonymous data where auth is optional); a presented but invalid one → 401 even where
    /// auth is optional (RFC 6750 §3.1); no usable sub → No user ID; a missing scope → 403.
    private func function(_ endpoint: ThrustAPI.Endpoint, _ request: HTTPServer.Request, issuer: String) -> HTTPServer.Response {
        let token = bearer(request.header("Authorization"))
        guard let token, !token.isEmpty else {
            return endpoint.auth == .required ? documented(ThrustAPI.missingAuthorization) : data(endpoint, sub: nil)
        }
        let d = configuration.deviations
        if d.contains(.failsOnGarbage) && !token.contains(".") { return error(500, "Internal Server Error") }
        var scopes: [String] = []
        if endpoint.name == "get-notifications", let s = configuration.requiredScope { scopes = [s] }
        let policy = VerificationPolicy(algorithms: [algorithm], issuer: issuer, leeway: 30, requiredScopes: scopes)
        if let sub = deviantAccept(token, policy: policy) { return data(endpoint, sub: sub) }
        let result = TokenVerifier(keys: keys, policy: policy).verify(token)
        if let rejection = result.rejection {
            if d.contains(.gatewayStyleErrors) && rejection.apiError == ThrustAPI.invalidToken {
                return .json(401, #"{"code":401,"message":"Invalid JWT"}"#)
            }
            return documented(rejection.apiError)
        }
        return data(endpoint, sub: result.claims?["sub"]?.stringValue)
    }

    /// The deviations that accept what they should not; nil when none applies.
    private func deviantAccept(_ token: String, policy: VerificationPolicy) -> String? {
        let d = configuration.deviations
        guard d.contains(.acceptsAlgNone) || d.contains(.ignoresSignature),
              let parsed = try? CompactToken(token), let claims = try? parsed.claims() else { return nil }
        let isNone = parsed.header.algorithmName.lowercased() == "none"
        if (isNone && d.contains(.acceptsAlgNone)) || d.contains(.ignoresSignature) {
            if let exp = claims.expiresAt, exp <= Clock.now() { return nil }
            return claims.subject
        }
        return nil
    }

    private func bearer(_ header: String?) -> String? {
        guard let h = header?.trimmingSpaces else { return nil }
        guard h.count >= 6, h.prefix(6).lowercased() == "bearer" else { return nil }
        let rest = h.dropFirst(6)
        guard rest.isEmpty || rest.first!.isWhitespace else { return nil }
        return String(rest).trimmingSpaces
    }

    /// Plausible data; user-specific fields only with a valid token.
    private func data(_ endpoint: ThrustAPI.Endpoint, sub: String?) -> HTTPServer.Response {
        var o = JSONObject()
        switch endpoint.name {
        case "get-tokens":
            o.set("filter", "trending")
            o.set("tokens", [
                ["symbol": "THR", "name": "Thrust", "price_usd": .number(JSONNumber(literal: "1.42", value: 1.42)), "change_24h": .number(JSONNumber(literal: "3.1", value: 3.1))],
                ["symbol": "ORY", "name": "Oryx", "price_usd": .number(JSONNumber(literal: "0.087", value: 0.087)), "change_24h": .number(JSONNumber(literal: "-1.4", value: -1.4))],
            ])
            if sub != nil { o.set("watchlist", ["THR"]) }
        case "get-posts":
            o.set("posts", [
                ["id": "p_1001", "title": "Launch day", "author": "thrust-team", "created_at": "2026-11-30T09:00:00Z", "likes": 42],
                ["id": "p_1002", "title": "Weekly market notes", "author": "analyst-7", "created_at": "2026-12-01T15:30:00Z", "likes": 17],
            ])
            if sub != nil { o.set("liked_by_me", ["p_1001"]) }
        case "get-topics":
            o.set("topics", [["id": "t_defi", "name": "DeFi", "posts": 128], ["id": "t_memes", "name": "Memes", "posts": 512]])
            if sub != nil { o.set("following", ["t_defi"]) }
        default:
            o.set("notifications", [
                ["id": "n_1", "type": "mention", "message": "analyst-7 mentioned you", "created_at": "2026-12-02T08:15:00Z", "read": false],
            ])
            o.set("unread", 1)
        }
        if let sub { o.set("user_id", .string(sub)) }
        return .json(200, JSONValue.object(o).serialized)
    }
}
