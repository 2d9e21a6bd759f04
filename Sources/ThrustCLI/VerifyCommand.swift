#if canImport(Glibc)
import Glibc
#endif
import ThrustHTTP
import ThrustJWT

/// `verify` and `verify --batch`.
enum VerifyCommand {
    /// Everything one token's verdict needs, resolved once from the arguments.
    struct Setup: Sendable {
        let source: KeySourceOption
        let verifier: TokenVerifier?
        let policy: VerificationPolicy
        let now: Double
        let expiresWithin: Double?
    }

    static func setup(_ args: ParsedArguments) throws(UsageError) -> Setup {
        _ = try NetworkOptions(args)   // --timeout, --cache-dir/--no-cache are checked whatever the source
        if let enc = args.value("--secret-encoding"), !["raw", "base64", "base64url"].contains(enc) {
            throw UsageError("--secret-encoding takes raw, base64 or base64url, not '\(displayable(enc, limit: 20))'")
        }
        let source = try KeySourceOption.resolve(args)
        let algorithms = try KeySourceOption.algorithms(args, source: source)
        let leeway = try Inputs.duration(args, "--leeway") ?? 60
        var issuer = args.value("--iss")
        if issuer == nil, case .remote(_, let discovered?) = source { issuer = discovered }
        let policy = VerificationPolicy(
            algorithms: algorithms, issuer: issuer, audiences: args.all("--aud"), leeway: leeway,
            maxAge: try Inputs.duration(args, "--max-age"), requiredScopes: args.all("--scope"),
            requireSubject: !args.has("--no-require-sub"))
        _ = try Inputs.duration(args, "--timeout")
        if let jobs = args.value("--jobs"), Int(jobs).map({ $0 < 1 || $0 > 256 }) ?? true {
            throw UsageError("--jobs takes a number from 1 to 256")
        }
        var verifier: TokenVerifier? = nil
        if case .keys(let keys, _) = source { verifier = TokenVerifier(keys: keys, policy: policy) }
        return Setup(source: source, verifier: verifier, policy: policy, now: try Inputs.now(args),
                     expiresWithin: try Inputs.duration(args, "--expires-within"))
    }

    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let setup = try setup(args)
        if args.has("--batch") {
            if !args.positionals.isEmpty || args.has("--token-env") || args.has("--token-file") {
                throw UsageError("--batch reads one token per stdin line; give no TOKEN, --token-env or --token-file")
            }
            return batch(args, setup)
        }
        if args.has("--jobs") { throw UsageError("--jobs goes with --batch") }
        let token = try Inputs.token(args, implicitStdin: true)
        let verdict = Verdict(token: token, setup: setup)
        if args.json {
            OutputStream.out.line(verdict.json().serialized)
            if let why = verdict.unavailable { OutputStream.err.line("thrust-jwt: \(why)") }
        } else if verdict.unavailable != nil {
            OutputStream.err.line("thrust-jwt: \(verdict.unavailable!)")
        } else if !args.quiet {
            OutputStream.out.write(verdict.human(style: Style.detect(fd: 1)))
            let warn = Style.detect(fd: 2)
            for w in verdict.warnings { OutputStream.err.line(warn.yellow("warning: ") + w) }
        }
        return verdict.exitCode
    }

    /// One token's verdict: valid, expiring, rejected, or no verdict.
    struct Verdict: Sendable {
        let result: VerificationResult?
        let unavailable: String?
        /// For a no-verdict: the header and claims as parsed.
        var parsed: VerificationResult? = nil
        let now: Double
        let expiring: Bool
        /// nil for local sources; whether a remote set was served past its freshness.
        let stale: Bool?
        let warnings: [String]

        init(token: String, setup: Setup) {
            now = setup.now
            let r: VerificationResult
            var w: [String]
            switch setup.source {
            case .keys:
                r = setup.verifier!.verify(token, now: setup.now)
                w = r.warnings
                stale = nil
            case .remote(let remote, _):
                let v = remote.verify(token, policy: setup.policy, now: setup.now)
                guard let result = v.result else {
                    (result, unavailable, expiring, stale, warnings) = (nil, v.unavailable, false, nil, v.warnings)
                    parsed = v.parsed
                    return
                }
                r = result
                w = v.warnings
                stale = v.stale
            case .unavailable(let why):
                let early = TokenVerifier.judgeBeforeKeyLookup(token, policy: setup.policy, now: setup.now, remoteSource: true)
                guard let rejected = early.rejection else {
                    (result, unavailable, expiring, stale, warnings) = (nil, why, false, nil, early.parsed.warnings)
                    parsed = early.parsed
                    return
                }
                r = rejected
                w = rejected.warnings
                stale = nil
            }
            unavailable = nil
            result = r
            var soon = false
            if r.isValid, let window = setup.expiresWithin {
                if let exp = r.expiresAt { soon = exp - setup.now <= window }
                else { w.append("no exp, so --expires-within does not apply") }
            }
            expiring = soon
            warnings = w
        }

        var exitCode: ThrustCLI.ExitCode {
            guard let result else { return .noVerdict }
            if !result.isValid { return .rejected }
            return expiring ? .expiring : .success
        }

        /// The verdict as JSON; `line` first when given (`--batch`). Members are laid out in
        /// order directly (no lookups): `--batch` builds one of these per token.
        func json(line: Int? = nil) -> JSONValue {
            var m: [JSONObject.Member] = []
            m.reserveCapacity(13)
            func add(_ name: String, _ value: JSONValue) { m.append(JSONObject.Member(name: name, value: value)) }
            if let line { add("line", .number(JSONNumber(line))) }
            guard let r = result else {
                add("valid", false)
                add("reason", "key_unavailable")
                add("detail", .string(unavailable ?? ""))
                add("api_error", .null)
                add("header", J.object(parsed?.header?.raw))
                add("claims", J.object(parsed?.claims))
                add("key", .null)
                add("expires_in_seconds", .null)
                add("expiring", false)
                add("stale", .null)
                add("warnings", J.strings(warnings))
                return .object(JSONObject(m))
            }
            add("valid", .bool(r.isValid))
            add("reason", J.str(r.rejection?.reason.rawValue))
            add("detail", .string(detail))
            add("api_error", J.apiError(r.rejection?.apiError))
            add("header", J.object(r.header?.raw))
            add("claims", J.object(r.claims))
            if let key = r.key {
                add("key", .object(JSONObject([
                    .init(name: "kid", value: J.str(key.keyID)), .init(name: "kty", value: .string(key.keyType.rawValue)),
                    .init(name: "alg", value: J.str(r.algorithm?.rawValue)), .init(name: "thumbprint", value: J.str(key.thumbprint)),
                ])))
            } else {
                add("key", .null)
            }
            add("expires_in_seconds", J.int(J.secondsUntil(r.expiresAt, now: now)))
            add("expiring", .bool(expiring))
            add("stale", stale.map(JSONValue.bool) ?? .null)
            add("warnings", J.strings(warnings))
            return .object(JSONObject(m))
        }

        var detail: String {
            guard let r = result else { return unavailable ?? "" }
            if let rej = r.rejection { return rej.detail }
            var s = "signature verified with \(r.algorithm?.rawValue ?? "?")"
            if let kid = r.key?.keyID { s += " key \"\(displayable(kid, limit: 60))\"" }
            if let exp = r.expiresAt { s += "; expires \(RFC3339.format(exp)) (\(DurationText.relative(exp, now: now)))" }
            else { s += "; no exp" }
            return s
        }

        func human(style s: Style) -> String {
            guard let r = result else { return "" }
            var out = ""
            if let rej = r.rejection {
                out += s.red(s.bold("✗ rejected")) + "  " + s.bold(rej.reason.rawValue) + ": " + rej.detail + "\n"
                out += "  the API would answer  \(rej.apiError.status) \(rej.apiError.message)\n"
                return out
            }
            let head = expiring ? s.yellow(s.bold("! valid, expiring soon")) : s.green(s.bold("✓ valid"))
            var keyText = r.algorithm?.rawValue ?? ""
            if let key = r.key {
                keyText += " · \(key.keyType.rawValue)"
                if let bits = key.bits, key.keyType == .rsa { keyText += " \(bits)" }
                if let crv = key.curve { keyText += " \(crv)" }
                if let kid = key.keyID { keyText += " · kid \(displayable(kid, limit: 60))" }
            }
            out += head + "  " + keyText + "\n"
            let claims = r.claims ?? JSONObject()
            var rows: [(String, String)] = []
            if let sub = claims["sub"]?.stringValue { rows.append(("sub", displayable(sub))) }
            if let iss = claims["iss"]?.stringValue { rows.append(("iss", displayable(iss))) }
            if let aud = claims["aud"] { rows.append(("aud", displayable(aud.stringValue ?? aud.serialized))) }
            if let iat = claims["iat"]?.numberValue?.value {
                rows.append(("iat", "\(RFC3339.format(iat)) (\(DurationText.relative(iat, now: now)))"))
            }
            if let exp = r.expiresAt { rows.append(("exp", "\(RFC3339.format(exp)) (expires \(DurationText.relative(exp, now: now)))")) }
            for (k, v) in rows { out += "  " + s.cyan(pad(k, 5)) + v + "\n" }
            return out
        }
    }

    // MARK: --batch

    static func batch(_ args: ParsedArguments, _ setup: Setup) -> ThrustCLI.ExitCode {
        let jobs = args.value("--jobs").flatMap(Int.init) ?? Environment.processorCount
        let printLines = args.json || !args.quiet
        var lineNumber = 0
        var counts = (valid: 0, rejected: 0, noVerdict: 0, expiring: 0)
        let started = Clock.now()
        let reader = LineReader(fd: 0)
        func readChunk() -> [(line: Int, token: String)] {
            var chunk: [(line: Int, token: String)] = []
            while chunk.count < 2048, let raw = reader.next() {
                lineNumber += 1
                if raw.utf8.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                chunk.append((lineNumber, raw))
            }
            return chunk
        }
        func emit(_ results: Slots<([UInt8], ThrustCLI.ExitCode)>, _ count: Int) {
            for i in 0..<count {
                let (line, code) = results.get(i)
                if printLines { OutputStream.out.write(bytes: line) }
                switch code {
                case .success: counts.valid += 1
                case .expiring: counts.valid += 1; counts.expiring += 1
                case .rejected: counts.rejected += 1
                default: counts.noVerdict += 1
                }
            }
        }
        // A pipeline: workers verify chunk k while this thread writes chunk k-1 and reads k+1,
        // so reading and writing never stall the verifying threads.
        var chunk = readChunk()
        var previous: (Slots<([UInt8], ThrustCLI.ExitCode)>, Int)? = nil
        while !chunk.isEmpty {
            let input = chunk
            let results = Slots<([UInt8], ThrustCLI.ExitCode)>(count: input.count, initial: ([], .success))
            let running = ConcurrentWork.start(count: input.count, width: jobs) { i in
                let verdict = Verdict(token: Inputs.normalizeToken(input[i].token), setup: setup)
                var bytes: [UInt8] = []
                if printLines {
                    bytes = verdict.json(line: input[i].line).serializedBytes
                    bytes.append(0x0A)
                }
                results.set(i, (bytes, verdict.exitCode))
            }
            if let (r, n) = previous { emit(r, n) }
            chunk = readChunk()
            running.wait()
            previous = (results, input.count)
        }
        if let (r, n) = previous { emit(r, n) }
        let elapsed = Clock.now() - started
        let total = counts.valid + counts.rejected + counts.noVerdict
        if !args.quiet {
            let rate = elapsed > 0 ? Int(Double(total) / elapsed) : 0
            OutputStream.err.line("batch: \(total) tokens: \(counts.valid) valid (\(counts.expiring) expiring), \(counts.rejected) rejected, \(counts.noVerdict) no verdict; \(jobs) jobs, \(rate)/s")
        }
        if counts.rejected > 0 { return .rejected }
        if counts.noVerdict > 0 { return .noVerdict }
        return .success
    }
}

/// Reads lines from a file descriptor without Foundation; `\r\n` and `\n` both end a line.
final class LineReader {
    /// Lines longer than this are cut (and the rest of the line dropped): far above the token
    /// cap, so such a line is still judged `malformed`, but memory stays bounded.
    static let maxLine = 64 * 1024
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var eof = false
    private var discarding = false

    init(fd: Int32) { self.fd = fd }

    func next() -> String? {
        while true {
            if let nl = buffer[max(start, scanned)...].firstIndex(of: 0x0A) {
                var end = nl
                if end > start, buffer[end - 1] == 0x0D { end -= 1 }
                let wasDiscarding = discarding
                discarding = false
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                scanned = start
                if wasDiscarding { continue }   // the tail of a line already returned, cut
                return line
            }
            scanned = buffer.count
            if buffer.count - start > LineReader.maxLine && !discarding {
                let line = String(decoding: buffer[start..<(start + LineReader.maxLine + 1)], as: UTF8.self)
                start = buffer.count
                scanned = start
                discarding = true
                return line
            }
            if discarding { start = buffer.count; scanned = start }
            if eof {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            if start > 0 {
                buffer.removeFirst(start)
                scanned -= start
                start = 0
            }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { eof = true } else { buffer.append(contentsOf: chunk[0..<n]) }
        }
    }
}
