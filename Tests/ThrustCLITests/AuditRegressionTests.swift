import Foundation
import Testing
import ThrustJWT
import ThrustMock
import ThrustServer

/// Regressions for the SPEC conformance audit: each test pins one sentence of SPEC.
@Suite struct AuditRegressionTests {
    /// "key_unavailable can only arise at key lookup, after a line has parsed."
    @Test func earlierVerdictsWinOverAnUnavailableKeySource() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let dead = "http://127.0.0.1:1/jwks.json"
        let header = Base64URL.encode(Array(#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#.utf8))
        let cases: [(String, String)] = [("not.a.jwt", "malformed"), ("", "missing_token"), ("eyJhbGciOiJub25lIn0.e30.", "unsupported_alg"),
                                         ("\(header).a2V5.aXY.Y2lwaGVy.dGFn", "encrypted")]
        for (token, reason) in cases {
            let r = try CLI.run(["verify", "--json", "--no-cache", "--jwks", dead, token])
            #expect(r.status == 1, "\(reason): \(r.stdout)")
            #expect(r.json["reason"] as? String == reason)
        }
        let good = try keys.token(claims())
        let batch = try CLI.run(["verify", "--batch", "--no-cache", "--jwks", dead], stdin: [good, "not.a.jwt", "Bearer"].joined(separator: "\n"))
        #expect(batch.status == 1)
        #expect(batch.jsonLines.map { $0["reason"] as? String } == ["key_unavailable", "malformed", "missing_token"])
        // Discovery that fails is the same: only tokens that reach key lookup get no verdict.
        let oidc = try CLI.run(["verify", "--json", "--no-cache", "--oidc", "http://127.0.0.1:1", "eyJhbGciOiJub25lIn0.e30."])
        #expect(oidc.json["reason"] as? String == "unsupported_alg")
        #expect(try CLI.run(["verify", "--quiet", "--no-cache", "--oidc", "http://127.0.0.1:1", good]).status == 3)
    }

    /// "'Differs from the no_header answer' compares the two bodies as parsed JSON."
    @Test func anonymousAnswerComparedAsParsedJSON() throws {
        let server = try HTTPServer { req in
            let forged = req.header("Authorization").map { $0.count > 7 } ?? false
            return .json(200, forged ? #"{"b":2,"a":1.0}"# : #"{"a":1,"b":2}"#)
        }
        defer { server.stop() }
        let r = try CLI.run(["probe", "--json", "--base-url", server.baseURL, "--endpoint", "get-tokens"], env: ["THRUST_API_KEY": ""])
        let cells = (r.json["cells"] as? [[String: Any]]) ?? []
        let algNone = cells.first { $0["case"] as? String == "alg_none" }
        #expect(algNone?["verdict"] as? String == "mismatch")
        #expect(!cells.contains { $0["verdict"] as? String == "security" })
    }

    /// "usage errors (exit 2) print one line on stderr and nothing on stdout" — also for --junit.
    @Test func unwritableJUnitIsAUsageErrorBeforeAnyOutput() throws {
        for cmd in [["check"], ["probe"]] {
            let r = try CLI.run(cmd + ["--json", "--base-url", "http://127.0.0.1:1/functions/v1", "--junit", "/nonexistent/dir/r.xml"],
                                env: ["THRUST_API_KEY": "k"])
            #expect(r.status == 2)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
    }

    @Test func checkUsesLocalReasonsAndAnyEndpointName() throws {
        var config = MockAPI.Configuration()
        config.port = 0
        let m = try MockAPI(config)
        defer { m.stop() }
        func check(_ token: String, _ extra: [String] = []) throws -> CLI.Result {
            try CLI.run(["check", "--json", "--base-url", m.baseURL] + extra, env: ["THRUST_API_KEY": token])
        }
        #expect(try check("abc.def.ghi").json["reason"] as? String == "malformed")
        let none = "eyJhbGciOiJub25lIn0." + Base64URL.encode(Array(#"{"sub":"u"}"#.utf8)) + "."
        #expect(try check(none).json["reason"] as? String == "unsupported_alg")
        // An opaque key is judged by the API alone.
        #expect(try check("sk_opaque_key_123").json["reason"] as? String == "invalid_token")
        // A wrong endpoint is the endpoint's fault, not the key's.
        let nf = try check(m.token(), ["--endpoint", "get-nothing"])
        #expect(nf.status == 3)
        #expect(nf.json["reason"] as? String == "not_found")
        // --quiet prints nothing but errors, whatever the story.
        let q = try CLI.run(["check", "--quiet", "--base-url", m.baseURL], env: ["THRUST_API_KEY": "abc.def.ghi"])
        #expect(q.status == 1)
        #expect(q.stdout.isEmpty)
    }

    @Test func jsonForHelpVersionAndCompletions() throws {
        #expect(try CLI.run(["--version", "--json"]).json["version"] as? String == "0.1.0")
        let h = try CLI.run(["help", "verify", "--json"]).json
        #expect(h["name"] as? String == "verify")
        #expect(((h["options"] as? [[String: Any]]) ?? []).contains { $0["name"] as? String == "--jwks" })
        #expect(((try CLI.run(["--help", "--json"]).json["commands"] as? [Any]) ?? []).count == 11)
        #expect((try CLI.run(["completions", "--json", "bash"]).json["script"] as? String)?.contains("complete") == true)
    }

    /// "decode exits 0 for a JWS whose header and payload both parse".
    @Test func decodeWithABadSignatureSegment() throws {
        let h = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8)), p = Base64URL.encode(Array(#"{"sub":"u"}"#.utf8))
        let r = try CLI.run(["decode", "--json", "\(h).\(p).!!!"])
        #expect(r.status == 0)
        #expect(r.json["signature_bytes"] is NSNull)
        #expect(((r.json["warnings"] as? [String]) ?? []).contains { $0.contains("signature") })
    }

    @Test func hugeTimesNeverCrash() throws {
        let h = Base64URL.encode(Array(#"{"alg":"RS256","typ":"JWT"}"#.utf8)), p = Base64URL.encode(Array(#"{"sub":"x","exp":1e300,"iat":-1e300}"#.utf8))
        let d = try CLI.run(["decode", "\(h).\(p).abc"])
        #expect(d.status == 0, "\(d.stderr)")
        let c = try CLI.run(["check", "--json", "--base-url", "http://127.0.0.1:1/functions/v1"], env: ["THRUST_API_KEY": "\(h).\(p).abc"])
        #expect(c.status == 3)
        #expect(try CLI.run(["verify", "--jwks", "http://127.0.0.1:1/j", "--timeout", "99999999999999999999", "a.b.c"]).status == 2)
        #expect(try CLI.run(["decode", "--now", "@1e300", "\(h).\(p).abc"]).status == 2)
    }

    @Test func tokensWithLineBreaksAreNeverSent() throws {
        let r = try CLI.run(["check", "--base-url", "http://127.0.0.1:1/functions/v1"], env: ["THRUST_API_KEY": "abc\r\nX-Injected: yes"])
        #expect(r.status == 2)
        let h = try CLI.run(["check", "--base-url", "http://127.0.0.1:1/functions/v1", "--header", "X-A: b\r\nX-B: c"], env: ["THRUST_API_KEY": "k"])
        #expect(h.status == 2)
    }

    /// "a key set with no usable key (empty, or every key unusable) is key_not_found" — first.
    @Test func anEmptyKeySetIsKeyNotFoundEvenWithAlg() throws {
        let ws = try Workspace()
        let empty = try ws.write("empty.json", #"{"keys":[]}"#)
        let secret = HMACSecret([UInt8](repeating: 1, count: 32))
        let token = try TokenSigner.sign(claims: JSONObject(["sub": "u"]), algorithm: .hs256, key: .secret(secret))
        let r = try CLI.run(["verify", "--json", "--jwks", empty, "--alg", "RS256", token])
        #expect(r.json["reason"] as? String == "key_not_found")
    }

    @Test func decidableAlgsWinOverADeadRemoteSource() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let dead = "http://127.0.0.1:1/jwks.json"
        let ps = try TokenSigner.sign(claims: claims(), algorithm: .ps256, key: .asymmetric(keys.rsa), keyID: keys.kid)
        #expect(try CLI.run(["verify", "--json", "--no-cache", "--jwks", dead, "--alg", "RS256", ps]).json["reason"] as? String == "unsupported_alg")
        let hs = try TokenSigner.sign(claims: claims(), algorithm: .hs256, key: .secret(HMACSecret([UInt8](repeating: 2, count: 32))))
        #expect(try CLI.run(["verify", "--json", "--no-cache", "--jwks", dead, hs]).json["reason"] as? String == "unsupported_alg")
        // A no-verdict still reports the header and claims that parsed.
        let r = try CLI.run(["verify", "--json", "--no-cache", "--jwks", dead, try keys.token(claims())])
        #expect(r.status == 3)
        #expect((r.json["header"] as? [String: Any])?["alg"] as? String == "RS256")
        #expect((r.json["claims"] as? [String: Any])?["sub"] as? String == "user-123")
        #expect(r.json["stale"] is NSNull)
    }

    @Test func flagValuesAreCheckedWhateverTheSource() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims())
        #expect(try CLI.run(["verify", "--jwks", keys.jwksPath, "--secret-encoding", "hex", t]).status == 2)
        #expect(try CLI.run(["verify", "--jwks", keys.jwksPath, "--timeout", "0", t]).status == 2)
    }

    @Test func aTokenInTheWrongFlagIsNotEchoed() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims())
        for args in [["verify", "--jwks", keys.jwksPath, "--token-env", t], ["check", "--base-url", t], ["probe", "--base-url", t],
                     ["verify", "--secret-env", t, "x.y.z"]] {
            let r = try CLI.run(args, env: ["THRUST_API_KEY": "k"])
            #expect(r.status == 2)
            #expect(!r.stderr.contains(t))
            #expect(!r.stderr.contains(String(t.split(separator: ".")[2])))
        }
    }

    @Test func checkExplainsIssuedInTheFuture() throws {
        var config = MockAPI.Configuration()
        config.port = 0
        let m = try MockAPI(config)
        defer { m.stop() }
        var c = JSONObject()
        c.set("sub", "u")
        c.set("iss", .string(m.issuer))
        c.set("iat", .number(JSONNumber(Clock.now().rounded() + 3600)))
        c.set("exp", .number(JSONNumber(Clock.now().rounded() + 7200)))
        let token = try TokenSigner.sign(claims: c, algorithm: .rs256, key: .asymmetric(m.key), keyID: m.keyID)
        let r = try CLI.run(["check", "--json", "--base-url", m.baseURL], env: ["THRUST_API_KEY": token])
        #expect(r.json["reason"] as? String == "issued_in_future")
    }

    @Test func durationsAreNotRoundedAway() {
        #expect(DurationText.describe(90) == "1m 30s")
        #expect(DurationText.describe(1.5) == "1.5s")
        #expect(DurationText.describe(12 * 86_400 - 5) == "12d")
        #expect(DurationText.parse("500ms") == 0.5)
        #expect(DurationText.parse("1h30m") == 5400)
    }
}
