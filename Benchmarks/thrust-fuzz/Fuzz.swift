import ThrustHTTP
import ThrustJWT
import ThrustProbe
#if canImport(Glibc)
import Glibc
#endif

// A libFuzzer harness over every parser that untrusted input reaches: tokens (through the whole
// verifier and the decoder), JSON, JWKS documents, key files, base64url, durations and times.
// `make fuzz` builds it with -sanitize=fuzzer,address and -DFUZZING (libFuzzer brings `main`).
// Without FUZZING it replays the files named on the command line, for regressions.

/// Keys built once: an RSA key, a P-256 key and a secret, so every verify path is reachable.
let fuzzVerifier: TokenVerifier = {
    let rsa = try! AsymmetricKey.generateRSA(bits: 2048)
    let ec = try! AsymmetricKey.generateEC(curve: "P-256")
    let keys = [
        try! VerificationKey(jwk: JWK(object: JWKExport.publicJWK(rsa, keyID: "r"))),
        try! VerificationKey(jwk: JWK(object: JWKExport.publicJWK(ec, keyID: "e"))),
        VerificationKey(secret: [UInt8](repeating: 1, count: 64), keyID: "s"),
    ]
    return TokenVerifier(keys: KeySet(keys: keys), policy: VerificationPolicy(requiredScopes: ["a"]))
}()

func exercise(_ bytes: [UInt8]) {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = fuzzVerifier.verify(bytes: bytes, now: 1_796_299_200)
    _ = try? CredentialInspection(text, now: 1_796_299_200)
    _ = try? KeySet(jwks: bytes)
    _ = try? KeyFile.verificationKey(bytes)
    _ = Base64URL.decode(bytes)
    _ = DurationText.parse(text)
    _ = InstantText.parse(text, allowBareSeconds: true).map(RFC3339.format)
    // An API answer's body, as check and probe classify it.
    let answer = ClassifiedAnswer(status: 401, headers: HTTPHeaders([]), body: bytes, latencyMS: 0)
    _ = answer.clientContract(expecting: ThrustAPI.invalidToken)
    _ = URLPolicy.origin(text)
    _ = URLPolicy.host(text)
    // Whatever parses must survive a round trip through our writer unchanged.
    if let v = try? StrictJSON.parse(bytes) {
        precondition((try? StrictJSON.parse(v.serializedBytes)) == v, "JSON round trip changed the value")
    }
}

/// Builds the keys before the first input, so LeakSanitizer does not count them against it.
/// Swift packs enum tags into spare pointer bits, so LeakSanitizer cannot see the secret held
/// inside `VerificationKey.Material`; these plain references keep the long-lived keys visible.
nonisolated(unsafe) var fuzzRoots: [AnyObject] = []

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutableRawPointer?) -> Int32 {
    for key in fuzzVerifier.keys.keys {
        switch key.material {
        case .secret(let s)?: fuzzRoots.append(s)
        case .asymmetric(let k)?: fuzzRoots.append(k)
        case nil: break
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    exercise(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

#if !FUZZING
@main
enum Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let f = fopen(path, "rb") else { continue }
            var bytes: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 65_536)
            while true {
                let n = fread(&buf, 1, buf.count, f)
                if n == 0 { break }
                bytes += buf[0..<n]
            }
            fclose(f)
            exercise(bytes)
        }
        print("replayed \(CommandLine.arguments.count - 1) inputs")
    }
}
#endif
