/// A key a token can be verified with: its material, and the JWK constraints that bind it.
///
/// The key decides the algorithm family (RFC 8725 §3.1): an RSA or EC key never acts as an HMAC
/// secret, and a JWK's `alg`, `use` and `key_ops` narrow what it may verify. A key that parses but
/// must not be used (RSA under 2048 bits, `e` even or below 3, an EC point off its curve) is kept
/// with `unusableReason` so it can be listed, and is never tried.
public struct VerificationKey: Sendable {
    public enum Material: Sendable {
        case asymmetric(AsymmetricKey)
        case secret(HMACSecret)
    }

    public static let minimumRSABits = 2048

    /// nil when the key is unusable.
    public let material: Material?
    public let keyID: String?
    public let keyType: JWK.KeyType
    /// The JWK's `alg`, as written; it pins the key.
    public let pinnedAlgorithm: String?
    public let use: String?
    public let keyOperations: [String]?
    /// RFC 7638 thumbprint; nil for secrets (a hash of a secret is never printed).
    public let thumbprint: String?
    public let bits: Int?
    public let curve: String?
    /// Why the key is never used, when it is not.
    public private(set) var unusableReason: String?
    /// The JWK this key came from, when it came from one.
    public let jwk: JWK?

    /// The algorithms this key may verify: its family's, narrowed by a JWK `alg` pin (for
    /// Ed25519, `EdDSA` and `Ed25519` are one algorithm, RFC 9864). Empty when unusable.
    public private(set) var algorithms: [JWSAlgorithm]

    public var isUsable: Bool { !algorithms.isEmpty }

    /// Builds a key from a JWK.
    /// - Throws: `JWK.ParseError` when the JWK is of an unsupported type or lacks its members.
    ///   Keys that parse but are unsafe come back with `unusableReason` set instead.
    public init(jwk: JWK) throws(JWK.ParseError) {
        self.jwk = jwk
        keyID = jwk.keyID
        keyType = jwk.keyType
        pinnedAlgorithm = jwk.algorithm
        use = jwk.use
        keyOperations = jwk.keyOperations
        var reason: String? = nil
        var material: Material? = nil
        var bits: Int? = nil
        var curve: String? = jwk.curve
        switch jwk.keyType {
        case .rsa:
            let n = try jwk.bytes("n"), e = try jwk.bytes("e")
            let modulus = n.drop(while: { $0 == 0 })
            let modulusBits = modulus.isEmpty ? 0 : (modulus.count - 1) * 8 + (8 - modulus.first!.leadingZeroBitCount)
            bits = modulusBits
            let exponent = e.drop(while: { $0 == 0 })
            if exponent.isEmpty || (exponent.count == 1 && exponent.first! < 3) {
                reason = "RSA exponent e is below 3"
            } else if exponent.last! & 1 == 0 {
                reason = "RSA exponent e is even"
            } else if modulusBits < VerificationKey.minimumRSABits {
                reason = "RSA key is \(modulusBits) bits, under the 2048-bit minimum"
            } else {
                do { material = .asymmetric(try AsymmetricKey.rsaPublic(n: n, e: e)) } catch {
                    reason = "RSA key rejected by OpenSSL: \(error)"
                }
            }
        case .ec:
            guard let crv = jwk.curve else { throw JWK.ParseError(message: "EC key without \"crv\"") }
            guard ["P-256", "P-384", "P-521"].contains(crv) else {
                throw JWK.ParseError(message: "unsupported EC curve \"\(crv)\"")
            }
            let x = try jwk.bytes("x"), y = try jwk.bytes("y")
            bits = crv == "P-521" ? 521 : Int(crv.dropFirst(2))
            do { material = .asymmetric(try AsymmetricKey.ec(curve: crv, x: x, y: y)) } catch {
                reason = "EC point is not on \(crv): \(error)"
            }
        case .okp:
            guard jwk.curve == "Ed25519" else {
                throw JWK.ParseError(message: "unsupported OKP curve \"\(jwk.curve ?? "none")\" (only Ed25519)")
            }
            let x = try jwk.bytes("x")
            bits = 256
            do { material = .asymmetric(try AsymmetricKey.ed25519(x: x)) } catch {
                reason = "Ed25519 key rejected: \(error)"
            }
        case .oct:
            let k = try jwk.bytes("k")
            bits = k.count * 8
            curve = nil
            material = .secret(HMACSecret(k))
            if k.count < 32 { reason = "oct key is \(k.count) bytes; HS256 needs at least 32 (RFC 7518 §3.2)" }
        default:
            throw JWK.ParseError(message: "unsupported key type \"\(jwk.keyType.rawValue)\"")
        }
        self.material = material
        self.bits = bits
        self.curve = curve
        self.thumbprint = jwk.keyType == .oct ? nil : jwk.thumbprint
        if reason == nil, let alg = jwk.algorithm {
            if let a = JWSAlgorithm(rawValue: alg) {
                if !VerificationKey.materialFits(material, a) { reason = "its alg \(alg) does not fit a \(jwk.keyType) key" }
            } else {
                reason = "its alg \"\(alg)\" is not a supported signing algorithm"
            }
        }
        if reason == nil, let use = jwk.use, use != "sig" { reason = "its use is \"\(use)\", not \"sig\"" }
        if reason == nil, let ops = jwk.keyOperations, !ops.contains("verify") {
            reason = "its key_ops do not include \"verify\""
        }
        unusableReason = reason
        algorithms = VerificationKey.algorithms(material, pin: jwk.algorithm, unusable: reason)
    }

    /// A key from a PEM public key, certificate or private key (`--key FILE`).
    public init(key: AsymmetricKey, keyID: String? = nil) {
        material = .asymmetric(key)
        self.keyID = keyID
        switch key.family {
        case .rsa: keyType = .rsa
        case .ec: keyType = .ec
        case .ed25519: keyType = .okp
        }
        pinnedAlgorithm = nil
        use = nil
        keyOperations = nil
        bits = key.bits
        curve = key.curve
        jwk = nil
        if key.family == .rsa && key.bits < VerificationKey.minimumRSABits {
            unusableReason = "RSA key is \(key.bits) bits, under the 2048-bit minimum"
        } else {
            unusableReason = nil
        }
        thumbprint = (try? JWK(object: JWKExport.publicJWK(key)))?.thumbprint
        algorithms = VerificationKey.algorithms(material, pin: nil, unusable: unusableReason)
    }

    /// A key from an explicitly given secret (`--secret-env`, `--secret-file`).
    public init(secret: [UInt8], keyID: String? = nil) {
        material = .secret(HMACSecret(secret))
        self.keyID = keyID
        keyType = .oct
        pinnedAlgorithm = nil
        use = nil
        keyOperations = nil
        thumbprint = nil
        bits = secret.count * 8
        curve = nil
        jwk = nil
        unusableReason = secret.count < 32 ? "secret is \(secret.count) bytes; HS256 needs at least 32 (RFC 7518 §3.2)" : nil
        algorithms = VerificationKey.algorithms(material, pin: nil, unusable: unusableReason)
    }

    /// The same key, marked never to be used.
    public func unusable(_ reason: String) -> VerificationKey {
        var copy = self
        copy.unusableReason = unusableReason ?? reason
        copy.algorithms = []
        return copy
    }

    static func materialFits(_ material: Material?, _ alg: JWSAlgorithm) -> Bool {
        switch material {
        case .asymmetric(let k)?: k.fits(alg)
        case .secret(let s)?: s.fits(alg)
        case nil: false
        }
    }

    static func algorithms(_ material: Material?, pin pinnedAlgorithm: String?, unusable: String?) -> [JWSAlgorithm] {
        guard unusable == nil, let material else { return [] }
        let all: [JWSAlgorithm]
        switch material {
        case .asymmetric(let k): all = k.algorithms
        case .secret(let s): all = s.algorithms
        }
        guard let pin = pinnedAlgorithm.flatMap(JWSAlgorithm.init(rawValue:)) else { return all }
        return all.filter { $0.isSameAlgorithm(as: pin) }
    }

    public func fits(_ alg: JWSAlgorithm) -> Bool { algorithms.contains(alg) }

    /// Checks `signature` over `message`; false when the key is unusable or does not fit `alg`.
    public func verify(_ alg: JWSAlgorithm, signature: [UInt8], message: ArraySlice<UInt8>) -> Bool {
        guard unusableReason == nil else { return false }
        switch material {
        case .asymmetric(let k)?: return k.verify(alg, signature: signature, message: message)
        case .secret(let s)?: return s.verify(alg, signature: signature, message: message)
        case nil: return false
        }
    }
}
