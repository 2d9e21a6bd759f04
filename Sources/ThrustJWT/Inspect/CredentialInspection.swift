/// What a credential is, without verifying it (`decode`): a JWS and its flavour, a JWE, or an
/// opaque key with its known prefix, plus the times and the warnings a person should see.
public struct CredentialInspection: Sendable {
    public enum Kind: String, Sendable { case jws, jwe, opaque }

    /// Issuer-specific kinds of JWT, told apart by their claims.
    public enum Flavour: String, Sendable {
        case orySession = "ory_session"
        case oryAccessToken = "ory_access_token"
        case supabaseUser = "supabase_user"
        case supabaseAnon = "supabase_anon"
        case supabaseServiceRole = "supabase_service_role"

        /// One line on what it is for.
        public var hint: String {
            switch self {
            case .orySession: "an Ory session JWT (tokenized session): identifies a logged-in user"
            case .oryAccessToken: "an Ory/Hydra OAuth2 access token: send it as Authorization: Bearer"
            case .supabaseUser: "a Supabase Auth user token: a signed-in user of a Supabase project"
            case .supabaseAnon: "a Supabase legacy anon key: public, goes in the apikey header"
            case .supabaseServiceRole: "a Supabase legacy service_role key: bypasses Row Level Security; server-side only"
            }
        }
    }

    /// Opaque credential prefixes we recognise (case-sensitive), with where each belongs.
    public static let knownPrefixes: [(prefix: String, hint: String)] = [
        ("ory_at_", "an Ory OAuth2 access token (opaque): send it as Authorization: Bearer; verify it by introspection, not locally"),
        ("ory_rt_", "an Ory OAuth2 refresh token: exchange it at the token endpoint; never send it to an API"),
        ("ory_ac_", "an Ory OAuth2 authorization code: exchange it once at the token endpoint"),
        ("ory_st_", "an Ory session token: send it to Ory as X-Session-Token or Authorization: Bearer"),
        ("ory_pat_", "an Ory personal access token: for Ory's admin APIs, not for the Thrust API"),
        ("ory_apikey_", "an Ory project API key: for Ory's admin APIs, not for the Thrust API"),
        ("ory_wak_", "an Ory workspace API key: for Ory's workspace admin APIs"),
        ("sb_publishable_", "a Supabase publishable key: it goes in the apikey header, not Authorization: Bearer"),
        ("sb_secret_", "a Supabase secret key: server-side only, in the apikey header; never ship it to clients"),
        ("sbp_", "a Supabase personal access token: for the Supabase Management API"),
    ]

    public let kind: Kind
    public let flavour: Flavour?
    public let prefix: String?
    public let header: JOSEHeader?
    /// Claims as parsed (JWS only), unverified.
    public let claims: JSONObject?
    public let signatureBytes: Int?
    /// Shortened signature for display (first 6 chars + `…`).
    public let signaturePreview: String?
    public let issuedAt: Double?
    public let notBefore: Double?
    public let expiresAt: Double?
    public let warnings: [String]
    /// One line on what this credential is and where it belongs.
    public let hint: String

    /// Inspects a credential (already trimmed and stripped of `Bearer `).
    /// - Throws: `Rejection` `.missingToken` for an empty one, `.malformed` for anything that is
    ///   neither a parsable JWS/JWE nor an opaque token68 word.
    public init(_ token: String, now: Double, maxBytes: Int = CompactToken.defaultMaxBytes) throws(Rejection) {
        let bytes = Array(token.utf8)
        if bytes.isEmpty { throw Rejection(.missingToken, "no token was given") }
        if bytes.count > maxBytes { throw Rejection(.malformed, "token is \(bytes.count) bytes, over the \(maxBytes)-byte cap") }
        if let known = CredentialInspection.knownPrefixes.first(where: { token.hasPrefix($0.prefix) }) {
            self.init(opaque: known.prefix, hint: known.hint)
            return
        }
        let dots = bytes.filter { $0 == UInt8(ascii: ".") }.count
        if dots == 0 {
            guard CredentialInspection.isToken68(bytes) else {
                throw Rejection(.malformed, "not a JWT, and not a single token68 word either")
            }
            self.init(opaque: nil, hint: "an opaque credential (an API key?): it can only be checked by the API that issued it")
            return
        }
        let parsed: CompactToken
        do {
            parsed = try CompactToken(bytes: bytes, maxBytes: maxBytes)
        } catch let r where r.reason == .encrypted {
            let h = Array(bytes.prefix { $0 != UInt8(ascii: ".") })
            let header = try JOSEHeader(json: Base64URL.decode(h) ?? [])
            self.init(kind: .jwe, header: header,
                      warnings: ["an encrypted JWE (alg \(printable(header.algorithmName)), enc \(printable(header.raw["enc"]?.stringValue ?? "?"))): its claims cannot be read without the recipient's key"],
                      hint: "an encrypted token (JWE): only its recipient can read it")
            return
        }
        let payload = try parsed.payload()
        let value: JSONValue
        do { value = try StrictJSON.parse(payload) } catch {
            throw Rejection(.malformed, "payload is not JSON, so this is not a JWT: \(error)")
        }
        guard case .object(let claims) = value else {
            throw Rejection(.malformed, "payload is \(value.typeName), not a JSON object: a JWS but not a JWT")
        }
        let signature = try? parsed.signature()
        let flavour = CredentialInspection.flavour(of: claims)
        func date(_ name: String) -> Double? { claims[name]?.numberValue?.value }
        let expiresAt = date("exp")

        var w: [String] = []
        if signature == nil { w.append("the signature segment is not valid base64url: verify will reject it") }
        let alg = parsed.header.algorithmName
        if alg.lowercased() == "none" { w.append("alg is \"\(alg)\": an unsigned token, which no verifier may accept") }
        else if JWSAlgorithm(rawValue: alg) == nil { w.append("alg \"\(printable(alg))\" is not one thrust-jwt can verify") }
        for m in parsed.header.keyCarryingMembersPresent {
            w.append("header \"\(m)\" is present: it is never trusted as a key")
        }
        if !parsed.header.critical.isEmpty || parsed.header.raw.contains("b64") {
            w.append("header uses crit/b64 extensions that thrust-jwt does not implement")
        }
        for name in ["exp", "nbf", "iat"] {
            if let v = claims[name], v.numberValue == nil { w.append("\(name) is \(v.typeName), not a number: verify will reject it") }
        }
        switch claims["sub"] {
        case nil: w.append("no sub: the API answers \"No user ID in token\"")
        case .string(let s)? where s.allSatisfy(\.isWhitespace): w.append("sub is blank: the API answers \"No user ID in token\"")
        case .string?: break
        case let v?: w.append("sub is \(v.typeName), not a string: the API answers \"No user ID in token\"")
        }
        if let exp = expiresAt {
            if exp <= now { w.append("expired \(DurationText.describe(now - exp)) ago (\(RFC3339.format(exp)))") }
        } else if claims["exp"] == nil {
            w.append("no exp: it never expires")
        }
        if flavour == .supabaseServiceRole {
            w.append("SERVICE_ROLE KEY: it bypasses Row Level Security; never ship it to a client, and rotate it if it leaked")
        }
        self.init(kind: .jws, flavour: flavour, header: parsed.header, claims: claims, signatureBytes: signature?.count,
                  signaturePreview: parsed.signaturePreview, issuedAt: date("iat"), notBefore: date("nbf"),
                  expiresAt: expiresAt, warnings: w,
                  hint: flavour?.hint ?? "a signed JWT (JWS): verify it with `thrust-jwt verify` and the issuer's keys")
    }

    private init(opaque prefix: String?, hint: String) {
        self.init(kind: .opaque, prefix: prefix, hint: hint)
    }

    private init(kind: Kind, flavour: Flavour? = nil, prefix: String? = nil, header: JOSEHeader? = nil, claims: JSONObject? = nil,
                 signatureBytes: Int? = nil, signaturePreview: String? = nil, issuedAt: Double? = nil, notBefore: Double? = nil,
                 expiresAt: Double? = nil, warnings: [String] = [], hint: String) {
        self.kind = kind
        self.flavour = flavour
        self.prefix = prefix
        self.header = header
        self.claims = claims
        self.signatureBytes = signatureBytes
        self.signaturePreview = signaturePreview
        self.issuedAt = issuedAt
        self.notBefore = notBefore
        self.expiresAt = expiresAt
        self.warnings = warnings
        self.hint = hint
    }

    /// RFC 7235 §2.1 token68 (`1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="`).
    static func isToken68(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            let ok = (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
                || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "~")
                || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
            if !ok { break }
            i += 1
        }
        guard i > 0 else { return false }
        while i < bytes.count, bytes[i] == UInt8(ascii: "=") { i += 1 }
        return i == bytes.count
    }

    static func flavour(of claims: JSONObject) -> Flavour? {
        let iss = claims["iss"]?.stringValue
        let role = claims["role"]?.stringValue
        if iss == "supabase", claims.contains("ref"), let role {
            if role == "service_role" { return .supabaseServiceRole }
            if role == "anon" { return .supabaseAnon }
        }
        if let iss, iss.hasSuffix("/auth/v1"), role != nil { return .supabaseUser }
        if claims.contains("client_id") && claims.contains("scp") { return .oryAccessToken }
        if claims.contains("sid") && claims.contains("jti") && !claims.contains("aud") { return .orySession }
        return nil
    }
}
