/// JWKs written from OpenSSL keys, for `keygen` and for thumbprints of PEM keys.
public enum JWKExport {
    /// The public JWK members of a key (RFC 7518 §6), plus `kid`/`alg`/`use` when given.
    public static func publicJWK(_ key: AsymmetricKey, keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws(CryptoError) -> JSONObject {
        var o = JSONObject()
        func b64(_ name: String) throws(CryptoError) -> JSONValue {
            guard let v = key.component(name) else { throw CryptoError("key has no \(name) component") }
            return .string(Base64URL.encode(v))
        }
        switch key.family {
        case .rsa:
            o.set("kty", "RSA")
            o.set("n", try b64("n"))
            o.set("e", try b64("e"))
        case .ec:
            o.set("kty", "EC")
            o.set("crv", .string(key.curve ?? ""))
            o.set("x", try b64("x"))
            o.set("y", try b64("y"))
        case .ed25519:
            o.set("kty", "OKP")
            o.set("crv", "Ed25519")
            o.set("x", try b64("x"))
        }
        if let keyID { o.set("kid", .string(keyID)) }
        if let algorithm { o.set("alg", .string(algorithm.rawValue)) }
        o.set("use", "sig")
        return o
    }

    /// The private JWK: the public members plus `d` (and the RSA CRT members).
    public static func privateJWK(_ key: AsymmetricKey, keyID: String? = nil, algorithm: JWSAlgorithm? = nil) throws(CryptoError) -> JSONObject {
        var o = try publicJWK(key, keyID: keyID, algorithm: algorithm)
        let names = key.family == .rsa ? ["d", "p", "q", "dp", "dq", "qi"] : ["d"]
        for name in names {
            guard let v = key.component(name) else { throw CryptoError("key has no private \(name) component") }
            o.set(name, .string(Base64URL.encode(v)))
        }
        return o
    }

    /// The default algorithm for a key: RS256, ES256/384/512 by curve, EdDSA.
    public static func defaultAlgorithm(for key: AsymmetricKey) -> JWSAlgorithm {
        switch key.family {
        case .rsa: .rs256
        case .ed25519: .edDSA
        case .ec: key.curve == "P-384" ? .es384 : key.curve == "P-521" ? .es512 : .es256
        }
    }

    /// A private key from a private JWK (for `mint --key key.jwk`).
    /// - Throws: `JWK.ParseError` when members are missing or the key does not load.
    public static func privateKey(from jwk: JWK) throws(JWK.ParseError) -> AsymmetricKey {
        do {
            switch jwk.keyType {
            case .rsa:
                let crtNames = ["p", "q", "dp", "dq", "qi"]
                var crt: (p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8])? = nil
                if crtNames.allSatisfy(jwk.raw.contains) {
                    crt = (try jwk.bytes("p"), try jwk.bytes("q"), try jwk.bytes("dp"), try jwk.bytes("dq"), try jwk.bytes("qi"))
                }
                return try AsymmetricKey.rsaPrivate(n: try jwk.bytes("n"), e: try jwk.bytes("e"), d: try jwk.bytes("d"), crt: crt)
            case .ec:
                return try AsymmetricKey.ec(curve: jwk.curve ?? "", x: try jwk.bytes("x"), y: try jwk.bytes("y"), d: try jwk.bytes("d"))
            case .okp where jwk.curve == "Ed25519":
                return try AsymmetricKey.ed25519Private(d: try jwk.bytes("d"))
            default:
                throw JWK.ParseError(message: "unsupported private key type \"\(jwk.keyType.rawValue)\"")
            }
        } catch let e as JWK.ParseError {
            throw e
        } catch {
            throw JWK.ParseError(message: "private key does not load: \(error)")
        }
    }
}
