/// The JWS algorithms thrust-jwt implements (RFC 7518 §3, RFC 8037, RFC 9864).
///
/// `none` is deliberately not representable: a token that asks for it can only be refused.
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable, Comparable {
    case rs256 = "RS256", rs384 = "RS384", rs512 = "RS512"
    case ps256 = "PS256", ps384 = "PS384", ps512 = "PS512"
    case es256 = "ES256", es384 = "ES384", es512 = "ES512"
    case edDSA = "EdDSA", ed25519 = "Ed25519"
    case hs256 = "HS256", hs384 = "HS384", hs512 = "HS512"

    public enum Family: Sendable, Hashable { case rsa, ec, okp, hmac }

    public var family: Family {
        switch self {
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: .rsa
        case .es256, .es384, .es512: .ec
        case .edDSA, .ed25519: .okp
        case .hs256, .hs384, .hs512: .hmac
        }
    }

    /// Digest size in bits (for EdDSA, the internal SHA-512 is not ours to choose: 0).
    public var hashBits: Int {
        switch self {
        case .rs256, .ps256, .es256, .hs256: 256
        case .rs384, .ps384, .es384, .hs384: 384
        case .rs512, .ps512, .es512, .hs512: 512
        case .edDSA, .ed25519: 0
        }
    }

    /// The JWK `crv` an ES* algorithm requires (RFC 7518 §3.4).
    public var curve: String? {
        switch self {
        case .es256: "P-256"
        case .es384: "P-384"
        case .es512: "P-521"
        case .edDSA, .ed25519: "Ed25519"
        default: nil
        }
    }

    public var isAsymmetric: Bool { family != .hmac }

    /// The one algorithm names that mean the same thing for an Ed25519 key (RFC 9864 §2).
    func isSameAlgorithm(as other: JWSAlgorithm) -> Bool {
        self == other || (family == .okp && other.family == .okp)
    }

    public static func < (a: JWSAlgorithm, b: JWSAlgorithm) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
