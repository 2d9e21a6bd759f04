import ThrustJWT

/// `mint` (`encode`, `sign`): a signed token from a local private key or a secret.
enum MintCommand {
    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let now = try Inputs.now(args)
        let hasKey = args.has("--key")
        let secret = try Inputs.secret(args)
        if hasKey && secret != nil { throw UsageError("give --key or a secret, not both") }
        let key: TokenSigner.Key
        var jwkKeyID: String? = nil
        var jwkAlg: String? = nil
        var asymmetric: AsymmetricKey? = nil
        if let path = args.value("--key") {
            let bytes = try Inputs.readFile(path, what: "key file")
            do {
                let loaded = try KeyFile.signingKey(bytes)
                asymmetric = loaded.key
                jwkKeyID = loaded.keyID
                jwkAlg = loaded.algorithm
            } catch {
                throw UsageError("key file '\(displayable(path, limit: 200))' \(error.message)")
            }
            if asymmetric!.family == .rsa && asymmetric!.bits < VerificationKey.minimumRSABits {
                throw UsageError("key file '\(displayable(path, limit: 200))' is an RSA key of \(asymmetric!.bits) bits, under the 2048-bit minimum")
            }
            key = .asymmetric(asymmetric!)
        } else if let secret {
            key = .secret(HMACSecret(secret))
        } else {
            throw UsageError("mint needs a signing key: --key FILE, --secret-env NAME or --secret-file FILE")
        }

        // Algorithm: --alg, else the JWK's alg, else the key's default.
        let algorithm: JWSAlgorithm
        if let name = args.value("--alg") ?? jwkAlg {
            if name.lowercased() == "none" { throw UsageError("--alg none is never allowed: thrust-jwt does not mint unsigned tokens") }
            guard let a = JWSAlgorithm(rawValue: name) else { throw UsageError("--alg '\(displayable(name, limit: 20))' is not supported") }
            algorithm = a
        } else if let asymmetric {
            algorithm = JWKExport.defaultAlgorithm(for: asymmetric)
        } else {
            algorithm = .hs256
        }
        switch key {
        case .asymmetric(let k) where !k.fits(algorithm):
            throw UsageError("--alg \(algorithm.rawValue) cannot be served by this \(k.family) key (it fits \(k.algorithms.map(\.rawValue).joined(separator: ", ")))")
        case .secret(let s) where !s.fits(algorithm):
            if algorithm.family != .hmac { throw UsageError("a secret can only sign HS256, HS384 or HS512, not \(algorithm.rawValue)") }
            throw UsageError("\(algorithm.rawValue) needs a secret of at least \(algorithm.hashBits / 8) bytes (RFC 7518 §3.2); this one has \(s.bytes.count)")
        default: break
        }

        // Key ID: --kid, else the JWK's kid, else the RFC 7638 thumbprint (none for a secret).
        var keyID = args.value("--kid") ?? jwkKeyID
        if keyID == nil, let asymmetric, let jwk = try? JWK(object: JWKExport.publicJWK(asymmetric)) { keyID = jwk.thumbprint }

        let claims = try buildClaims(args, now: now)
        let token: String
        do { token = try TokenSigner.sign(claims: claims, algorithm: algorithm, key: key, keyID: keyID) } catch {
            throw UsageError("cannot sign: \(error)")
        }
        if args.json {
            OutputStream.out.line((["token": .string(token), "header": ["alg": .string(algorithm.rawValue), "typ": "JWT", "kid": J.str(keyID)],
                                    "claims": .object(claims)] as JSONValue).serialized)
        } else {
            OutputStream.out.line(token)
        }
        return .success
    }

    /// Claims, lowest precedence first: --claims-file, --claim, then the named flags; iat = now
    /// unless a claim set it; exp = now + 1h unless given (or --no-exp).
    static func buildClaims(_ args: ParsedArguments, now: Double) throws(UsageError) -> JSONObject {
        var claims = JSONObject()
        if let path = args.value("--claims-file") {
            let bytes = try Inputs.readFile(path, what: "claims file")
            guard case .object(let o)? = try? StrictJSON.parse(bytes) else {
                throw UsageError("claims file '\(displayable(path, limit: 200))' is not a JSON object")
            }
            claims = o
        }
        for pair in args.all("--claim") {
            guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
                throw UsageError("--claim takes NAME=VALUE, not '\(displayable(pair, limit: 40))'")
            }
            let name = String(pair[..<eq]), text = String(pair[pair.index(after: eq)...])
            let value = (try? StrictJSON.parse(text)) ?? .string(text)
            claims.set(name, value)
        }
        if let sub = args.value("--sub") { claims.set("sub", .string(sub)) }
        if let iss = args.value("--iss") { claims.set("iss", .string(iss)) }
        let auds = args.all("--aud")
        if auds.count == 1 { claims.set("aud", .string(auds[0])) } else if auds.count > 1 { claims.set("aud", J.strings(auds)) }
        if !claims.contains("iat") { claims.set("iat", .number(JSONNumber(now.rounded(.down)))) }
        if args.has("--no-exp") {
            if args.has("--exp") { throw UsageError("--exp and --no-exp contradict each other") }
            claims.remove("exp")
        } else if let text = args.value("--exp") {
            claims.set("exp", .number(JSONNumber(try instant(text, flag: "--exp", now: now))))
        } else if !claims.contains("exp") {
            claims.set("exp", .number(JSONNumber((now + 3600).rounded(.down))))
        }
        if let text = args.value("--nbf") {
            claims.set("nbf", .number(JSONNumber(try instant(text, flag: "--nbf", now: now))))
        }
        return claims
    }

    /// A duration from now (`15m`, `-1h` for the past) or an absolute time (RFC 3339, `@unix`).
    static func instant(_ text: String, flag: String, now: Double) throws(UsageError) -> Double {
        if text.hasPrefix("-"), let d = DurationText.parse(String(text.dropFirst())) { return (now - d).rounded(.down) }
        if let d = DurationText.parse(text) { return (now + d).rounded(.down) }
        if let t = InstantText.parse(text) { return t }
        throw UsageError("\(flag) takes a duration from now (15m, 1h, -2h) or a time (RFC 3339, @unix), not '\(displayable(text, limit: 30))'")
    }
}
