import ThrustHTTP
import ThrustJWT
import ThrustMock
import ThrustProbe

/// `demo`: the main job end to end, offline, each step a short story (SPEC "demo").
enum DemoCommand {
    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let s = Style.detect(fd: 1)
        var steps: [(String, Bool, String)] = []
        let quietText = args.json || args.quiet
        func say(_ text: String) { if !quietText { OutputStream.out.line(text) } }
        func step(_ n: Int, _ title: String, ok: Bool, _ detail: String, body: String = "") {
            steps.append((title, ok, detail))
            say("\n" + s.bold("\(n). \(title)"))
            if !body.isEmpty { say(body.hasSuffix("\n") ? String(body.dropLast()) : body) }
            say((ok ? s.green("   ✓ ") : s.red("   ✗ ")) + detail)
        }

        // 1. A key, as an issuer would hold it.
        let key: AsymmetricKey
        do { key = try AsymmetricKey.generateRSA(bits: 2048) } catch { throw UsageError("demo: cannot create a key: \(error)") }
        let thumbprint = (try? JWK(object: JWKExport.publicJWK(key)))?.thumbprint ?? "?"
        say(s.bold("thrust-jwt demo") + s.dim(" — offline, against a mock Thrust API on loopback"))
        step(1, "Create an RS256 signing key (what Ory holds)", ok: true, "RSA \(key.bits), kid \(thumbprint)")

        // 2. The mock API, on an ephemeral loopback port, with that key.
        var config = MockAPI.Configuration()
        config.port = 0
        config.key = key
        config.keyID = thumbprint
        let mock: MockAPI
        do { mock = try MockAPI(config) } catch { throw UsageError("demo: cannot start the mock: \(error.message)") }
        defer { mock.stop() }
        step(2, "Start the mock Thrust API", ok: true, "base_url=\(mock.baseURL)  jwks_url=\(mock.jwksURL)")

        // 3. Mint a token the way Ory would issue it.
        let token = mock.token(sub: "5f0c6a2e-demo-user", ttl: 3600)
        step(3, "Mint a user's token", ok: !token.isEmpty, "a \(token.utf8.count)-byte RS256 JWT for sub 5f0c6a2e-demo-user, valid 1h (never printed whole)")

        // 4. Decode it.
        let now = Clock.now()
        if let inspection = try? CredentialInspection(token, now: now) {
            step(4, "Decode it: what it is and when it expires", ok: inspection.kind == .jws,
                 "\(inspection.kind.rawValue)\(inspection.flavour.map { " · \($0.rawValue)" } ?? ""), expires \(DurationText.relative(inspection.expiresAt ?? now, now: now))",
                 body: DecodeCommand.human(inspection, now: now, style: s))
        } else {
            step(4, "Decode it", ok: false, "the minted token did not decode")
        }

        // 5. Verify it against the mock's published keys.
        let client = HTTPClient(configuration: .init(timeout: 10))
        let remote = RemoteKeySet(url: mock.jwksURL, client: client)
        let v = remote.verify(token, policy: VerificationPolicy(issuer: mock.issuer))
        let valid = v.result?.isValid == true
        step(5, "Verify it against the JWKS URL", ok: valid,
             valid ? "valid: signature verified with kid \(v.result?.key?.keyID ?? "?"), iss \(mock.issuer)" : "rejected: \(v.result?.rejection?.description ?? v.unavailable ?? "?")")
        let forged = Probe.alterPayloadForDemo(token)
        let f = remote.verify(forged, policy: VerificationPolicy(issuer: mock.issuer))
        step(6, "Verify a forged copy (sub changed, old signature)", ok: f.result?.rejection?.reason == .badSignature,
             "rejected: \(f.result?.rejection?.reason.rawValue ?? "?") → the API would answer \(f.result?.rejection?.apiError.status ?? 0) \(f.result?.rejection?.apiError.message ?? "")")

        // 7. check: does the key work against the API?
        let report = Check.run(Check.Request(baseURL: mock.baseURL, endpoint: ThrustAPI.endpoint(named: ThrustAPI.checkEndpoint)!,
                                             token: token, now: now), client: client)
        step(7, "check: the CI step that a deployed key still works", ok: report.story == .works,
             "\(report.story.rawValue) (exit \(report.exitCode)): \(report.detail)")
        let expired = mock.token(sub: "5f0c6a2e-demo-user", ttl: 60, now: now - 7200)
        let dead = Check.run(Check.Request(baseURL: mock.baseURL, endpoint: ThrustAPI.endpoint(named: ThrustAPI.checkEndpoint)!,
                                           token: expired, now: now), client: client)
        step(8, "check an expired key: the key is dead, the API is fine", ok: dead.story == .rejected && dead.reason == "expired",
             "\(dead.story.rawValue) (exit \(dead.exitCode)), reason \(dead.reason ?? "?"): \(dead.detail)")

        // 9. probe: every endpoint against the documented table.
        let probe: Probe.Report
        do {
            probe = try Probe.run(Probe.Configuration(baseURL: mock.baseURL, token: token, expiredToken: expired, now: now), client: client)
        } catch {
            throw UsageError("demo: probe failed: \(error)")
        }
        let allMatch = probe.exitCode == 0 && probe.count(.match) == probe.cells.count
        step(9, "probe: every endpoint × case against the documented error table", ok: allMatch,
             "\(probe.cells.count) cells: \(probe.count(.match)) match, \(probe.count(.mismatch)) mismatch, \(probe.count(.security)) security, \(probe.count(.error)) error",
             body: ProbeCommand.human(probe, style: s))

        let failed = steps.filter { !$0.1 }
        if args.json {
            OutputStream.out.line((["ok": .bool(failed.isEmpty),
                                    "steps": .array(steps.map { ["step": .string($0.0), "ok": .bool($0.1), "detail": .string($0.2)] })] as JSONValue).serialized)
        } else {
            say("")
            say(failed.isEmpty ? s.green(s.bold("demo: every step behaved as documented"))
                               : s.red(s.bold("demo: \(failed.count) step(s) did not behave as documented")))
        }
        return failed.isEmpty ? .success : .rejected
    }
}
