internal import CThrustCrypto

/// One OpenSSL public or private key (RSA, EC P-256/384/521, Ed25519), built once and shared.
///
/// The `EVP_PKEY` is immutable after construction, so concurrent verification is safe; the
/// per-call OpenSSL contexts live in per-algorithm pools, one context per thread at a time, so no
/// token pays for OpenSSL 3's algorithm fetch and context set-up (SPEC "Speed").
public final class AsymmetricKey: @unchecked Sendable {
    public enum Family: Sendable, Hashable { case rsa, ec, ed25519 }

    let raw: UnsafeMutableRawPointer
    public let family: Family
    /// Modulus size for RSA, field size for EC, 256 for Ed25519.
    public let bits: Int
    /// The JWK curve name for EC and OKP keys.
    public let curve: String?
    public let hasPrivateKey: Bool
    private let pools: [VerifierPool?]

    /// Takes ownership of an `EVP_PKEY` handle.
    /// - Throws: `CryptoError` when the key is not of a supported family.
    init(taking raw: UnsafeMutableRawPointer) throws(CryptoError) {
        self.raw = raw
        switch thrust_key_family(raw) {
        case Int32(THRUST_FAMILY_RSA): family = .rsa
        case Int32(THRUST_FAMILY_EC): family = .ec
        case Int32(THRUST_FAMILY_ED25519): family = .ed25519
        default:
            thrust_key_free(raw)
            throw CryptoError("unsupported key type (RSA, EC P-256/P-384/P-521 and Ed25519 are supported)")
        }
        bits = Int(thrust_key_bits(raw))
        switch family {
        case .rsa: curve = nil
        case .ed25519: curve = "Ed25519"
        case .ec:
            var buf = [CChar](repeating: 0, count: 16)
            if thrust_ec_curve(raw, &buf, buf.count) == 1 {
                curve = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            } else {
                thrust_key_free(raw)
                throw CryptoError("unsupported EC curve (P-256, P-384 and P-521 are supported)")
            }
        }
        hasPrivateKey = thrust_key_is_private(raw) == 1
        let fam = family, crv = curve
        pools = JWSAlgorithm.allCases.map { alg in
            AsymmetricKey.fits(family: fam, curve: crv, alg) ? VerifierPool(alg: alg) : nil
        }
    }

    deinit {
        for case let pool? in pools { pool.drain() }
        thrust_key_free(raw)
    }

    static func fits(family: Family, curve: String?, _ alg: JWSAlgorithm) -> Bool {
        switch (family, alg.family) {
        case (.rsa, .rsa): true
        case (.ec, .ec): alg.curve == curve
        case (.ed25519, .okp): true
        default: false
        }
    }

    /// Whether this key can serve `alg` (the key decides the family; an EC key its one curve).
    public func fits(_ alg: JWSAlgorithm) -> Bool { AsymmetricKey.fits(family: family, curve: curve, alg) }

    /// Every algorithm this key can serve, in `JWSAlgorithm` order.
    public var algorithms: [JWSAlgorithm] { JWSAlgorithm.allCases.filter(fits) }

    // MARK: Construction

    private static func make(_ op: String, _ raw: UnsafeMutableRawPointer?) throws(CryptoError) -> AsymmetricKey {
        guard let raw else { throw CryptoError.drain(op) }
        return try AsymmetricKey(taking: raw)
    }

    public static func rsaPublic(n: [UInt8], e: [UInt8]) throws(CryptoError) -> AsymmetricKey {
        try make("RSA public key", thrust_rsa_public(n, n.count, e, e.count))
    }

    /// An RSA private key from JWK members; the CRT members are all given or all nil.
    public static func rsaPrivate(n: [UInt8], e: [UInt8], d: [UInt8], crt: (p: [UInt8], q: [UInt8], dp: [UInt8], dq: [UInt8], qi: [UInt8])?)
        throws(CryptoError) -> AsymmetricKey
    {
        let raw: UnsafeMutableRawPointer?
        if let c = crt {
            raw = thrust_rsa_private(n, n.count, e, e.count, d, d.count, c.p, c.p.count, c.q, c.q.count,
                                     c.dp, c.dp.count, c.dq, c.dq.count, c.qi, c.qi.count)
        } else {
            raw = thrust_rsa_private(n, n.count, e, e.count, d, d.count, nil, 0, nil, 0, nil, 0, nil, 0, nil, 0)
        }
        return try make("RSA private key", raw)
    }

    /// An EC key from its affine coordinates (each exactly the field size), checked on the curve.
    public static func ec(curve: String, x: [UInt8], y: [UInt8], d: [UInt8]? = nil) throws(CryptoError) -> AsymmetricKey {
        let size: Int
        switch curve {
        case "P-256": size = 32
        case "P-384": size = 48
        case "P-521": size = 66
        default: throw CryptoError("unsupported curve \(curve)")
        }
        guard x.count == size, y.count == size else {
            throw CryptoError("\(curve) coordinates must be \(size) bytes (x is \(x.count), y is \(y.count))")
        }
        let point = [0x04] + x + y
        let raw: UnsafeMutableRawPointer?
        if let d { raw = thrust_ec_private(curve, point, point.count, d, d.count) }
        else { raw = thrust_ec_public(curve, point, point.count) }
        return try make("\(curve) key (point not on the curve?)", raw)
    }

    public static func ed25519(x: [UInt8]) throws(CryptoError) -> AsymmetricKey {
        guard x.count == 32 else { throw CryptoError("Ed25519 public key must be 32 bytes, not \(x.count)") }
        return try make("Ed25519 public key", thrust_ed25519_public(x, x.count))
    }

    public static func ed25519Private(d: [UInt8]) throws(CryptoError) -> AsymmetricKey {
        guard d.count == 32 else { throw CryptoError("Ed25519 private key must be 32 bytes, not \(d.count)") }
        return try make("Ed25519 private key", thrust_ed25519_private(d, d.count))
    }

    /// A PEM SPKI public key (`BEGIN PUBLIC KEY`) or an X.509 certificate's public key.
    public static func pemPublic(_ pem: [UInt8]) throws(CryptoError) -> AsymmetricKey {
        try make("PEM public key or certificate", thrust_pem_public(pem, pem.count))
    }

    /// An unencrypted PEM private key (PKCS#8 or traditional).
    public static func pemPrivate(_ pem: [UInt8]) throws(CryptoError) -> AsymmetricKey {
        try make("PEM private key", thrust_pem_private(pem, pem.count))
    }

    /// A fresh key pair.
    public static func generateRSA(bits: Int) throws(CryptoError) -> AsymmetricKey {
        try make("RSA key generation", thrust_generate_rsa(Int32(bits)))
    }

    public static func generateEC(curve: String) throws(CryptoError) -> AsymmetricKey {
        try make("EC key generation", thrust_generate_ec(curve))
    }

    public static func generateEd25519() throws(CryptoError) -> AsymmetricKey {
        try make("Ed25519 key generation", thrust_generate_ed25519())
    }

    // MARK: Export

    /// A big-endian key component for JWK export (`n`, `e`, `d`, `p`, `q`, `dp`, `dq`, `qi`,
    /// `x`, `y`), or nil when the key has none.
    public func component(_ name: String) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: max(128, bits / 8 + 16))
        let n = thrust_key_component(raw, name, &out, out.count)
        guard n > 0 else { return nil }
        return Array(out.prefix(n))
    }

    public func publicPEM() throws(CryptoError) -> String { try pem(thrust_pem_write_public, "public PEM") }

    public func privatePEM() throws(CryptoError) -> String {
        guard hasPrivateKey else { throw CryptoError("not a private key") }
        return try pem(thrust_pem_write_private, "private PEM")
    }

    private func pem(
        _ write: (UnsafeRawPointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, UnsafeMutablePointer<Int>?) -> Int32,
        _ op: String
    ) throws(CryptoError) -> String {
        var out: UnsafeMutablePointer<CChar>? = nil
        var len = 0
        guard write(raw, &out, &len) == 1, let out else { throw CryptoError.drain(op) }
        defer { thrust_free(out) }
        return String(cString: out)
    }

    // MARK: Signatures

    /// Verifies a JWS signature over `message` with `alg`. A signature of the wrong length or
    /// encoding is simply invalid. Only ever false for an algorithm this key does not fit.
    public func verify(_ alg: JWSAlgorithm, signature: [UInt8], message: ArraySlice<UInt8>) -> Bool {
        guard let pool = pools[alg.index] else { return false }
        guard let verifier = pool.take(key: raw) else { return false }
        defer { pool.give(verifier) }
        return message.withUnsafeBufferPointer { m in
            signature.withUnsafeBufferPointer { s in
                thrust_verifier_verify(verifier, m.baseAddress, m.count, s.baseAddress, s.count) == 1
            }
        }
    }

    /// Signs `message` as `alg` (ECDSA as raw r‖s).
    /// - Throws: `CryptoError` when this is not a private key or the key does not fit `alg`.
    public func sign(_ alg: JWSAlgorithm, message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard fits(alg) else { throw CryptoError("a \(family) key cannot sign \(alg.rawValue)") }
        guard hasPrivateKey else { throw CryptoError("signing needs a private key") }
        var out = [UInt8](repeating: 0, count: max(160, Int(thrust_key_size(raw)) + 16))
        let n = thrust_sign(raw, alg.scheme, Int32(alg.hashBits), message, message.count, &out, out.count)
        guard n > 0 else { throw CryptoError.drain("signing with \(alg.rawValue)") }
        return Array(out.prefix(n))
    }
}

/// Verify contexts for one key and one algorithm, each used by one thread at a time.
final class VerifierPool: Sendable {
    private struct Handles: @unchecked Sendable { var list: [UnsafeMutableRawPointer] = [] }
    private let handles = Locked(Handles())
    private let scheme: Int32
    private let hashBits: Int32
    private static let maxIdle = 64

    init(alg: JWSAlgorithm) {
        scheme = alg.scheme
        hashBits = Int32(alg.hashBits)
    }

    func take(key: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        if let v = handles.withLock({ $0.list.popLast() }) { return v }
        return thrust_verifier_new(key, scheme, hashBits)
    }

    func give(_ verifier: UnsafeMutableRawPointer) {
        let kept = handles.withLock { h -> Bool in
            guard h.list.count < VerifierPool.maxIdle else { return false }
            h.list.append(verifier)
            return true
        }
        if !kept { thrust_verifier_free(verifier) }
    }

    func drain() {
        let all = handles.withLock { h -> [UnsafeMutableRawPointer] in
            defer { h.list = [] }
            return h.list
        }
        for v in all { thrust_verifier_free(v) }
    }
}

extension JWSAlgorithm {
    var index: Int {
        switch self {
        case .rs256: 0
        case .rs384: 1
        case .rs512: 2
        case .ps256: 3
        case .ps384: 4
        case .ps512: 5
        case .es256: 6
        case .es384: 7
        case .es512: 8
        case .edDSA: 9
        case .ed25519: 10
        case .hs256: 11
        case .hs384: 12
        case .hs512: 13
        }
    }

    var scheme: Int32 {
        switch family {
        case .rsa: rawValue.hasPrefix("PS") ? Int32(THRUST_SCHEME_PSS) : Int32(THRUST_SCHEME_PKCS1)
        case .ec: Int32(THRUST_SCHEME_ECDSA)
        case .okp: Int32(THRUST_SCHEME_EDDSA)
        case .hmac: 0
        }
    }
}
