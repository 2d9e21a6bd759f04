/// The protected header of a JWS (RFC 7515 §4), kept whole and with the members this tool acts on
/// lifted out. Only the raw object is trusted for display; key selection uses `alg` and `kid`.
public struct JOSEHeader: Sendable, Hashable {
    /// Every member as parsed, in order.
    public let raw: JSONObject
    /// `alg` as written, which may name an algorithm we refuse (`none`, `ES256K`).
    public let algorithmName: String
    /// `alg` when it is one we implement.
    public var algorithm: JWSAlgorithm? { JWSAlgorithm(rawValue: algorithmName) }
    public let keyID: String?
    public let type: String?
    /// `crit` (RFC 7515 §4.1.11), validated to be a non-empty array of present member names.
    public let critical: [String]

    /// Members that name or carry keys. They are never fetched or trusted (RFC 8725 §3.10);
    /// `decode` and `verify` warn that they are there.
    public static let keyCarryingMembers = ["jku", "x5u", "jwk", "x5c"]

    public var keyCarryingMembersPresent: [String] { Self.keyCarryingMembers.filter { raw.contains($0) } }

    /// Parses the decoded header JSON.
    /// - Throws: `Rejection` with `.malformed` when it is not an object, `alg` is missing or not a
    ///   string, `kid` is not a string, or `crit` is not a non-empty array of present names.
    public init(json: [UInt8]) throws(Rejection) {
        let value: JSONValue
        do { value = try StrictJSON.parse(json) } catch {
            throw Rejection(.malformed, "header is not valid JSON: \(error)")
        }
        guard case .object(let object) = value else {
            throw Rejection(.malformed, "header is not a JSON object")
        }
        try self.init(object: object)
    }

    public init(object: JSONObject) throws(Rejection) {
        raw = object
        guard let alg = object["alg"] else { throw Rejection(.malformed, "header has no \"alg\"") }
        guard let name = alg.stringValue else {
            throw Rejection(.malformed, "header \"alg\" is \(alg.typeName), not a string")
        }
        algorithmName = name
        switch object["kid"] {
        case nil: keyID = nil
        case .string(let k)?: keyID = k
        case let other?: throw Rejection(.malformed, "header \"kid\" is \(other.typeName), not a string")
        }
        type = object["typ"]?.stringValue
        switch object["crit"] {
        case nil:
            critical = []
        case .array(let items)?:
            var names: [String] = []
            for item in items {
                guard let n = item.stringValue else { throw Rejection(.malformed, "header \"crit\" holds a non-string") }
                guard object.contains(n) else {
                    throw Rejection(.malformed, "header \"crit\" names \"\(n)\", which the header does not contain")
                }
                names.append(n)
            }
            guard !names.isEmpty else { throw Rejection(.malformed, "header \"crit\" is an empty array") }
            critical = names
        case let other?:
            throw Rejection(.malformed, "header \"crit\" is \(other.typeName), not an array")
        }
    }
}
