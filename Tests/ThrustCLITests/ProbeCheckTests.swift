import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import ThrustJWT
import ThrustMock

/// `probe`, `check`, `mock` and `demo` against the in-process mock and deviating variants of it.
@Suite struct ProbeCheckTests {
    func mock(_ change: (inout MockAPI.Configuration) -> Void = { _ in }) throws -> MockAPI {
        var config = MockAPI.Configuration()
        config.port = 0
        change(&config)
        return try MockAPI(config)
    }

    func probe(_ m: MockAPI, token: String? = nil, expired: String? = nil, _ extra: [String] = []) throws -> CLI.Result {
        var env: [String: String] = ["THRUST_API_KEY": ""]
        var args = ["probe", "--json", "--base-url", m.baseURL]
        if let token { env["REAL"] = token; args += ["--token-env", "REAL"] }
        if let expired { env["OLD"] = expired; args += ["--expired-token-env", "OLD"] }
        return try CLI.run(args + extra, env: env)
    }

    func cells(_ r: CLI.Result) -> [[String: Any]] { (r.json["cells"] as? [[String: Any]]) ?? [] }
    func cell(_ r: CLI.Result, _ endpoint: String, _ c: String) -> [String: Any]? {
        cells(r).first { $0["endpoint"] as? String == endpoint && $0["case"] as? String == c }
    }

    @Test func probeAgainstTheMockMatchesEveryCell() throws {
        let m = try mock()
        defer { m.stop() }
        let r = try probe(m, token: m.token(), expired: m.token(ttl: 60, now: Clock.now() - 7200))
        #expect(r.status == 0, "\(r.stdout.prefix(2000))")
        #expect(cells(r).count == 36)
        #expect(cells(r).allSatisfy { $0["verdict"] as? String == "match" })
        let summary = r.json["summary"] as? [String: Any]
        #expect(summary?["match"] as? Int == 36)
        #expect(summary?["skipped"] as? Int == 0)
        let c = cell(r, "get-notifications", "alg_none")
        #expect((c?["expected"] as? [String: Any])?["status"] as? Int == 401)
        #expect((c?["expected"] as? [String: Any])?["message"] as? String == "Invalid or expired authentication token")
        #expect((c?["actual"] as? [String: Any])?["origin"] as? String == "function")
        #expect(c?["client_contract"] as? Bool == true)
        let ok = cell(r, "get-tokens", "no_header")
        #expect(ok?["client_contract"] is NSNull)
        let accepts = ((cell(r, "get-tokens", "empty_bearer")?["expected"] as? [String: Any])?["accepts"] as? [[String: Any]]) ?? []
        #expect(accepts.count == 3)
        #expect(accepts.first?["message"] is NSNull)
    }

    @Test func withoutATokenTheTokenCasesAreSkipped() throws {
        let m = try mock()
        defer { m.stop() }
        let r = try probe(m)
        #expect(r.status == 0)
        #expect(cells(r).count == 20)
        #expect((r.json["summary"] as? [String: Any])?["skipped"] as? Int == 16)
        #expect(cells(r).allSatisfy { $0["case"] as? String != "real_token" })
    }

    @Test(arguments: [MockAPI.Deviation.acceptsAlgNone, .ignoresSignature])
    func acceptingForgeriesIsASecurityCell(_ deviation: MockAPI.Deviation) throws {
        let m = try mock { $0.deviations = [deviation] }
        defer { m.stop() }
        let r = try probe(m, token: m.token())
        #expect(r.status == 1)
        #expect(cell(r, "get-notifications", "alg_none")?["verdict"] as? String == "security")
        if deviation == .ignoresSignature {
            #expect(cell(r, "get-notifications", "foreign_key")?["verdict"] as? String == "security")
            #expect(cell(r, "get-notifications", "altered_payload")?["verdict"] as? String == "security")
            // On an optional endpoint the forged token got user data, unlike the anonymous answer.
            #expect(cell(r, "get-posts", "altered_signature")?["verdict"] as? String == "security")
        }
        let human = try CLI.run(["probe", "--base-url", m.baseURL], env: ["THRUST_API_KEY": m.token()])
        #expect(human.stdout.hasPrefix("probe ") && human.stdout.contains("!! SECURITY"))
        #expect(human.stdout.split(separator: "\n").allSatisfy { $0.count <= 100 })
    }

    @Test func aServerErrorIsAnErrorCell() throws {
        let m = try mock { $0.deviations = [.failsOnGarbage] }
        defer { m.stop() }
        let r = try probe(m, token: m.token())
        #expect(cell(r, "get-notifications", "not_a_jwt")?["verdict"] as? String == "error")
        #expect(r.status == 3)
    }

    @Test func gatewayStyleAnswersAreMismatchesClassifiedByMessage() throws {
        let m = try mock { $0.deviations = [.gatewayStyleErrors] }
        defer { m.stop() }
        let r = try probe(m, token: m.token())
        #expect(r.status == 1)
        let c = cell(r, "get-notifications", "foreign_key")
        #expect(c?["verdict"] as? String == "mismatch")
        let actual = c?["actual"] as? [String: Any]
        #expect(actual?["message"] as? String == "Invalid JWT")
        #expect(actual?["origin"] as? String == "gateway")
        #expect(actual?["gateway_code"] as? Int == 401)
        #expect(c?["client_contract"] as? Bool == false)
    }

    @Test func authOnAnOptionalEndpointIsAMismatch() throws {
        let m = try mock { $0.deviations = [.topicsRequireAuth] }
        defer { m.stop() }
        let r = try probe(m, token: m.token())
        #expect(r.status == 1)
        #expect(cell(r, "get-topics", "no_header")?["verdict"] as? String == "mismatch")
        #expect(cell(r, "get-tokens", "no_header")?["verdict"] as? String == "match")
    }

    @Test func aSlowServerIsErrorAndExitThree() throws {
        let m = try mock { $0.latency = 3 }
        defer { m.stop() }
        let start = Date()
        let r = try probe(m, ["--timeout", "500ms", "--endpoint", "get-notifications"])
        #expect(Date().timeIntervalSince(start) < 3)
        #expect(r.status == 3)
        #expect(cells(r).allSatisfy { $0["verdict"] as? String == "error" && $0["actual"] is NSNull })
    }

    @Test func probeNeedsAnExplicitTarget() throws {
        let r = try CLI.run(["probe"], env: ["THRUST_BASE_URL": ""])
        #expect(r.status == 2)
        #expect(r.stderr.contains("--base-url"))
        #expect(try CLI.run(["probe", "--base-url", "http://127.0.0.1:1", "--endpoint", "get-nothing"]).status == 2)
    }

    @Test func junitReportsParseAsXML() throws {
        let m = try mock { $0.deviations = [.acceptsAlgNone] }
        defer { m.stop() }
        let ws = try Workspace()
        let path = ws.path("probe.xml")
        _ = try CLI.run(["probe", "--quiet", "--base-url", m.baseURL, "--junit", path], env: ["THRUST_API_KEY": m.token()])
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let counter = XMLCounter()
        let parser = XMLParser(data: data)
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.testcases == 32)   // no expired token given: 4 cells skipped
        #expect(counter.failures >= 1)
        let checkPath = ws.path("check.xml")
        _ = try CLI.run(["check", "--base-url", m.baseURL, "--junit", checkPath], env: ["THRUST_API_KEY": m.token()])
        let c = XMLCounter()
        let p2 = XMLParser(data: try Data(contentsOf: URL(fileURLWithPath: checkPath)))
        p2.delegate = c
        #expect(p2.parse())
        #expect(c.testcases == 1)
        #expect(c.failures == 0)
    }

    // MARK: check

    func check(_ m: MockAPI, _ token: String, _ extra: [String] = [], env: [String: String] = [:]) throws -> CLI.Result {
        var e = env
        e["THRUST_API_KEY"] = token
        return try CLI.run(["check", "--json", "--base-url", m.baseURL] + extra, env: e)
    }

    @Test func checkTellsTheFourStoriesApart() throws {
        let m = try mock()
        defer { m.stop() }
        // 1. Works.
        let works = try check(m, m.token(ttl: 12 * 86_400))
        #expect(works.status == 0, "\(works.stdout) \(works.stderr)")
        #expect(works.json["works"] as? Bool == true)
        #expect(works.json["reason"] is NSNull)
        #expect(works.json["api_error"] is NSNull)
        #expect(works.json["status"] as? Int == 200)
        #expect((works.json["latency_ms"] as? Int).map { $0 >= 0 } == true)
        let tok = works.json["token"] as? [String: Any]
        #expect(tok?["kind"] as? String == "jws")
        #expect(tok?["sub"] as? String == "mock-user-1")
        #expect((tok?["expires_in_seconds"] as? Int).map { $0 > 11 * 86_400 } == true)
        let human = try CLI.run(["check", "--base-url", m.baseURL], env: ["THRUST_API_KEY": m.token(ttl: 12 * 86_400)])
        #expect(human.stdout.contains("works") && human.stdout.contains("12d"))
        // 2. Rejected, in the documented words, explained by the local decode.
        let dead = try check(m, m.token(ttl: 60, now: Clock.now() - 7200))
        #expect(dead.status == 1)
        #expect(dead.json["works"] as? Bool == false)
        #expect(dead.json["reason"] as? String == "expired")
        let api = dead.json["api_error"] as? [String: Any]
        #expect(api?["status"] as? Int == 401)
        #expect(api?["message"] as? String == "Invalid or expired authentication token")
        #expect(api?["origin"] as? String == "function")
        #expect((dead.json["detail"] as? String)?.contains("ago") == true)
        // A forged key: the row's own code.
        let forged = try check(m, "not-a-real-key")
        #expect(forged.status == 1)
        #expect(forged.json["reason"] as? String == "invalid_token")
        // 3. Works but expires within the window: exit 4.
        let soon = try check(m, m.token(ttl: 2 * 86_400), ["--expires-within", "7d"])
        #expect(soon.status == 4)
        #expect(soon.json["works"] as? Bool == true)
        // 4. The API did not answer: exit 3, never "your key is bad".
        let slow = try mock { $0.latency = 3 }
        defer { slow.stop() }
        let down = try check(slow, slow.token(), ["--timeout", "500ms"])
        #expect(down.status == 3)
        #expect(down.json["reason"] as? String == "timeout")
        #expect(down.json["api_error"] is NSNull)
        #expect(down.json["status"] is NSNull)
        let gone = try CLI.run(["check", "--json", "--base-url", "http://127.0.0.1:1/functions/v1"], env: ["THRUST_API_KEY": "k"])
        #expect(gone.status == 3)
        #expect(gone.json["reason"] as? String == "unreachable")
    }

    @Test func checkMapsEveryRow() throws {
        let m = try mock { $0.requiredScope = "notifications:read" }
        defer { m.stop() }
        let denied = try check(m, m.token())
        #expect(denied.status == 1)
        #expect(denied.json["reason"] as? String == "insufficient_permissions")
        #expect((denied.json["api_error"] as? [String: Any])?["status"] as? Int == 403)
        #expect(try check(m, m.token(scopes: ["notifications:read"])).status == 0)
        // A token with no sub, signed by the mock's own key.
        var claims = JSONObject()
        claims.set("iss", .string(m.issuer))
        claims.set("exp", .number(JSONNumber(Clock.now().rounded() + 600)))
        let noSub = try TokenSigner.sign(claims: claims, algorithm: .rs256, key: .asymmetric(m.key), keyID: m.keyID)
        let r = try check(m, noSub)
        #expect(r.json["reason"] as? String == "missing_sub")
        #expect((r.json["api_error"] as? [String: Any])?["message"] as? String == "No user ID in token")
        // 404: the endpoint or base URL is wrong, not the key.
        let nf = try CLI.run(["check", "--json", "--base-url", m.issuer + "/nope"], env: ["THRUST_API_KEY": m.token()])
        #expect(nf.status == 3)
        #expect(nf.json["reason"] as? String == "not_found")
    }

    @Test func checkServerErrorAndUndocumented() throws {
        let m = try mock { $0.deviations = [.gatewayStyleErrors, .failsOnGarbage] }
        defer { m.stop() }
        let five = try check(m, "garbage")
        #expect(five.status == 3)
        #expect(five.json["reason"] as? String == "server_error")
        let gw = try check(m, m.token(ttl: 60, now: Clock.now() - 7200))
        #expect(gw.status == 1)
        #expect(gw.json["reason"] as? String == "undocumented_response")
        #expect((gw.json["api_error"] as? [String: Any])?["origin"] as? String == "gateway")
    }

    @Test func checkWithLocalVerification() throws {
        let m = try mock()
        defer { m.stop() }
        // The API accepts it and it verifies locally against the mock's JWKS.
        #expect(try check(m, m.token(), ["--jwks", m.jwksURL, "--no-cache"]).status == 0)
        // The API accepts it but local verification against another key set fails.
        let ws = try Workspace(), other = try TestKeys(in: ws)
        let r = try check(m, m.token(), ["--jwks", other.jwksPath])
        #expect(r.status == 1)
        #expect(r.json["reason"] as? String == "key_not_found")
        #expect((r.json["detail"] as? String)?.contains("API accepted") == true)
    }

    @Test func checkNeedsAToken() throws {
        let r = try CLI.run(["check", "--base-url", "http://127.0.0.1:1/functions/v1"], env: ["THRUST_API_KEY": ""])
        #expect(r.status == 2)
        #expect(r.stderr.contains("THRUST_API_KEY"))
        #expect(r.stdout.isEmpty)
    }

    @Test func githubAnnotations() throws {
        let m = try mock()
        defer { m.stop() }
        let dead = m.token(ttl: 60, now: Clock.now() - 7200)
        let r = try CLI.run(["check", "--base-url", m.baseURL], env: ["THRUST_API_KEY": dead, "GITHUB_ACTIONS": "true"])
        #expect(r.stdout.contains("::error title=thrust-jwt check::"))
        let j = try CLI.run(["check", "--json", "--base-url", m.baseURL], env: ["THRUST_API_KEY": dead, "GITHUB_ACTIONS": "true"])
        #expect(j.stderr.contains("::error"))
        #expect(j.json["works"] as? Bool == false)
    }

    // MARK: mock and demo

    @Test func mockCommandServesUntilSIGTERM() throws {
        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["mock", "--port", "0", "--scope-required", "read:notifications"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = Pipe()
        try p.run()
        var text = ""
        let handle = out.fileHandleForReading
        while text.components(separatedBy: "\n").count < 5 {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("base_url=http://127.0.0.1:") && lines[0].hasSuffix("/functions/v1"))
        #expect(lines[1].hasPrefix("issuer=http://127.0.0.1:") && !lines[1].hasSuffix("/"))
        #expect(lines[2].hasPrefix("jwks_url="))
        #expect(lines[3].hasPrefix("token="))
        let base = String(lines[0].dropFirst("base_url=".count))
        let token = String(lines[3].dropFirst("token=".count))
        // The mock's token verifies against its own JWKS and discovery document.
        let issuer = String(lines[1].dropFirst("issuer=".count))
        let v = try CLI.run(["verify", "--quiet", "--oidc", issuer, "--no-cache", token])
        #expect(v.status == 0, "\(v.stderr)")
        // Its printed token carries the scope it demands; a token without it gets 403.
        let c = try CLI.run(["check", "--json", "--base-url", base], env: ["THRUST_API_KEY": token])
        #expect(c.status == 0, "\(c.stdout)")
        p.terminate()   // SIGTERM
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }

    @Test func demoExitsZero() throws {
        let r = try CLI.run(["demo"])
        #expect(r.status == 0, "\(r.stdout.suffix(2000)) \(r.stderr)")
        #expect(r.stdout.contains("every step behaved as documented"))
        let j = try CLI.run(["demo", "--json"])
        #expect(j.json["ok"] as? Bool == true)
    }
}

final class XMLCounter: NSObject, XMLParserDelegate {
    var testcases = 0
    var failures = 0
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        if name == "testcase" { testcases += 1 }
        if name == "failure" || name == "error" { failures += 1 }
    }
}
