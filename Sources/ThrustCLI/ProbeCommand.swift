import ThrustHTTP
import ThrustJWT
import ThrustProbe

/// `probe`: every endpoint × case against the documented table (SPEC "probe").
enum ProbeCommand {
    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let network = try NetworkOptions(args)
        let base = try CheckCommand.baseURL(args, required: true, network: network)!
        var endpoints: [ThrustAPI.Endpoint] = []
        for name in args.all("--endpoint") {
            guard let e = ThrustAPI.endpoint(named: name) else {
                throw UsageError("--endpoint '\(displayable(name, limit: 40))' is not a documented endpoint (\(ThrustAPI.endpoints.map(\.name).joined(separator: ", ")))")
            }
            if !endpoints.contains(e) { endpoints.append(e) }
        }
        if endpoints.isEmpty { endpoints = ThrustAPI.endpoints }
        var token: String? = nil
        if let env = args.value("--token-env") { token = try Inputs.tokenFromEnv(env, flag: "--token-env") }
        else if let t = Environment.get("THRUST_API_KEY").map(Inputs.normalizeToken), !t.isEmpty { token = t }
        let expired = try args.value("--expired-token-env").map { name throws(UsageError) in try Inputs.tokenFromEnv(name, flag: "--expired-token-env") }
        if let path = args.value("--junit") { try FileOutput.checkWritable(path, what: "JUnit report") }
        if let token { try CheckCommand.requireSendable(token, what: "the --token-env token") }
        if let expired { try CheckCommand.requireSendable(expired, what: "the --expired-token-env token") }
        let concurrency = Int(args.value("--concurrency") ?? "8") ?? 0
        guard (1...64).contains(concurrency) else { throw UsageError("--concurrency takes a number from 1 to 64") }
        let config = Probe.Configuration(baseURL: base, endpoints: endpoints, token: token, expiredToken: expired,
                                         headers: try CheckCommand.extraHeaders(args), concurrency: concurrency, now: try Inputs.now(args))
        let report: Probe.Report
        do { report = try Probe.run(config, client: network.client) } catch {
            throw UsageError("cannot create the probe's forged tokens: \(error)")
        }
        if let path = args.value("--junit") {
            let cases = report.cells.map { c -> JUnitReport.TestCase in
                let outcome: JUnitReport.TestCase.Outcome
                switch c.verdict {
                case .match: outcome = .passed
                case .mismatch: outcome = .failed("mismatch: \(c.note)")
                case .security: outcome = .failed("SECURITY: \(c.note)")
                case .error: outcome = .error(c.note)
                }
                return .init(className: "thrust-jwt.probe.\(c.endpoint.name)", name: c.testCase.rawValue,
                             seconds: Double(c.answer?.latencyMS ?? 0) / 1000, outcome: outcome)
            }
            try FileOutput.write(path, JUnitReport(suite: "thrust-jwt probe", cases: cases).xml, what: "JUnit report")
        }
        if args.json {
            OutputStream.out.line(json(report).serialized)
        } else if !args.quiet {
            OutputStream.out.write(human(report, style: Style.detect(fd: 1)))
        }
        if !args.quiet || args.json {
            let warn = Style.detect(fd: 2)
            for w in report.warnings { OutputStream.err.line(warn.yellow("warning: ") + w) }
        }
        if Environment.get("GITHUB_ACTIONS") == "true" {
            let stream = args.json ? OutputStream.err : OutputStream.out
            for c in report.cells where c.verdict != .match {
                let line = "\(c.endpoint.name) \(c.testCase.rawValue): \(c.verdict.rawValue): \(c.note)"
                stream.line(c.verdict == .error ? GitHubAnnotation.warning("thrust-jwt probe", line) : GitHubAnnotation.error("thrust-jwt probe", line))
            }
        }
        return ThrustCLI.ExitCode(rawValue: report.exitCode) ?? .noVerdict
    }

    static func expectationJSON(_ e: Probe.Expectation) -> JSONValue {
        ["status": .number(JSONNumber(e.status)), "message": J.str(e.message)]
    }

    static func json(_ r: Probe.Report) -> JSONValue {
        let cells: [JSONValue] = r.cells.map { c in
            var expected = expectationJSON(c.expected[0]).objectValue!
            expected.set("accepts", .array(c.expected.map(expectationJSON)))
            var cell = JSONObject()
            cell.set("endpoint", .string(c.endpoint.name))
            cell.set("case", .string(c.testCase.rawValue))
            cell.set("expected", .object(expected))
            if let a = c.answer {
                cell.set("actual", ["status": .number(JSONNumber(a.status)), "message": J.str(a.message), "origin": .string(a.origin.rawValue),
                                    "gateway_code": a.gatewayCode ?? .null, "latency_ms": .number(JSONNumber(a.latencyMS))])
                cell.set("client_contract", c.clientContract.map(JSONValue.bool) ?? .null)
            } else {
                cell.set("actual", .null)
                cell.set("client_contract", .null)
            }
            cell.set("verdict", .string(c.verdict.rawValue))
            cell.set("detail", .string(c.note))
            return .object(cell)
        }
        return ["base_url": .string(r.baseURL), "cells": .array(cells),
                "summary": ["match": .number(JSONNumber(r.count(.match))), "mismatch": .number(JSONNumber(r.count(.mismatch))),
                            "security": .number(JSONNumber(r.count(.security))), "error": .number(JSONNumber(r.count(.error))),
                            "skipped": .number(JSONNumber(r.skipped))],
                "warnings": J.strings(r.warnings)]
    }

    /// A table that fits 100 columns; `security` cells first and loudest.
    static func human(_ r: Probe.Report, style s: Style) -> String {
        var out = s.bold("probe \(displayable(r.baseURL, limit: 70))") + "\n"
        let security = r.cells.filter { $0.verdict == .security }
        for c in security {
            var line = "!! SECURITY  \(c.endpoint.name) \(c.testCase.rawValue): \(c.note)"
            if line.count > 100 { line = String(line.prefix(99)) + "…" }
            out += s.red(s.bold(line)) + "\n"
        }
        if !security.isEmpty { out += "\n" }
        func short(_ status: Int, _ message: String?) -> String {
            guard let m = message else { return "\(status)" }
            let word = m.split(separator: " ").first.map(String.init) ?? m
            return "\(status) \(word)…"
        }
        let header = pad("ENDPOINT", 18) + pad("CASE", 18) + pad("EXPECTED", 14) + pad("ACTUAL", 28) + pad("ORIGIN", 9) + pad("MS", 5) + "VERDICT"
        out += s.dim(header) + "\n"
        for c in security + r.cells.filter({ $0.verdict != .security }) {
            let expected = short(c.expected[0].status, c.expected[0].message) + (c.expected.count > 1 ? "+" : "")
            var actual = "-"
            var origin = "-"
            var ms = "-"
            if let a = c.answer {
                actual = a.message == nil ? "\(a.status)" : "\(a.status) \(a.shortMessage)"
                if actual.count > 26 { actual = String(actual.prefix(25)) + "…" }
                origin = a.origin.rawValue
                ms = "\(a.latencyMS)"
            } else if let f = c.failure {
                actual = f.count > 26 ? String(f.prefix(25)) + "…" : f
            }
            let verdict: String
            switch c.verdict {
            case .match: verdict = s.green("match")
            case .mismatch: verdict = s.yellow("MISMATCH")
            case .security: verdict = s.red(s.bold("SECURITY"))
            case .error: verdict = s.yellow("error")
            }
            out += pad(c.endpoint.name, 18) + pad(c.testCase.rawValue, 18) + pad(expected, 14) + pad(actual, 28) + pad(origin, 9) + pad(ms, 5) + verdict + "\n"
        }
        for c in r.cells where c.verdict == .mismatch || c.verdict == .error {
            var line = "  \(c.endpoint.name) \(c.testCase.rawValue): \(c.note)"
            if line.count > 100 { line = String(line.prefix(99)) + "…" }
            out += s.dim(line) + "\n"
        }
        out += "\n\(r.cells.count) cells: \(r.count(.match)) match, \(r.count(.mismatch)) mismatch, \(r.count(.security)) security, \(r.count(.error)) error; \(r.skipped) skipped\n"
        return out
    }
}
