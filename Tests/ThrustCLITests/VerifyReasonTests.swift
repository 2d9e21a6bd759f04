import Foundation
import Testing
import ThrustJWT

/// Every SPEC reason code reached through the CLI with `--json`, with its documented `api_error`.
@Suite struct VerifyReasonTests {
    static let invalid = (401, "Invalid or expired authentication token")

    func verify(_ token: String, _ extra: [String] = [], keys: TestKeys) throws -> CLI.Result {
        try CLI.run(["verify", "--jwks", keys.jwksPath, "--now", testNowArg, "--json"] + extra + [token])
    }

    func expectRejected(_ r: CLI.Result, _ reason: String, status: Int = 401, message: String = invalid.1,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 1, "exit \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
        let o = r.json
        #expect(o["valid"] as? Bool == false, sourceLocation: sourceLocation)
        #expect(o["reason"] as? String == reason, "detail: \(o["detail"] ?? "")", sourceLocation: sourceLocation)
        let api = o["api_error"] as? [String: Any]
        #expect(api?["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect(api?["message"] as? String == message, sourceLocation: sourceLocation)
        #expect((o["detail"] as? String)?.isEmpty == false, sourceLocation: sourceLocation)
    }

    @Test func validTokenPasses() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let r = try verify(keys.token(claims()), keys: keys)
        #expect(r.status == 0, "\(r.stderr)")
        let o = r.json
        #expect(o["valid"] as? Bool == true)
        #expect(o["reason"] is NSNull)
        #expect(o["api_error"] is NSNull)
        #expect(o["expires_in_seconds"] as? Int == 3600)
        #expect(o["expiring"] as? Bool == false)
        #expect(o["stale"] is NSNull)
        let key = o["key"] as? [String: Any]
        #expect(key?["kid"] as? String == keys.kid)
        #expect(key?["kty"] as? String == "RSA")
        #expect(key?["alg"] as? String == "RS256")
        #expect((key?["thumbprint"] as? String)?.count == 43)
        #expect((o["claims"] as? [String: Any])?["sub"] as? String == "user-123")
        #expect((o["header"] as? [String: Any])?["alg"] as? String == "RS256")
    }

    @Test func missingToken() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        for input in ["", "   ", "Bearer", "Authorization: Bearer ", "bearer "] {
            expectRejected(try verify(input, keys: keys), "missing_token", status: 401, message: "Missing authorization header")
        }
    }

    @Test func malformed() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        expectRejected(try verify("not-a-jwt", keys: keys), "malformed")
        expectRejected(try verify("a.b", keys: keys), "malformed")
        expectRejected(try verify("....", keys: keys), "malformed")
        // A payload that is not a JSON object: not a JWT.
        expectRejected(try verify(keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1"}"#, payload: "[1,2]"), keys: keys), "malformed")
        // exp as a string is a bad claim type.
        expectRejected(try verify(keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1"}"#,
                                                payload: #"{"sub":"u","exp":"tomorrow"}"#), keys: keys), "malformed")
        // A non-string kid.
        expectRejected(try verify(keys.rawToken(header: #"{"alg":"RS256","kid":7}"#, payload: #"{"sub":"u"}"#), keys: keys), "malformed")
    }

    @Test func encrypted() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let header = Base64URL.encode(Array(#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#.utf8))
        expectRejected(try verify("\(header).a2V5.aXY.Y2lwaGVy.dGFn", keys: keys), "encrypted")
    }

    @Test func unsupportedAlgorithm() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.rawToken(header: #"{"alg":"ES256K","kid":"test-key-1"}"#, payload: #"{"sub":"u"}"#)
        expectRejected(try verify(t, keys: keys), "unsupported_alg")
        // PS256 against a JWK pinned to RS256.
        let ps = try TokenSigner.sign(claims: claims(), algorithm: .ps256, key: .asymmetric(keys.rsa), keyID: keys.kid)
        expectRejected(try verify(ps, keys: keys), "unsupported_alg")
        // An --alg that excludes the token's alg.
        expectRejected(try verify(keys.token(claims()), ["--alg", "RS512"], keys: keys), "unsupported_alg")
    }

    @Test func unsupportedCritical() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let crit = try keys.token(claims(), header: JSONObject(["crit": ["exp-ext"], "exp-ext": 1]))
        expectRejected(try verify(crit, keys: keys), "unsupported_critical")
        // b64 is unsupported with or without crit, whatever the payload holds.
        let b64 = try keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1","b64":false,"crit":["b64"]}"#, payload: "not json")
        expectRejected(try verify(b64, keys: keys), "unsupported_critical")
        let b64NoCrit = try keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1","b64":false}"#, payload: #"{"sub":"u"}"#)
        expectRejected(try verify(b64NoCrit, keys: keys), "unsupported_critical")
        // crit naming a member that is not there is malformed.
        let bad = try keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1","crit":["nope"]}"#, payload: #"{"sub":"u"}"#)
        expectRejected(try verify(bad, keys: keys), "malformed")
    }

    @Test func keyNotFound() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        expectRejected(try verify(keys.token(claims(), kid: "rotated-away"), keys: keys), "key_not_found")
        let empty = try ws.write("empty.json", #"{"keys":[]}"#)
        let r = try CLI.run(["verify", "--jwks", empty, "--json", "--now", testNowArg, keys.token(claims())])
        expectRejected(r, "key_not_found")
    }

    @Test func badSignature() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims())
        var parts = t.split(separator: ".").map(String.init)
        var sig = Base64URL.decode(parts[2])!
        sig[10] ^= 0x01
        parts[2] = Base64URL.encode(sig)
        expectRejected(try verify(parts.joined(separator: "."), keys: keys), "bad_signature")
        // Altered payload, old signature.
        let altered = Base64URL.encode(JSONValue.object(claims(sub: "someone-else")).serializedBytes)
        expectRejected(try verify([parts[0], altered, t.split(separator: ".").map(String.init)[2]].joined(separator: "."), keys: keys), "bad_signature")
    }

    @Test func claimValues() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        expectRejected(try verify(keys.token(claims(iat: testNow - 7200, exp: testNow - 3600)), keys: keys), "expired")
        expectRejected(try verify(keys.token(claims(extra: ["nbf": .number(JSONNumber(testNow + 600))])), keys: keys), "not_yet_valid")
        expectRejected(try verify(keys.token(claims(iat: testNow + 600)), keys: keys), "issued_in_future")
        expectRejected(try verify(keys.token(claims(iat: testNow - 7200)), ["--max-age", "1h"], keys: keys), "too_old")
        expectRejected(try verify(keys.token(claims(iat: nil)), ["--max-age", "1h"], keys: keys), "too_old")
        expectRejected(try verify(keys.token(claims()), ["--iss", "https://auth.example.com/"], keys: keys), "wrong_issuer")
        expectRejected(try verify(keys.token(claims(extra: ["aud": "api"])), ["--aud", "other"], keys: keys), "wrong_audience")
        expectRejected(try verify(keys.token(claims(sub: nil)), keys: keys), "missing_sub", message: "No user ID in token")
        expectRejected(try verify(keys.token(claims(sub: "  ")), keys: keys), "missing_sub", message: "No user ID in token")
        expectRejected(try verify(keys.token(claims(extra: ["scp": ["read"]])), ["--scope", "write"], keys: keys),
                       "insufficient_permissions", status: 403, message: "Insufficient permissions")
    }

    @Test func leewayAndBoundaries() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        // exp 30 s ago passes with the default 60 s leeway, fails with none.
        let t = try keys.token(claims(exp: testNow - 30))
        #expect(try verify(t, keys: keys).status == 0)
        expectRejected(try verify(t, ["--leeway", "0"], keys: keys), "expired")
        // exp <= now - leeway is expired: exactly at the boundary fails.
        expectRejected(try verify(keys.token(claims(exp: testNow - 60)), keys: keys), "expired")
        // Fractional NumericDates compare as numbers.
        #expect(try verify(keys.token(claims(exp: testNow + 0.5)), ["--leeway", "0"], keys: keys).status == 0)
    }

    @Test func acceptsPolicyThatMatches() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims(extra: ["aud": ["api", "web"], "scope": "read write"]))
        let r = try verify(t, ["--iss", "https://auth.example.com", "--aud", "web", "--scope", "write", "--scope", "read", "--max-age", "5m"], keys: keys)
        #expect(r.status == 0, "\(r.stdout)")
        // aud present but not checked: passes with a warning.
        let w = try verify(t, keys: keys)
        #expect(w.status == 0)
        #expect((w.json["warnings"] as? [String])?.contains { $0.contains("audience") } == true)
    }

    @Test func expiresWithinIsExitFour() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let r = try verify(keys.token(claims(exp: testNow + 600)), ["--expires-within", "1h"], keys: keys)
        #expect(r.status == 4)
        #expect(r.json["expiring"] as? Bool == true)
        #expect(r.json["valid"] as? Bool == true)
        #expect(try verify(keys.token(claims(exp: testNow + 7200)), ["--expires-within", "1h"], keys: keys).status == 0)
        let noExp = try verify(keys.token(claims(exp: nil)), ["--expires-within", "1h"], keys: keys)
        #expect(noExp.status == 0)
        #expect((noExp.json["warnings"] as? [String])?.isEmpty == false)
    }
}
