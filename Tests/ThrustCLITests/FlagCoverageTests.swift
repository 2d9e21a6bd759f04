import Foundation
import Testing
import ThrustJWT

/// SPEC flags that no other test exercises: mock --key and --jwks-status, keygen --kid/--crv,
/// mint --nbf and --claims-file.
@Suite struct FlagCoverageTests {
    /// Starts `thrust-jwt mock` and returns it with its four start-up values.
    func startMock(_ extra: [String]) throws -> (Process, [String: String]) {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["mock", "--port", "0"] + extra
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        var text = ""
        while text.split(separator: "\n").count < 4 {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            if let eq = line.firstIndex(of: "=") { values[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        return (p, values)
    }

    @Test func mockUsesTheGivenKeyAndJWKSStatus() throws {
        let ws = try Workspace()
        #expect(try CLI.run(["keygen", "--quiet", "--kty", "EC", "--crv", "P-521", "--kid", "my-kid", "--out-dir", ws.path("k")]).status == 0)
        let jwks = try String(contentsOfFile: ws.path("k") + "/jwks.json", encoding: .utf8)
        #expect(jwks.contains(#""kid":"my-kid""#) && jwks.contains("P-521"))
        let (mock, v) = try startMock(["--key", ws.path("k") + "/private.jwk.json"])
        defer { mock.terminate(); mock.waitUntilExit() }
        let token = try #require(v["token"])
        // The mock signs with the given key: its token verifies against the keygen JWKS file.
        let r = try CLI.run(["verify", "--json", "--jwks", ws.path("k") + "/jwks.json", token])
        #expect(r.status == 0, "\(r.stdout)")
        #expect((r.json["key"] as? [String: Any])?["kid"] as? String == "my-kid")
        #expect((r.json["header"] as? [String: Any])?["alg"] as? String == "ES512")

        let (broken, b) = try startMock(["--jwks-status", "503"])
        defer { broken.terminate(); broken.waitUntilExit() }
        let down = try CLI.run(["verify", "--json", "--no-cache", "--jwks", try #require(b["jwks_url"]), try #require(b["token"])])
        #expect(down.status == 3)
        #expect(down.json["reason"] as? String == "key_unavailable")
    }

    @Test func mintNotBeforeAndClaimsFile() throws {
        let ws = try Workspace()
        _ = try CLI.run(["keygen", "--quiet", "--out-dir", ws.path("k")])
        let file = try ws.write("claims.json", #"{"sub":"from-file","role":"admin","n":1.50}"#)
        let m = try CLI.run(["mint", "--key", ws.path("k") + "/private.pem", "--claims-file", file, "--claim", "role=\"user\"",
                             "--nbf", "10m", "--now", testNowArg])
        #expect(m.status == 0)
        let token = m.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let d = try CLI.run(["decode", "--json", "--now", testNowArg, token]).json
        let c = d["claims"] as? [String: Any]
        #expect(c?["sub"] as? String == "from-file")
        #expect(c?["role"] as? String == "user")            // --claim wins over the file
        #expect((d["times"] as? [String: Any])?["nbf"] as? String == "2026-12-03T12:10:00Z")
        #expect(try CLI.run(["decode", "--now", testNowArg, token]).stdout.contains("1.50"))
        // Not valid for another 10 minutes; valid once it is.
        let early = try CLI.run(["verify", "--json", "--jwks", ws.path("k") + "/jwks.json", "--now", testNowArg, token])
        #expect(early.json["reason"] as? String == "not_yet_valid")
        #expect(try CLI.run(["verify", "--quiet", "--jwks", ws.path("k") + "/jwks.json", "--now", "@1796300000", token]).status == 0)
    }
}
