internal import CThrustCrypto

/// An HMAC secret (JWK `oct`, `--secret-env`, `--secret-file`). It exists only when a secret was
/// given explicitly: no public key is ever used as one (RFC 8725 §3.1).
public final class HMACSecret: Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// RFC 7518 §3.2: the key must be at least as long as the hash output.
    public func fits(_ alg: JWSAlgorithm) -> Bool { alg.family == .hmac && bytes.count * 8 >= alg.hashBits }

    public var algorithms: [JWSAlgorithm] { [.hs256, .hs384, .hs512].filter(fits) }

    /// The raw HMAC primitive, with no key-length rule (the Wycheproof vectors use short keys).
    public static func mac(hashBits: Int, key: [UInt8], message: ArraySlice<UInt8>) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 64)
        let n = message.withUnsafeBufferPointer { m in
            thrust_hmac(Int32(hashBits), key, key.count, m.baseAddress, m.count, &out, out.count)
        }
        guard n > 0 else { return nil }
        return Array(out.prefix(n))
    }

    /// Constant-time comparison of two tags (`CRYPTO_memcmp`); different lengths never match.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && thrust_mem_equal(a, b, a.count) == 1
    }

    /// Verifies a JWS HMAC signature; false for a secret too short for `alg`.
    public func verify(_ alg: JWSAlgorithm, signature: [UInt8], message: ArraySlice<UInt8>) -> Bool {
        guard fits(alg), let tag = HMACSecret.mac(hashBits: alg.hashBits, key: bytes, message: message) else { return false }
        return HMACSecret.equal(tag, signature)
    }

    /// - Throws: `CryptoError` when the secret is shorter than `alg`'s hash.
    public func sign(_ alg: JWSAlgorithm, message: [UInt8]) throws(CryptoError) -> [UInt8] {
        guard alg.family == .hmac else { throw CryptoError("a secret can only sign HS256/HS384/HS512") }
        guard fits(alg) else {
            throw CryptoError("\(alg.rawValue) needs a secret of at least \(alg.hashBits / 8) bytes (RFC 7518 §3.2); this one has \(bytes.count)")
        }
        guard let tag = HMACSecret.mac(hashBits: alg.hashBits, key: bytes, message: message[...]) else {
            throw CryptoError.drain("HMAC")
        }
        return tag
    }
}

/// SHA-256 through OpenSSL, for RFC 7638 thumbprints and cache keys.
public enum Digest {
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        _ = thrust_sha256(bytes, bytes.count, &out)
        return out
    }

    /// Lower-case hex of the SHA-256 of `text`'s UTF-8.
    public static func sha256Hex(_ text: String) -> String {
        let hex = Array("0123456789abcdef")
        return String(sha256(Array(text.utf8)).flatMap { [hex[Int($0 >> 4)], hex[Int($0 & 15)]] })
    }
}

/// Random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        _ = thrust_random(&out, count)
        return out
    }
}
