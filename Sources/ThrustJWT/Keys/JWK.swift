/// A JSON Web Key (RFC 7517) as published: its members kept as parsed, the ones we act on lifted
/// out. Turning it into usable key material is `VerificationKey`'s job.
public struct JWK: Sendable, Hashable {
    /// `kty` values are an open set: unknown ones are skipped and reported, never fatal to a set.
    public struct KeyType: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public static let rsa = KeyType(rawValue: "RSA")
        public static let ec = KeyType(rawValue: "EC")
        public static let okp = KeyType(rawValue: "OKP")
        public static let oct = KeyType(rawValue: "oct")
        public var description: String { rawValue }
    }

    /// Why a JWK could not be read.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public let raw: JSONObject
    public let keyType: KeyType
    public let keyID: String?
    /// `alg` as written (RFC 7517 §4.4); it pins the key to one algorithm.
    public let algorithm: String?
    /// `use` (RFC 7517 §4.2); only `sig` (or absent) keys verify.
    public let use: String?
    /// `key_ops` (RFC 7517 §4.3); when present it must allow `verify`.
    public let keyOperations: [String]?
    public let curve: String?

    /// Members that must never appear in a published set (RFC 7518 §6.2.2, §6.3.2, §6.4.1).
    public static let privateMemberNames = ["d", "p", "q", "dp", "dq", "qi", "oth"]

    /// The private members this JWK carries (for `oct`, `k` counts as private).
    public var privateMembers: [String] {
        var names = JWK.privateMemberNames.filter { raw.contains($0) }
        if keyType == .oct && raw.contains("k") { names.append("k") }
        return names
    }

    public static let supportedTypes: [KeyType] = [.rsa, .ec, .okp, .oct]

    /// - Throws: `ParseError` when `kty` is missing or not a string, or a lifted member has the
    ///   wrong JSON type. An unsupported `kty` is not an error here (see `isSupported`).
    public init(object: JSONObject) throws(ParseError) {
        raw = object
        guard let kty = object["kty"]?.stringValue else { throw ParseError(message: "no \"kty\" string") }
        keyType = KeyType(rawValue: kty)
        func optionalString(_ name: String) throws(ParseError) -> String? {
            guard let v = object[name] else { return nil }
            guard let s = v.stringValue else { throw ParseError(message: "\"\(name)\" is \(v.typeName), not a string") }
            return s
        }
        keyID = try optionalString("kid")
        algorithm = try optionalString("alg")
        use = try optionalString("use")
        curve = try optionalString("crv")
        if let ops = object["key_ops"] {
            guard let items = ops.arrayValue, items.allSatisfy({ $0.stringValue != nil }) else {
                throw ParseError(message: "\"key_ops\" is not an array of strings")
            }
            keyOperations = items.compactMap(\.stringValue)
        } else {
            keyOperations = nil
        }
    }

    public init(json: [UInt8]) throws(ParseError) {
        guard case .object(let o)? = try? StrictJSON.parse(json) else {
            throw ParseError(message: "not a JSON object")
        }
        try self.init(object: o)
    }

    public var isSupported: Bool { JWK.supportedTypes.contains(keyType) }

    /// A base64url member decoded, or a `ParseError` naming it.
    public func bytes(_ name: String) throws(ParseError) -> [UInt8] {
        guard let v = raw[name] else { throw ParseError(message: "missing \"\(name)\"") }
        guard let s = v.stringValue else { throw ParseError(message: "\"\(name)\" is not a string") }
        guard let b = Base64URL.decode(s) else { throw ParseError(message: "\"\(name)\" is not valid base64url") }
        return b
    }

    /// The RFC 7638 SHA-256 thumbprint, base64url; nil for unsupported key types or missing members.
    ///
    /// The hash input is the required members only, in lexicographic order, without whitespace,
    /// with the member values exactly as they appear in the JWK (RFC 7638 §3.2–3.3).
    public var thumbprint: String? {
        let required: [String]
        switch keyType {
        case .rsa: required = ["e", "kty", "n"]
        case .ec: required = ["crv", "kty", "x", "y"]
        case .okp: required = ["crv", "kty", "x"]
        case .oct: required = ["k", "kty"]
        default: return nil
        }
        var object = JSONObject()
        for name in required {
            guard let v = raw[name], v.stringValue != nil else { return nil }
            object.set(name, v)
        }
        return Base64URL.encode(Digest.sha256(JSONValue.object(object).serializedBytes))
    }
}
