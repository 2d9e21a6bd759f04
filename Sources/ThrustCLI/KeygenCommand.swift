#if canImport(Glibc)
import Glibc
#endif
import ThrustJWT

/// `keygen`: a fresh key pair as PEM, a private JWK, and the public `jwks.json` to publish.
enum KeygenCommand {
    static let files = (privatePEM: "private.pem", publicPEM: "public.pem", privateJWK: "private.jwk.json", jwks: "jwks.json")

    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let kty = args.value("--kty") ?? "RSA"
        let key: AsymmetricKey
        do {
            switch kty.uppercased() {
            case "RSA":
                if args.has("--crv") { throw UsageError("--crv is for EC and OKP keys, not RSA") }
                let bits = Int(args.value("--bits") ?? "2048") ?? 0
                guard bits >= 2048, bits <= 16384, bits % 8 == 0 else {
                    throw UsageError("--bits takes a multiple of 8 from 2048 to 16384 (RSA under 2048 bits is refused)")
                }
                key = try AsymmetricKey.generateRSA(bits: bits)
            case "EC":
                if args.has("--bits") { throw UsageError("--bits is for RSA keys; EC keys take --crv") }
                let crv = args.value("--crv") ?? "P-256"
                guard ["P-256", "P-384", "P-521"].contains(crv) else { throw UsageError("--crv for EC takes P-256, P-384 or P-521") }
                key = try AsymmetricKey.generateEC(curve: crv)
            case "OKP":
                if args.has("--bits") { throw UsageError("--bits is for RSA keys; OKP keys take --crv") }
                guard (args.value("--crv") ?? "Ed25519") == "Ed25519" else { throw UsageError("--crv for OKP takes Ed25519") }
                key = try AsymmetricKey.generateEd25519()
            default:
                throw UsageError("--kty takes RSA, EC or OKP, not '\(displayable(kty, limit: 20))'")
            }
        } catch let e as UsageError {
            throw e
        } catch {
            throw UsageError("key generation failed: \(error)")
        }
        let alg = JWKExport.defaultAlgorithm(for: key)
        let outDir = args.value("--out-dir") ?? "."
        let publicJWK: JSONObject, privateJWK: JSONObject, privatePEM: String, publicPEM: String
        do {
            let thumbprint = try JWK(object: JWKExport.publicJWK(key)).thumbprint ?? ""
            let kid = args.value("--kid") ?? thumbprint
            publicJWK = try JWKExport.publicJWK(key, keyID: kid, algorithm: alg)
            privateJWK = try JWKExport.privateJWK(key, keyID: kid, algorithm: alg)
            privatePEM = try key.privatePEM()
            publicPEM = try key.publicPEM()
        } catch {
            throw UsageError("key export failed: \(error)")
        }
        try ensureDirectory(outDir)
        let paths = [files.privatePEM, files.publicPEM, files.privateJWK, files.jwks].map { outDir + "/" + $0 }
        if !args.has("--force") {
            for p in paths where access(p, F_OK) == 0 {
                throw UsageError("'\(displayable(p, limit: 200))' exists; use another --out-dir, or --force to overwrite")
            }
        }
        let jwks: JSONValue = ["keys": .array([.object(publicJWK)])]
        try FileOutput.write(paths[0], privatePEM, mode: 0o600, what: "key file")
        try FileOutput.write(paths[1], publicPEM, mode: 0o644, what: "key file")
        try FileOutput.write(paths[2], JSONValue.object(privateJWK).serialized + "\n", mode: 0o600, what: "key file")
        try FileOutput.write(paths[3], jwks.serialized + "\n", mode: 0o644, what: "key file")
        let kid = publicJWK["kid"]?.stringValue ?? ""
        let thumbprint = (try? JWK(object: publicJWK))?.thumbprint ?? ""
        if args.json {
            OutputStream.out.line((["kid": .string(kid), "kty": .string(publicJWK["kty"]?.stringValue ?? ""), "alg": .string(alg.rawValue),
                                    "crv": J.str(key.curve), "bits": key.family == .rsa ? J.int(key.bits) : .null,
                                    "thumbprint": .string(thumbprint),
                                    "files": ["private_pem": .string(paths[0]), "public_pem": .string(paths[1]),
                                              "private_jwk": .string(paths[2]), "jwks": .string(paths[3])]] as JSONValue).serialized)
        } else if !args.quiet {
            let s = Style.detect(fd: 1)
            let size = key.family == .rsa ? "RSA \(key.bits)" : (key.curve ?? "")
            OutputStream.out.line(s.green("✓ ") + "\(size) key, alg \(alg.rawValue), kid \(displayable(kid, limit: 60))")
            OutputStream.out.line("  thumbprint  \(thumbprint)")
            for (label, p) in zip(["private PEM", "public PEM", "private JWK", "public JWKS"], paths) {
                OutputStream.out.line("  \(pad(label, 12))\(p)")
            }
        }
        return .success
    }

    static func ensureDirectory(_ path: String) throws(UsageError) {
        var st = stat()
        if stat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw UsageError("--out-dir '\(displayable(path, limit: 200))' is not a directory") }
            return
        }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex {
            try ensureDirectory(String(path[..<slash]))
        }
        guard mkdir(path, 0o755) == 0 || errno == EEXIST else {
            throw UsageError("cannot create --out-dir '\(displayable(path, limit: 200))': \(String(cString: strerror(errno)))")
        }
    }
}
