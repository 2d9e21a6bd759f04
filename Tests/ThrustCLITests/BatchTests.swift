import Foundation
import Testing
import ThrustJWT

@Suite struct BatchTests {
    @Test func thousandsOfMixedTokensKeepOrder() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let valid = try keys.token(claims())
        let expired = try keys.token(claims(iat: testNow - 7200, exp: testNow - 3600))
        let unknownKid = try keys.token(claims(), kid: "nope")
        let noSub = try keys.token(claims(sub: nil))
        var parts = valid.split(separator: ".").map(String.init)
        parts[1] = Base64URL.encode(JSONValue.object(claims(sub: "evil")).serializedBytes)
        let tampered = parts.joined(separator: ".")
        // 3000 lines: a pattern of verdicts, blank lines and Bearer prefixes.
        let pattern: [(String, String?)] = [
            (valid, nil), ("Bearer " + valid, nil), (expired, "expired"), ("", nil), (unknownKid, "key_not_found"),
            (tampered, "bad_signature"), ("garbage", "malformed"), (noSub, "missing_sub"), ("Bearer", "missing_token"), ("   ", nil),
        ]
        var lines: [String] = []
        var expected: [(line: Int, reason: String?)] = []
        for i in 0..<3000 {
            let (text, reason) = pattern[i % pattern.count]
            lines.append(text)
            if !text.trimmingCharacters(in: .whitespaces).isEmpty { expected.append((i + 1, reason)) }
        }
        for jobs in ["1", "2"] {
            let r = try CLI.run(["verify", "--batch", "--jobs", jobs, "--jwks", keys.jwksPath, "--now", testNowArg],
                                stdin: lines.joined(separator: "\n") + "\n")
            #expect(r.status == 1)
            let out = r.jsonLines
            #expect(out.count == expected.count)
            for (o, e) in zip(out, expected) {
                #expect(o["line"] as? Int == e.line)
                if let reason = e.reason {
                    #expect(o["valid"] as? Bool == false)
                    #expect(o["reason"] as? String == reason, "line \(e.line)")
                } else {
                    #expect(o["valid"] as? Bool == true, "line \(e.line): \(o["detail"] ?? "")")
                }
            }
            #expect(r.stderr.contains("batch:"))
        }
    }

    @Test func allValidIsExitZero() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims(exp: testNow + 60))
        let r = try CLI.run(["verify", "--batch", "--jwks", keys.jwksPath, "--now", testNowArg, "--expires-within", "1h"],
                            stdin: Array(repeating: t, count: 50).joined(separator: "\r\n"))
        // Expiry windows are reported per line, never as exit 4.
        #expect(r.status == 0)
        #expect(r.jsonLines.count == 50)
        #expect(r.jsonLines.allSatisfy { $0["expiring"] as? Bool == true })
    }

    @Test func hugeLinesAreMalformedNotUnbounded() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims())
        let huge = String(repeating: "x", count: 3 * 1024 * 1024)
        let r = try CLI.run(["verify", "--batch", "--jwks", keys.jwksPath, "--now", testNowArg], stdin: [t, huge, t].joined(separator: "\n"))
        #expect(r.status == 1)
        let lines = r.jsonLines
        #expect(lines.count == 3)
        #expect(lines.map { $0["line"] as? Int } == [1, 2, 3])
        #expect(lines[1]["reason"] as? String == "malformed")
        #expect(lines[2]["valid"] as? Bool == true)
    }

    @Test func batchRefusesAPositionalToken() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let r = try CLI.run(["verify", "--batch", "--jwks", keys.jwksPath, "a.b.c"])
        #expect(r.status == 2)
    }
}
