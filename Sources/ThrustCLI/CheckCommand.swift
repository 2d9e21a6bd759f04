import ThrustHTTP
import ThrustJWT
import ThrustProbe

/// `check`: the CI step that a deployed key still works (SPEC "check").
enum CheckCommand {
    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let network = try NetworkOptions(args)
        let base = try baseURL(args, required: false, network: network)!
        let endpointName = args.value("--endpoint") ?? ThrustAPI.checkEndpoint
        // An undocumented name is allowed (the API may have more functions); it gets an empty body,
        // and a wrong one answers 404: not_found, not "your key is bad".
        guard !endpointName.isEmpty, endpointName.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) else {
            throw UsageError("--endpoint takes a function name such as get-notifications, not '\(displayable(endpointName, limit: 40))'")
        }
        let endpoint = ThrustAPI.endpoint(named: endpointName) ?? ThrustAPI.Endpoint(name: endpointName, auth: .required, body: "{}")
        let headers = try extraHeaders(args)
        if let path = args.value("--junit") { try FileOutput.checkWritable(path, what: "JUnit report") }
        let token = try Inputs.token(args, implicitStdin: false, defaultEnv: "THRUST_API_KEY")
        try requireSendable(token)
        let now = try Inputs.now(args)
        var local: (@Sendable (String) -> (result: VerificationResult?, unavailable: String?))? = nil
        if args.has("--jwks") || args.has("--oidc") {
            let setup = try VerifyCommand.setup(args)
            local = { token in
                let v = VerifyCommand.Verdict(token: token, setup: setup)
                return (v.result, v.unavailable)
            }
        }
        let request = Check.Request(baseURL: base, endpoint: endpoint, token: token, headers: headers,
                                    expiresWithin: try Inputs.duration(args, "--expires-within"), now: now)
        let report = Check.run(request, client: network.client, localVerification: local)
        if let path = args.value("--junit") {
            let outcome: JUnitReport.TestCase.Outcome
            switch report.story {
            case .works: outcome = .passed
            case .expiring: outcome = .failed("expiring: \(report.detail)")
            case .rejected: outcome = .failed("\(report.reason ?? "rejected"): \(report.detail)")
            case .noVerdict: outcome = .error("\(report.reason ?? "no verdict"): \(report.detail)")
            }
            let junit = JUnitReport(suite: "thrust-jwt check", cases: [
                .init(className: "thrust-jwt.check", name: "\(endpoint.name) accepts the key", seconds: Double(report.latencyMS ?? 0) / 1000,
                      outcome: outcome, output: report.detail),
            ])
            try FileOutput.write(path, junit.xml, what: "JUnit report")
        }

        if args.json {
            OutputStream.out.line(json(report).serialized)
        } else if !args.quiet {
            let s = Style.detect(fd: 1)
            OutputStream.out.line(headline(report, style: s))
        }
        if !args.quiet || args.json {
            let warn = Style.detect(fd: 2)
            for w in report.warnings { OutputStream.err.line(warn.yellow("warning: ") + w) }
        }
        if Environment.get("GITHUB_ACTIONS") == "true" {
            let stream = args.json ? OutputStream.err : OutputStream.out
            switch report.story {
            case .rejected: stream.line(GitHubAnnotation.error("thrust-jwt check", "the key is rejected (\(report.reason ?? "")): \(report.detail)"))
            case .noVerdict: stream.line(GitHubAnnotation.error("thrust-jwt check", "no verdict (\(report.reason ?? "")): \(report.detail)"))
            case .expiring: stream.line(GitHubAnnotation.warning("thrust-jwt check", report.detail))
            case .works: break
            }
            for w in report.warnings { stream.line(GitHubAnnotation.warning("thrust-jwt check", w)) }
        }
        return ThrustCLI.ExitCode(rawValue: report.exitCode) ?? .noVerdict
    }

    static func headline(_ r: Check.Report, style s: Style) -> String {
        switch r.story {
        case .works: return s.green(s.bold("✓ the key works")) + ": " + r.detail
        case .expiring: return s.yellow(s.bold("! the key works but expires soon")) + ": " + r.detail
        case .rejected: return s.red(s.bold("✗ the key is rejected")) + " (\(r.reason ?? "")): " + r.detail
        case .noVerdict: return s.yellow(s.bold("? no verdict")) + " (\(r.reason ?? "")): " + r.detail
        }
    }

    static func json(_ r: Check.Report) -> JSONValue {
        var api: JSONValue = .null
        if let a = r.answer {
            api = ["status": .number(JSONNumber(a.status)), "message": J.str(a.message), "origin": .string(a.origin.rawValue),
                   "gateway_code": a.gatewayCode ?? .null]
        }
        return ["works": .bool(r.works), "reason": J.str(r.reason), "detail": .string(r.detail), "status": J.int(r.status),
                "api_error": api, "latency_ms": J.int(r.latencyMS),
                "token": ["kind": J.str(r.tokenKind), "sub": J.str(r.subject), "expires_in_seconds": J.int(r.expiresInSeconds)],
                "warnings": J.strings(r.warnings)]
    }

    /// `--base-url`, else `$THRUST_BASE_URL`, else (for check only) the documented base.
    static func baseURL(_ args: ParsedArguments, required: Bool, network: NetworkOptions) throws(UsageError) -> String? {
        let url = args.value("--base-url") ?? Environment.get("THRUST_BASE_URL").flatMap { $0.isEmpty ? nil : $0 }
        guard let url else {
            if required { throw UsageError("probe sends forged tokens, so it needs an explicit target: --base-url URL or THRUST_BASE_URL") }
            return ThrustAPI.documentedBaseURL
        }
        try network.check(url, flag: "--base-url")
        return url
    }

    /// `--header 'Name: value'`, repeatable.
    static func extraHeaders(_ args: ParsedArguments) throws(UsageError) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for h in args.all("--header") {
            guard let colon = h.firstIndex(of: ":"), colon != h.startIndex else {
                throw UsageError("--header takes 'Name: value', not '\(displayable(h, limit: 40))'")
            }
            let name = String(h[..<colon]).trimmingSpaces
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_".contains($0)) }) else {
                throw UsageError("--header name '\(displayable(name, limit: 40))' is not a valid header name")
            }
            let value = String(h[h.index(after: colon)...]).trimmingSpaces
            guard HTTPClient.isSafeHeader(name, value) else {
                throw UsageError("--header '\(displayable(name, limit: 40))' has a line break or control character in its value")
            }
            out.append((name, value))
        }
        return out
    }

    /// A token with a line break inside would smuggle headers into the request: refused.
    static func requireSendable(_ token: String, what: String = "the key") throws(UsageError) {
        guard HTTPClient.isSafeHeader("Authorization", "Bearer " + token) else {
            throw UsageError("\(what) contains a line break or control character; it cannot be sent as a header")
        }
    }
}

/// GitHub Actions workflow commands (`::error title=…::message`), escaped as the runner expects.
enum GitHubAnnotation {
    static func escape(_ s: String) -> String {
        s.replacing("%", with: "%25").replacing("\r", with: "%0D").replacing("\n", with: "%0A")
    }
    static func error(_ title: String, _ message: String) -> String { "::error title=\(escape(title))::\(escape(message))" }
    static func warning(_ title: String, _ message: String) -> String { "::warning title=\(escape(title))::\(escape(message))" }
}
