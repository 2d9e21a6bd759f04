import Foundation
import Testing
import ThrustJWT

@Suite struct DecodeTests {
    func decode(_ token: String, json: Bool = true) throws -> CLI.Result {
        try CLI.run(["decode", "--now", testNowArg] + (json ? ["--json"] : []) + [token])
    }

    func unsigned(_ claims: JSONObject, header: String = #"{"alg":"RS256","typ":"JWT"}"#) -> String {
        Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(JSONValue.object(claims).serializedBytes) + ".c2lnbmF0dXJl"
    }

    @Test func jwsWithTimesAndShape() throws {
        let r = try decode(unsigned(claims()))
        #expect(r.status == 0)
        let o = r.json
        #expect(o["kind"] as? String == "jws")
        #expect(o["flavour"] is NSNull)
        #expect(o["prefix"] is NSNull)
        #expect(o["signature_bytes"] as? Int == 9)
        let times = o["times"] as? [String: Any]
        #expect(times?["exp"] as? String == "2026-12-03T13:00:00Z")
        #expect(times?["iat"] as? String == "2026-12-03T11:59:00Z")
        #expect(times?["nbf"] is NSNull)
        #expect(times?["expires_in_seconds"] as? Int == 3600)
        #expect((o["claims"] as? [String: Any])?["sub"] as? String == "user-123")
        for key in ["kind", "flavour", "prefix", "header", "claims", "signature_bytes", "times", "warnings"] {
            #expect(o[key] != nil, "missing \(key)")
        }
    }

    @Test func claimNumbersEchoedAsParsed() throws {
        let payload = #"{"sub":"u","exp":1796302800.25,"big":12345678901234567890,"f":1.50}"#
        let token = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8)) + "." + Base64URL.encode(Array(payload.utf8)) + ".c2ln"
        let r = try decode(token)
        #expect(r.status == 0)
        #expect(r.stdout.contains(#""big":12345678901234567890"#))
        #expect(r.stdout.contains(#""f":1.50"#))
        #expect(r.stdout.contains(#""exp":1796302800.25"#))
    }

    @Test func humanOutputNeverEchoesTheWholeToken() throws {
        let t = unsigned(claims())
        let r = try decode(t, json: false)
        #expect(r.status == 0)
        #expect(!r.stdout.contains(t))
        #expect(!r.stdout.contains(t.split(separator: ".")[2]))
        #expect(r.stdout.contains("c2lnbm…"))
        #expect(r.stdout.contains("2026-12-03T13:00:00Z"))
        #expect(r.stdout.contains("in 1h"))
    }

    @Test func warnings() throws {
        let none = unsigned(claims(sub: nil, exp: testNow - 7200), header: #"{"alg":"none"}"#)
        let r = try decode(none)
        #expect(r.status == 0)
        let w = (r.json["warnings"] as? [String]) ?? []
        #expect(w.contains { $0.contains("none") })
        #expect(w.contains { $0.contains("sub") })
        #expect(w.contains { $0.contains("expired") })
        let noExp = try decode(unsigned(claims(exp: nil)))
        #expect(((noExp.json["warnings"] as? [String]) ?? []).contains { $0.contains("exp") })
    }

    @Test func flavours() throws {
        let cases: [(JSONObject, String)] = [
            (claims(extra: ["sid": "s1", "jti": "j1"]), "ory_session"),
            (claims(extra: ["client_id": "c1", "scp": ["read"]]), "ory_access_token"),
            (claims(iss: "https://abc.supabase.co/auth/v1", extra: ["role": "authenticated"]), "supabase_user"),
            (claims(iss: "supabase", extra: ["role": "anon", "ref": "abc"]), "supabase_anon"),
            (claims(iss: "supabase", extra: ["role": "service_role", "ref": "abc"]), "supabase_service_role"),
        ]
        for (c, flavour) in cases {
            let r = try decode(unsigned(c))
            #expect(r.json["flavour"] as? String == flavour)
        }
        let sr = try decode(unsigned(cases[4].0))
        #expect(((sr.json["warnings"] as? [String]) ?? []).contains { $0.uppercased().contains("SERVICE_ROLE") })
    }

    @Test func opaqueAndPrefixes() throws {
        for prefix in ["ory_at_", "ory_rt_", "ory_ac_", "ory_st_", "ory_pat_", "ory_apikey_", "ory_wak_", "sb_publishable_", "sb_secret_", "sbp_"] {
            let r = try decode(prefix + "abcDEF123.xyz")
            #expect(r.status == 0)
            #expect(r.json["kind"] as? String == "opaque")
            #expect(r.json["prefix"] as? String == prefix)
            #expect(r.json["header"] is NSNull)
            #expect(r.json["claims"] is NSNull)
            #expect(r.json["signature_bytes"] is NSNull)
        }
        let human = try decode("sb_publishable_abc", json: false)
        #expect(human.stdout.contains("apikey"))
        let word = try decode("AbCdEf0123456789_-~+/==")
        #expect(word.status == 0)
        #expect(word.json["kind"] as? String == "opaque")
        #expect(word.json["prefix"] is NSNull)
    }

    @Test func jweAndMalformed() throws {
        let header = Base64URL.encode(Array(#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#.utf8))
        let jwe = try decode("\(header).a2V5.aXY.Y2lwaGVy.dGFn")
        #expect(jwe.status == 0)
        #expect(jwe.json["kind"] as? String == "jwe")
        #expect(jwe.json["claims"] is NSNull)
        #expect(jwe.json["signature_bytes"] is NSNull)
        for bad in ["....", "a.b", "has space", String(repeating: "a", count: 16385)] {
            let r = try decode(bad)
            #expect(r.status == 1, "\(bad.prefix(20))")
        }
        let notObject = Base64URL.encode(Array(#"{"alg":"RS256"}"#.utf8)) + "." + Base64URL.encode(Array("42".utf8)) + ".c2ln"
        let r = try decode(notObject)
        #expect(r.status == 1)
        #expect((r.json["detail"] as? String)?.contains("JWT") == true)
    }

    @Test func inputForms() throws {
        let ws = try Workspace()
        let t = unsigned(claims())
        let file = try ws.write("token.txt", "Authorization: Bearer \(t)\n")
        #expect(try CLI.run(["decode", "--json", "--token-file", file]).json["kind"] as? String == "jws")
        #expect(try CLI.run(["decode", "--json", "--token-env", "TOK"], env: ["TOK": "bearer \(t)"]).json["kind"] as? String == "jws")
        #expect(try CLI.run(["decode", "--json", "-"], stdin: "  \(t)\n").json["kind"] as? String == "jws")
        #expect(try CLI.run(["decode", "--json"], stdin: t).json["kind"] as? String == "jws")
        let missing = try CLI.run(["decode", "--json", ""])
        #expect(missing.status == 1)
        #expect(missing.json["reason"] as? String == "missing_token")
    }
}
