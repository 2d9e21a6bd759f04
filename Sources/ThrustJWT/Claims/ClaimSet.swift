/// A JWT claim set (RFC 7519 §4) with the registered claims lifted out and type-checked.
///
/// Claim *types* are part of parsing (a string `exp` is malformed); claim *values* are judged by
/// the verifier only once the signature has verified.
public struct ClaimSet: Sendable, Hashable {
    /// Every claim as parsed, in order; numbers keep their literal.
    public let raw: JSONObject

    /// `iss` (RFC 7519 §4.1.1).
    public let issuer: String?
    /// `sub` as written (RFC 7519 §4.1.2); the verifier decides whether it is usable.
    public let subjectValue: JSONValue?
    /// `aud` (RFC 7519 §4.1.3), a single string read as a one-element array.
    public let audience: [String]?
    /// `exp` (RFC 7519 §4.1.4), NumericDate seconds, possibly fractional.
    public let expiresAt: Double?
    /// `nbf` (RFC 7519 §4.1.5).
    public let notBefore: Double?
    /// `iat` (RFC 7519 §4.1.6).
    public let issuedAt: Double?

    /// The usable subject: a string that is not empty or only whitespace.
    public var subject: String? {
        guard let s = subjectValue?.stringValue, !s.allSatisfy(\.isWhitespace) else { return nil }
        return s
    }

    /// Parses and type-checks a claim set.
    /// - Throws: `Rejection(.malformed)` when the payload is not a JSON object, a NumericDate claim
    ///   is not a number, `iss` is not a string, or `aud` is neither a string nor an array of strings.
    public init(json: [UInt8]) throws(Rejection) {
        try self.init(object: ClaimSet.parseObject(json))
    }

    /// The payload as a JSON object, or `Rejection(.malformed)`: a JWS whose payload is not a
    /// JSON object is not a JWT.
    public static func parseObject(_ json: [UInt8]) throws(Rejection) -> JSONObject {
        let value: JSONValue
        do { value = try StrictJSON.parse(json) } catch {
            throw Rejection(.malformed, "payload is not valid JSON (not a JWT): \(error)")
        }
        guard case .object(let object) = value else {
            throw Rejection(.malformed, "payload is \(value.typeName), not a JSON object: not a JWT")
        }
        return object
    }

    public init(object: JSONObject) throws(Rejection) {
        raw = object
        func date(_ name: String) throws(Rejection) -> Double? {
            guard let v = object[name] else { return nil }
            guard let n = v.numberValue else {
                throw Rejection(.malformed, "claim \"\(name)\" is \(v.typeName), not a NumericDate number")
            }
            return n.value
        }
        expiresAt = try date("exp")
        notBefore = try date("nbf")
        issuedAt = try date("iat")
        switch object["iss"] {
        case nil: issuer = nil
        case .string(let s)?: issuer = s
        case let v?: throw Rejection(.malformed, "claim \"iss\" is \(v.typeName), not a string")
        }
        switch object["aud"] {
        case nil: audience = nil
        case .string(let s)?: audience = [s]
        case .array(let items)?:
            var list: [String] = []
            for item in items {
                guard let s = item.stringValue else {
                    throw Rejection(.malformed, "claim \"aud\" holds \(item.typeName), not only strings")
                }
                list.append(s)
            }
            audience = list
        case let v?: throw Rejection(.malformed, "claim \"aud\" is \(v.typeName), not a string or an array")
        }
        subjectValue = object["sub"]
    }

    /// The scopes granted by `scope`, `scp` and `permissions` (each a space-separated string or an
    /// array of strings), or nil when a present one has another type.
    public var grantedScopes: Set<String>? {
        var granted = Set<String>()
        for name in ["scope", "scp", "permissions"] {
            switch raw[name] {
            case nil: continue
            case .string(let s)?: granted.formUnion(s.split(separator: " ").map(String.init))
            case .array(let items)?:
                for item in items {
                    guard let s = item.stringValue else { return nil }
                    granted.insert(s)
                }
            default: return nil
            }
        }
        return granted
    }
}
