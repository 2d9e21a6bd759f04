/// What a verified token must also satisfy, as a value (RFC 8725 §3.8–3.9; SPEC "verify").
public struct VerificationPolicy: Sendable, Hashable {
    /// The allowed algorithms; nil means every algorithm that some key of the source fits.
    public var algorithms: Set<JWSAlgorithm>?
    /// Required `iss`, compared exactly.
    public var issuer: String?
    /// Acceptable audiences; empty means `aud` is not checked (with a warning when present).
    public var audiences: [String]
    /// Clock skew allowed on `exp`, `nbf`, `iat` and max age, in seconds.
    public var leeway: Double
    /// Reject tokens whose `iat` is older than this (a token without `iat` is then too old).
    public var maxAge: Double?
    /// Scopes the token must grant through `scope`, `scp` or `permissions`.
    public var requiredScopes: [String]
    /// `sub` must be a non-blank string (the API needs a user ID).
    public var requireSubject: Bool
    /// Cap on the compact token's size in bytes.
    public var maxTokenBytes: Int

    public init(algorithms: Set<JWSAlgorithm>? = nil, issuer: String? = nil, audiences: [String] = [], leeway: Double = 60,
                maxAge: Double? = nil, requiredScopes: [String] = [], requireSubject: Bool = true,
                maxTokenBytes: Int = CompactToken.defaultMaxBytes) {
        self.algorithms = algorithms
        self.issuer = issuer
        self.audiences = audiences
        self.leeway = leeway
        self.maxAge = maxAge
        self.requiredScopes = requiredScopes
        self.requireSubject = requireSubject
        self.maxTokenBytes = maxTokenBytes
    }
}
