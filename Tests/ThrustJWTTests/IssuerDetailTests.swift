import Testing
import ThrustJWT

/// SPEC: wrong_issuer's "detail names a trailing-slash, scheme or port difference".
@Suite struct IssuerDetailTests {
    func detail(iss: String, expected: String) throws -> String {
        let secret = HMACSecret([UInt8](repeating: 3, count: 32))
        let token = try TokenSigner.sign(claims: JSONObject(["sub": "u", "iss": .string(iss)]), algorithm: .hs256, key: .secret(secret))
        let r = TokenVerifier(keys: KeySet(single: VerificationKey(secret: secret.bytes)), policy: VerificationPolicy(issuer: expected)).verify(token)
        #expect(r.rejection?.reason == .wrongIssuer)
        return r.rejection?.detail ?? ""
    }

    @Test func namesTheNearMiss() throws {
        #expect(try detail(iss: "https://auth.example.com/", expected: "https://auth.example.com").contains("trailing slash"))
        #expect(try detail(iss: "http://auth.example.com", expected: "https://auth.example.com").contains("scheme"))
        #expect(try detail(iss: "https://auth.example.com:8443", expected: "https://auth.example.com").contains("port"))
        #expect(try detail(iss: "https://[::1]:8443/x", expected: "https://[::1]/x").contains("port"))
        #expect(try detail(iss: "https://other.example.com", expected: "https://auth.example.com").hasSuffix("\"https://auth.example.com\""))
    }

    @Test func urlParts() throws {
        let p = try #require(URLParts("HTTPS://user:pw@[::1]:8443/path?q#f"))
        #expect(p.scheme == "https" && p.host == "::1" && p.port == "8443" && p.rest == "/path?q#f")
        #expect(URLParts("http://Example.COM")?.effectivePort == "80")
        #expect(URLParts("no scheme") == nil)
    }
}
