// thrust-bench: single-threaded whole-token verification speed through the public ThrustJWT API,
// and the token files the batch and process start-up benchmarks in Benchmarks/bench.sh need.
//
//   thrust-bench [--seconds S] [--warmup S] [--only ALG]
//                                             verify/s for RS256, ES256 (targets), EdDSA, HS256
//   thrust-bench breakdown                    where an RS256 token's non-signature time goes
//   thrust-bench threads                      RS256 verify/s on 1 and 2 threads sharing a verifier
//   thrust-bench tokens N OUTDIR              jwks.json, jwk.json (public), private.pem, public.pem,
//                                             token.txt (one RS256 token, no newline),
//                                             tokens.txt (N RS256 tokens, one per line)
//
// Every measured loop verifies one pre-minted token with `TokenVerifier.verify(_:now:)`; keys are
// generated, exported as a public JWK and parsed back into a `KeySet` once, before the loop. Each
// result is checked: a rejected token aborts the run (exit 1) rather than inflating the figure.
#if canImport(Glibc)
import Glibc
#endif
import ThrustJWT

// MARK: Plumbing

func fail(_ message: String) -> Never {
    let text = "thrust-bench: FAIL: " + message + "\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(1)
}

func say(_ line: String) {
    let text = line + "\n"
    _ = text.utf8CString.withUnsafeBufferPointer { write(1, $0.baseAddress, $0.count - 1) }
}

func writeFile(_ path: String, _ contents: String) {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { fail("cannot create \(path): errno \(errno)") }
    let bytes = Array(contents.utf8)
    var done = 0
    while done < bytes.count {
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { fail("cannot write \(path): errno \(errno)") }
        done += n
    }
    guard close(fd) == 0 else { fail("cannot close \(path): errno \(errno)") }
}

func pad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
}

func lpad(_ s: String, _ width: Int) -> String {
    s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
}

/// `x` with `digits` decimals, without Foundation's formatting.
func fixed(_ x: Double, _ digits: Int) -> String {
    guard x.isFinite else { return "\(x)" }
    if x < 0 { return "-" + fixed(-x, digits) }
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let v = (x * scale).rounded()
    let whole = Int(v / scale)
    let frac = Int(v) - whole * Int(scale)
    guard digits > 0 else { return "\(whole)" }
    let f = String(frac)
    return "\(whole)." + String(repeating: "0", count: digits - f.count) + f
}

// MARK: Keys and tokens

struct Fixture {
    let algorithm: JWSAlgorithm
    let verifier: TokenVerifier
    let token: String
    let tampered: String
    /// The signature check alone, as the verifier makes it (`AsymmetricKey.verify` or
    /// `HMACSecret.verify` on the pre-split signing input and decoded signature).
    let signatureOnly: () -> Bool
}

func claims(subject: String, now: Double) -> JSONObject {
    let iat = Int(now)
    return JSONObject([
        "iss": "https://bench.thrust.invalid",
        "sub": .string(subject),
        "aud": "thrust-bench",
        "iat": .number(JSONNumber(iat)),
        "exp": .number(JSONNumber(iat + 3600)),
        "scope": "read write",
    ])
}

func keySet(publicJWK object: JSONObject) -> KeySet {
    do {
        let jwk = try JWK(object: object)
        return KeySet(keys: [try VerificationKey(jwk: jwk)])
    } catch {
        fail("public JWK does not parse back: \(error)")
    }
}

/// Flips one character in the middle of the signature segment: the token still parses.
func tamper(_ token: String) -> String {
    var bytes = Array(token.utf8)
    guard let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")) else { fail("token has no dots") }
    let i = lastDot + (bytes.count - lastDot) / 2
    bytes[i] = bytes[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
    return String(decoding: bytes, as: UTF8.self)
}

/// The signing input and the decoded signature of a compact token.
func split(_ token: String) -> (input: ArraySlice<UInt8>, signature: [UInt8]) {
    let parts = token.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 3, let sig = Base64URL.decode(String(parts[2])) else { fail("minted token is not compact") }
    return (Array((parts[0] + "." + parts[1]).utf8)[...], sig)
}

func asymmetricFixture(_ alg: JWSAlgorithm, _ key: AsymmetricKey, now: Double) -> Fixture {
    let kid = "bench-" + alg.rawValue.lowercased()
    let token: String
    let publicJWK: JSONObject
    do {
        token = try TokenSigner.sign(claims: claims(subject: "user-1", now: now), algorithm: alg, key: .asymmetric(key), keyID: kid)
        publicJWK = try JWKExport.publicJWK(key, keyID: kid, algorithm: alg)
    } catch {
        fail("\(alg.rawValue): minting failed: \(error)")
    }
    let keys = keySet(publicJWK: publicJWK)
    guard case .asymmetric(let parsed)? = keys.keys.first?.material else { fail("\(alg.rawValue): no usable key in the set") }
    let (input, sig) = split(token)
    return Fixture(algorithm: alg, verifier: TokenVerifier(keys: keys), token: token, tampered: tamper(token),
                   signatureOnly: { parsed.verify(alg, signature: sig, message: input) })
}

func hmacFixture(now: Double) -> Fixture {
    var rng = SystemRandomNumberGenerator()
    let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let token: String
    do {
        token = try TokenSigner.sign(claims: claims(subject: "user-1", now: now), algorithm: .hs256,
                                     key: .secret(HMACSecret(secret)), keyID: "bench-hs256")
    } catch {
        fail("HS256: minting failed: \(error)")
    }
    let jwk = JSONObject(["kty": "oct", "kid": "bench-hs256", "alg": "HS256", "use": "sig",
                          "k": .string(Base64URL.encode(secret))])
    let keys = keySet(publicJWK: jwk)
    guard case .secret(let parsed)? = keys.keys.first?.material else { fail("HS256: no usable key in the set") }
    let (input, sig) = split(token)
    return Fixture(algorithm: .hs256, verifier: TokenVerifier(keys: keys), token: token, tampered: tamper(token),
                   signatureOnly: { parsed.verify(.hs256, signature: sig, message: input) })
}

// MARK: Measurement

/// A timed loop: calls `body` until `duration` of wall time has passed (the clock is read every 8
/// calls). `body` returns false when its result is wrong, which aborts the run.
struct Meter {
    let what: String
    let body: () -> Bool
    var count = 0
    var elapsed = 0.0
    var best = 0.0

    init(_ what: String, _ body: @escaping () -> Bool) {
        self.what = what
        self.body = body
    }

    var perSecond: Double { elapsed > 0 ? Double(count) / elapsed : 0 }

    /// Runs one round; `record: false` is warm-up.
    mutating func round(_ duration: Double, record: Bool = true) {
        let start = Clock.now()
        var n = 0
        var now = start
        repeat {
            for _ in 0..<8 {
                guard body() else { fail("\(what): verification failed during the run (call \(count + n))") }
            }
            n += 8
            now = Clock.now()
        } while now - start < duration
        guard record else { return }
        count += n
        elapsed += now - start
        best = max(best, Double(n) / (now - start))
    }
}

/// `body` alone: warm-up, then `seconds` in one go; operations per second.
func rate(_ what: String, seconds: Double, warmup: Double, _ body: @escaping () -> Bool) -> Double {
    var m = Meter(what, body)
    m.round(warmup, record: false)
    m.round(seconds)
    return m.perSecond
}

/// Rounds of `a` and `b` interleaved (`a` gets `seconds`, `b` half that), so that a machine
/// getting busier or quieter during the run moves both figures alike and their ratio holds.
func interleaved(_ a: inout Meter, _ b: inout Meter, seconds: Double, warmup: Double, rounds: Int = 8) {
    a.round(warmup, record: false)
    b.round(warmup / 2, record: false)
    for _ in 0..<rounds {
        a.round(seconds / Double(rounds))
        b.round(seconds / Double(rounds) / 2)
    }
}

func checkOnce(_ f: Fixture, now: Double) {
    let good = f.verifier.verify(f.token, now: now)
    guard good.isValid else { fail("\(f.algorithm.rawValue): the minted token is rejected: \(good.rejection!)") }
    guard good.algorithm == f.algorithm, good.claims?["sub"]?.stringValue == "user-1" else {
        fail("\(f.algorithm.rawValue): verified, but with the wrong algorithm or claims")
    }
    let bad = f.verifier.verify(f.tampered, now: now)
    guard bad.rejection?.reason == .badSignature else {
        fail("\(f.algorithm.rawValue): a tampered signature is not rejected as bad_signature (got \(bad.rejection.map(\.description) ?? "valid"))")
    }
}

func runBenchmarks(seconds: Double, warmup: Double, only: String?) {
    let now = Clock.now()
    let rsa: AsymmetricKey, ec: AsymmetricKey, ed: AsymmetricKey
    do {
        rsa = try AsymmetricKey.generateRSA(bits: 2048)
        ec = try AsymmetricKey.generateEC(curve: "P-256")
        ed = try AsymmetricKey.generateEd25519()
    } catch {
        fail("key generation failed: \(error)")
    }
    let fixtures = [
        asymmetricFixture(.rs256, rsa, now: now),
        asymmetricFixture(.es256, ec, now: now),
        asymmetricFixture(.edDSA, ed, now: now),
        hmacFixture(now: now),
    ].filter { only == nil || $0.algorithm.rawValue.lowercased() == only!.lowercased() }
    guard !fixtures.isEmpty else { fail("--only \(only ?? ""): not one of RS256, ES256, EdDSA, HS256") }
    for f in fixtures { checkOnce(f, now: now) }

    say("thrust-bench: single thread; per algorithm \(fixed(seconds, 1)) s of TokenVerifier.verify on one pre-minted token,")
    say("  interleaved with \(fixed(seconds / 2, 1)) s of the bare signature check, after \(fixed(warmup, 1)) s warm-up")
    var machine: [String] = []
    for f in fixtures {
        let verifier = f.verifier, token = f.token, alg = f.algorithm.rawValue
        var whole = Meter("verify \(alg)") { verifier.verify(token, now: now).isValid }
        var raw = Meter("signature \(alg)", f.signatureOnly)
        interleaved(&whole, &raw, seconds: seconds, warmup: warmup)
        let name = alg.lowercased()
        let w = whole.perSecond, r = raw.perSecond
        say("verify \(pad(alg, 6)) \(lpad(String(Int(w)), 8)) tokens/s  (\(fixed(1e6 / w, 2)) µs/token, best round \(Int(whole.best))/s);"
            + " signature alone \(Int(r))/s: JOSE layer \(fixed(1e6 / w - 1e6 / r, 2)) µs/token, whole token = \(Int((100 * w / r).rounded()))%")
        machine += ["\(name)_verify_per_s=\(Int(w))", "\(name)_verify_best_per_s=\(Int(whole.best))",
                    "\(name)_signature_per_s=\(Int(r))", "\(name)_jose_us=\(fixed(1e6 / w - 1e6 / r, 2))",
                    "\(name)_token_bytes=\(token.utf8.count)"]
    }
    for m in machine { say(m) }
}

// MARK: breakdown

/// Where the per-token time goes outside the signature check: each public step the verifier takes,
/// timed alone on the RS256 fixture (informational; not used by bench.sh's targets).
func runBreakdown(seconds: Double, warmup: Double) {
    let now = Clock.now()
    let rsa: AsymmetricKey
    do { rsa = try AsymmetricKey.generateRSA(bits: 2048) } catch { fail("key generation failed: \(error)") }
    let f = asymmetricFixture(.rs256, rsa, now: now)
    checkOnce(f, now: now)
    let bytes = Array(f.token.utf8)
    let parsed: CompactToken, payload: [UInt8]
    do {
        parsed = try CompactToken(bytes: bytes)
        payload = try parsed.payload()
    } catch {
        fail("breakdown: the token does not parse: \(error)")
    }
    let verifier = f.verifier, token = f.token
    let ascii = Array("user-1234567".utf8)
    var steps: [(String, Double)] = []
    func step(_ name: String, _ body: @escaping () -> Bool) {
        let r = rate(name, seconds: seconds, warmup: warmup, body)
        steps.append((name, 1e6 / r))
    }
    step("TokenVerifier.verify (whole token)") { verifier.verify(token, now: now).isValid }
    step("AsymmetricKey.verify (signature alone)", f.signatureOnly)
    step("Array(token.utf8)") { Array(token.utf8).count == bytes.count }
    step("CompactToken(bytes:) (split, header b64 + JSON)") { (try? CompactToken(bytes: bytes)) != nil }
    step("CompactToken.payload() (b64)") { (try? parsed.payload())?.count == payload.count }
    step("StrictJSON.parse(payload)") { (try? StrictJSON.parse(payload)) != nil }
    step("ClaimSet(json: payload) (parses again)") { (try? ClaimSet(json: payload)) != nil }
    step("CompactToken.signature() (b64)") { (try? parsed.signature())?.count == 256 }
    step("String(validating:as: UTF8) 12 ASCII bytes") {
        ascii.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) } != nil
    }
    step("String(decoding:as: UTF8) 12 ASCII bytes") {
        ascii.withUnsafeBufferPointer { String(decoding: $0, as: UTF8.self) }.utf8.count == 12
    }
    say("breakdown, RS256 token of \(bytes.count) bytes (payload \(payload.count) bytes):")
    for (name, us) in steps { say("  \(pad(name, 48)) \(lpad(fixed(us, 3), 9)) µs") }
}

// MARK: threads

/// One worker's share of a multi-threaded run: verifies until the deadline, counts, checks.
final class Worker: @unchecked Sendable {
    let verifier: TokenVerifier
    let token: String
    let now: Double
    let deadline: Double
    var count = 0
    var failed = false

    init(verifier: TokenVerifier, token: String, now: Double, deadline: Double) {
        self.verifier = verifier
        self.token = token
        self.now = now
        self.deadline = deadline
    }

    func run() {
        while Clock.now() < deadline {
            for _ in 0..<8 {
                guard verifier.verify(token, now: now).isValid else { failed = true; return }
            }
            count += 8
        }
    }
}

/// Whole-token verify/s with `threads` POSIX threads sharing one `TokenVerifier`, as `verify
/// --batch --jobs N` shares it (informational: it separates the library's scaling from the CLI's).
func threadedRate(_ f: Fixture, threads: Int, seconds: Double, now: Double) -> Double {
    let start = Clock.now()
    let workers = (0..<threads).map { _ in Worker(verifier: f.verifier, token: f.token, now: now, deadline: start + seconds) }
    var ids: [pthread_t] = []
    for w in workers.dropFirst() {
        var tid = pthread_t()
        let ctx = Unmanaged.passRetained(w).toOpaque()
        let rc = pthread_create(&tid, nil, { raw in
            let w = Unmanaged<Worker>.fromOpaque(raw!).takeRetainedValue()
            w.run()
            return nil
        }, ctx)
        guard rc == 0 else { fail("pthread_create failed: \(rc)") }
        ids.append(tid)
    }
    workers[0].run()
    for tid in ids { pthread_join(tid, nil) }
    let elapsed = Clock.now() - start
    guard !workers.contains(where: \.failed) else { fail("\(f.algorithm.rawValue): verification failed on a worker thread") }
    return Double(workers.reduce(0) { $0 + $1.count }) / elapsed
}

func runThreads(seconds: Double, now: Double) {
    let rsa: AsymmetricKey
    do { rsa = try AsymmetricKey.generateRSA(bits: 2048) } catch { fail("key generation failed: \(error)") }
    let f = asymmetricFixture(.rs256, rsa, now: now)
    checkOnce(f, now: now)
    _ = threadedRate(f, threads: 2, seconds: 0.2, now: now)
    let one = threadedRate(f, threads: 1, seconds: seconds, now: now)
    let two = threadedRate(f, threads: 2, seconds: seconds, now: now)
    say("verify RS256 shared TokenVerifier: 1 thread \(Int(one))/s, 2 threads \(Int(two))/s = \(fixed(two / one, 2))x")
    say("rs256_verify_1thread_per_s=\(Int(one))")
    say("rs256_verify_2threads_per_s=\(Int(two))")
}

// MARK: tokens N OUTDIR

func writeTokens(count: Int, directory: String) {
    let now = Clock.now()
    let key: AsymmetricKey
    do { key = try AsymmetricKey.generateRSA(bits: 2048) } catch { fail("RSA key generation failed: \(error)") }
    let kid = "bench-rs256"
    let jwk: JSONObject
    let privatePEM: String, publicPEM: String
    do {
        jwk = try JWKExport.publicJWK(key, keyID: kid, algorithm: .rs256)
        privatePEM = try key.privatePEM()
        publicPEM = try key.publicPEM()
    } catch {
        fail("key export failed: \(error)")
    }
    let verifier = TokenVerifier(keys: keySet(publicJWK: jwk))
    func mint(_ subject: String) -> String {
        do {
            return try TokenSigner.sign(claims: claims(subject: subject, now: now), algorithm: .rs256, key: .asymmetric(key), keyID: kid)
        } catch {
            fail("minting failed: \(error)")
        }
    }
    let single = mint("user-0")
    guard verifier.verify(single, now: now).isValid else { fail("the minted token does not verify") }
    var lines: [String] = []
    lines.reserveCapacity(count)
    for i in 1...max(count, 1) { lines.append(mint("user-\(i)")) }
    guard verifier.verify(lines[lines.count - 1], now: now).isValid else { fail("the minted batch does not verify") }

    writeFile(directory + "/jwks.json", JSONValue.object(JSONObject(["keys": .array([.object(jwk)])])).serialized + "\n")
    writeFile(directory + "/jwk.json", JSONValue.object(jwk).serialized + "\n")
    writeFile(directory + "/private.pem", privatePEM)
    writeFile(directory + "/public.pem", publicPEM)
    writeFile(directory + "/token.txt", single)  // no newline: `jose jws ver -i FILE` takes the file as is
    writeFile(directory + "/tokens.txt", lines.joined(separator: "\n") + "\n")
    say("wrote \(directory): jwks.json jwk.json private.pem public.pem token.txt tokens.txt (\(lines.count) RS256 tokens)")
}

// MARK: Arguments

let usage = "usage: thrust-bench [--seconds S] [--warmup S] [--only ALG]\n       thrust-bench breakdown\n       thrust-bench threads\n       thrust-bench tokens N OUTDIR"
var args = Array(CommandLine.arguments.dropFirst())
if args.first == "--help" || args.first == "-h" {
    say(usage)
} else if args.first == "threads" {
    runThreads(seconds: 1.5, now: Clock.now())
} else if args.first == "breakdown" {
    runBreakdown(seconds: 0.5, warmup: 0.1)
} else if args.first == "tokens" {
    guard args.count == 3, let n = Int(args[1]), n > 0 else { fail(usage) }
    writeTokens(count: n, directory: args[2])
} else {
    var seconds = 2.0, warmup = 0.3
    var only: String? = nil
    while !args.isEmpty {
        let flag = args.removeFirst()
        guard !args.isEmpty else { fail(usage) }
        let value = args.removeFirst()
        if flag == "--only" { only = value; continue }
        guard let v = Double(value), v > 0 else { fail(usage) }
        switch flag {
        case "--seconds": seconds = v
        case "--warmup": warmup = v
        default: fail(usage)
        }
    }
    runBenchmarks(seconds: seconds, warmup: warmup, only: only)
}
