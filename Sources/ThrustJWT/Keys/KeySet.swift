/// The keys a token may be verified with: a JWKS (RFC 7517 §5), one `--key`, or one secret.
///
/// Entries that do not parse or have an unknown `kty` are skipped and reported, never fatal to the
/// set; keys that parse but are unsafe stay listed and are never tried.
public struct KeySet: Sendable {
    /// An entry of a JWKS that is not a key this tool can hold.
    public struct Skipped: Sendable, Hashable {
        public let index: Int
        public let keyID: String?
        public let reason: String
    }

    /// Why a document is not a JWKS.
    public struct FormatError: Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    public let keys: [VerificationKey]
    public let skipped: [Skipped]
    /// A single `--key` (or secret) stands for itself: without a kid it is used whatever the
    /// token's kid says (SPEC "Key choice").
    public let isSingleKey: Bool
    /// Every algorithm some usable key fits: the default allowed set (SPEC "Edge cases").
    public let fittingAlgorithms: Set<JWSAlgorithm>
    public let hasUsableKey: Bool

    public init(keys: [VerificationKey], skipped: [Skipped] = [], isSingleKey: Bool = false) {
        self.keys = keys
        self.skipped = skipped
        self.isSingleKey = isSingleKey
        fittingAlgorithms = Set(keys.flatMap(\.algorithms))
        hasUsableKey = keys.contains(where: \.isUsable)
    }

    public init(single key: VerificationKey) { self.init(keys: [key], isSingleKey: true) }

    /// Parses a JWKS document. With `allowSecrets: false` (a published, remote set) an `oct` key
    /// is listed but never used: a secret anyone can download verifies nothing.
    /// - Throws: `FormatError` when it is not a JSON object with a `keys` array.
    public init(jwks json: [UInt8], allowSecrets: Bool = true) throws(FormatError) {
        let value: JSONValue
        do { value = try StrictJSON.parse(json) } catch { throw FormatError(message: "not valid JSON: \(error)") }
        guard case .object(let object) = value else { throw FormatError(message: "not a JSON object") }
        guard let entries = object["keys"]?.arrayValue else { throw FormatError(message: "no \"keys\" array") }
        var keys: [VerificationKey] = []
        var skipped: [Skipped] = []
        for (i, entry) in entries.enumerated() {
            guard case .object(let o) = entry else {
                skipped.append(Skipped(index: i, keyID: nil, reason: "entry is \(entry.typeName), not an object"))
                continue
            }
            let kid = o["kid"]?.stringValue
            do {
                let jwk = try JWK(object: o)
                let key = try VerificationKey(jwk: jwk)
                keys.append(allowSecrets || key.keyType != .oct
                    ? key : key.unusable("an oct key in a published key set is a leaked secret; it is never used"))
            } catch {
                skipped.append(Skipped(index: i, keyID: kid, reason: error.message))
            }
        }
        self.init(keys: keys, skipped: skipped)
    }
}
