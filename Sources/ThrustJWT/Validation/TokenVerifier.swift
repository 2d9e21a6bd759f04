/// The outcome of verifying one token: either valid, or one rejection. The header and claims are
/// reported as parsed either way (for a rejected token they are unverified and only for display).
public struct VerificationResult: Sendable {
    public let rejection: Rejection?
    public let header: JOSEHeader?
    /// The claim set as parsed; trusted only when `isValid`.
    public let claims: JSONObject?
    /// The key whose signature check passed (also set when a claim value failed afterwards).
    public let key: VerificationKey?
    public let algorithm: JWSAlgorithm?
    /// `exp` as a number, when present.
    public let expiresAt: Double?
    public let warnings: [String]

    public var isValid: Bool { rejection == nil }
}

/// Verifies compact JWS tokens against a key set under a policy, in SPEC's order:
/// parse → header (alg, crit) → payload types → key selection → signature → claim values.
///
/// Build it once and reuse it: the key set holds OpenSSL keys built once, and nothing is re-parsed
/// per token. It is a value and `Sendable`; `verify` may run on many threads at once.
public struct TokenVerifier: Sendable {
    public let keys: KeySet
    public let policy: VerificationPolicy

    public init(keys: KeySet, policy: VerificationPolicy = VerificationPolicy()) {
        self.keys = keys
        self.policy = policy
    }

    /// Verifies `token` (already stripped of any `Bearer ` prefix) at the instant `now`.
    public func verify(_ token: String, now: Double = Clock.now()) -> VerificationResult {
        verify(bytes: Array(token.utf8), now: now)
    }

    public func verify(bytes: [UInt8], now: Double) -> VerificationResult {
        var state = State()
        do {
            let verified = try run(bytes, now: now, state: &state)
            return VerificationResult(rejection: nil, header: state.header, claims: state.claims?.raw, key: verified,
                                      algorithm: state.algorithm, expiresAt: state.claims?.expiresAt, warnings: state.warnings)
        } catch {
            return VerificationResult(rejection: error, header: state.header, claims: state.claims?.raw ?? state.rawClaims,
                                      key: state.key, algorithm: state.algorithm, expiresAt: state.claims?.expiresAt,
                                      warnings: state.warnings)
        }
    }

    /// What can be decided about a token before any key is looked up: for a key source that
    /// cannot be had, a token is "no verdict" only if it gets this far (SPEC: `key_unavailable`
    /// can only arise at key lookup, after a line has parsed).
    public struct EarlyJudgement: Sendable {
        /// The rejection that needs no key (missing, malformed, encrypted, alg, crit, claim
        /// types), or nil when the token reaches key lookup.
        public let rejection: VerificationResult?
        /// The header and claims as parsed, for reporting a no-verdict.
        public let parsed: VerificationResult
    }

    /// Judges `token` up to key lookup. Also decidable without keys: an alg outside an explicit
    /// `--alg` set, and (for a published, remote set, which never yields an HMAC secret) HS*.
    public static func judgeBeforeKeyLookup(_ token: String, policy: VerificationPolicy, now: Double,
                                            remoteSource: Bool = false) -> EarlyJudgement {
        let r = TokenVerifier(keys: KeySet(keys: []), policy: policy).verify(token, now: now)
        if let rejection = r.rejection, rejection.reason != .keyNotFound { return EarlyJudgement(rejection: r, parsed: r) }
        if let alg = r.algorithm {
            var detail: String? = nil
            if let allowed = policy.algorithms, !allowed.contains(where: { $0.isSameAlgorithm(as: alg) }) {
                detail = "alg \(alg.rawValue) is not allowed here (allowed: \(allowed.sorted().map(\.rawValue).joined(separator: ", ")))"
            } else if remoteSource && alg.family == .hmac {
                detail = "alg \(alg.rawValue) is refused: a published key set never holds a usable HMAC secret"
            }
            if let detail {
                let rejected = VerificationResult(rejection: Rejection(.unsupportedAlgorithm, detail), header: r.header, claims: r.claims,
                                                  key: nil, algorithm: alg, expiresAt: r.expiresAt, warnings: r.warnings)
                return EarlyJudgement(rejection: rejected, parsed: r)
            }
        }
        return EarlyJudgement(rejection: nil, parsed: r)
    }

    /// The rejection `judgeBeforeKeyLookup` finds, if any.
    public static func rejectionBeforeKeyLookup(_ token: String, policy: VerificationPolicy, now: Double,
                                                remoteSource: Bool = false) -> VerificationResult? {
        judgeBeforeKeyLookup(token, policy: policy, now: now, remoteSource: remoteSource).rejection
    }

    /// Whether a token's key lookup would miss in this key set: the signal for a remote source to
    /// refetch (SPEC "Edge cases": an unknown kid, or a supported alg no cached key fits).
    public func isKeyMiss(_ token: String) -> Bool {
        guard let parsed = try? CompactToken(token, maxBytes: policy.maxTokenBytes), let alg = parsed.header.algorithm else {
            return false
        }
        return candidates(for: parsed.header, alg: alg).isEmpty
    }

    private struct State {
        var header: JOSEHeader?
        var claims: ClaimSet?
        var rawClaims: JSONObject?
        var key: VerificationKey?
        var algorithm: JWSAlgorithm?
        var warnings: [String] = []
    }

    private func candidates(for header: JOSEHeader, alg: JWSAlgorithm) -> [VerificationKey] {
        keys.keys.filter { key in
            guard key.fits(alg) else { return false }
            if let kid = header.keyID {
                if keys.isSingleKey && key.keyID == nil { return true }
                return key.keyID == kid
            }
            return true
        }
    }

    private func run(_ bytes: [UInt8], now: Double, state: inout State) throws(Rejection) -> VerificationKey {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            throw Rejection(.missingToken, "no token was given")
        }
        let token = try CompactToken(bytes: bytes, maxBytes: policy.maxTokenBytes)
        let header = token.header
        state.header = header
        for member in header.keyCarryingMembersPresent {
            state.warnings.append("header \"\(member)\" is ignored: keys come only from the key source")
        }

        // Algorithm: `none` and unknown names first, then the allowed set.
        guard let alg = header.algorithm else {
            if header.algorithmName.lowercased() == "none" {
                throw Rejection(.unsupportedAlgorithm, "alg \"\(header.algorithmName)\" (an unsigned token) is never accepted")
            }
            throw Rejection(.unsupportedAlgorithm, "alg \"\(printable(header.algorithmName))\" is not a supported algorithm")
        }
        state.algorithm = alg
        let allowed = policy.algorithms ?? keys.fittingAlgorithms
        // SPEC "Algorithm vs key": a key set with no usable key is key_not_found first, so the
        // allowed set (from --alg or from the keys) is only judged when there is a key.
        let judgeAllowed = keys.hasUsableKey
        if judgeAllowed && !allowed.contains(where: { $0.isSameAlgorithm(as: alg) }) {
            throw Rejection(.unsupportedAlgorithm, disallowedDetail(alg, allowed: allowed))
        }

        // Critical extensions: none are implemented, and b64 (RFC 7797) never is.
        if let name = header.critical.first {
            throw Rejection(.unsupportedCritical, "crit names \"\(printable(name))\", an extension this tool does not implement")
        }
        if header.raw.contains("b64") {
            throw Rejection(.unsupportedCritical, "header \"b64\" (RFC 7797 unencoded payload) is not supported")
        }

        // Payload and claim types.
        let object = try ClaimSet.parseObject(token.payload())
        state.rawClaims = object
        let claims = try ClaimSet(object: object)
        state.claims = claims
        if !policy.requireSubject, let sub = claims.subjectValue, sub.stringValue == nil {
            throw Rejection(.malformed, "claim \"sub\" is \(sub.typeName), not a string")
        }
        if !policy.requiredScopes.isEmpty && claims.grantedScopes == nil {
            throw Rejection(.malformed, "claims \"scope\", \"scp\" or \"permissions\" are not strings or arrays of strings")
        }
        let signature = try token.signature()

        // Key selection and signature.
        guard keys.hasUsableKey else {
            throw Rejection(.keyNotFound, noUsableKeyDetail())
        }
        let candidates = candidates(for: header, alg: alg)
        guard !candidates.isEmpty else {
            if let kid = header.keyID {
                throw Rejection(.keyNotFound, "no key with kid \"\(printable(kid))\" fits \(alg.rawValue)")
            }
            throw Rejection(.keyNotFound, "no key fits \(alg.rawValue)")
        }
        guard let key = candidates.first(where: { $0.verify(alg, signature: signature, message: token.signingInput) }) else {
            let which = candidates.count == 1 ? "the key" : "any of the \(candidates.count) candidate keys"
            throw Rejection(.badSignature, "the \(alg.rawValue) signature does not verify with \(which)\(kidSuffix(candidates))")
        }
        state.key = key

        // Claim values, now that the signature holds.
        try judgeClaims(claims, now: now, state: &state)
        return key
    }

    private func judgeClaims(_ claims: ClaimSet, now: Double, state: inout State) throws(Rejection) {
        let leeway = policy.leeway
        if claims.expiresAt == nil { state.warnings.append("no exp: the token never expires") }
        if let exp = claims.expiresAt, exp <= now - leeway {
            throw Rejection(.expired, "expired \(RFC3339.format(exp)), \(DurationText.describe(now - exp)) ago")
        }
        if let nbf = claims.notBefore, nbf > now + leeway {
            throw Rejection(.notYetValid, "not valid before \(RFC3339.format(nbf)), \(DurationText.relative(nbf, now: now))")
        }
        if let iat = claims.issuedAt, iat > now + leeway {
            throw Rejection(.issuedInFuture, "issued in the future: iat \(RFC3339.format(iat)) is \(DurationText.relative(iat, now: now))")
        }
        if let maxAge = policy.maxAge {
            guard let iat = claims.issuedAt else {
                throw Rejection(.tooOld, "no iat, so its age cannot be under the max age of \(DurationText.describe(maxAge))")
            }
            if now - iat > maxAge + leeway {
                throw Rejection(.tooOld, "issued \(RFC3339.format(iat)), \(DurationText.describe(now - iat)) ago: older than the max age of \(DurationText.describe(maxAge))")
            }
        }
        if let expected = policy.issuer {
            guard let iss = claims.issuer else { throw Rejection(.wrongIssuer, "no iss; expected \"\(expected)\"") }
            if iss != expected {
                throw Rejection(.wrongIssuer, "iss \"\(printable(iss))\" is not \"\(expected)\"\(IssuerDifference.explain(iss, expected))")
            }
        }
        if !policy.audiences.isEmpty {
            let aud = claims.audience ?? []
            if !aud.contains(where: policy.audiences.contains) {
                let got = aud.isEmpty ? "no aud" : "aud " + aud.map { "\"\(printable($0))\"" }.joined(separator: ", ")
                throw Rejection(.wrongAudience, "\(got); expected \(policy.audiences.map { "\"\($0)\"" }.joined(separator: " or "))")
            }
        } else if let aud = claims.audience, !aud.isEmpty {
            state.warnings.append("audience not checked: the token has an aud but no --aud was given")
        }
        if policy.requireSubject && claims.subject == nil {
            switch claims.subjectValue {
            case nil: throw Rejection(.missingSubject, "no sub claim: the API needs a user ID")
            case .string?: throw Rejection(.missingSubject, "sub is empty or only whitespace")
            case let v?: throw Rejection(.missingSubject, "sub is \(v.typeName), not a string")
            }
        }
        if !policy.requiredScopes.isEmpty {
            let granted = claims.grantedScopes ?? []
            let missing = policy.requiredScopes.filter { !granted.contains($0) }
            if !missing.isEmpty {
                throw Rejection(.insufficientPermissions, "the token does not grant \(missing.map { "\"\($0)\"" }.joined(separator: ", "))")
            }
        }
    }

    private func disallowedDetail(_ alg: JWSAlgorithm, allowed: Set<JWSAlgorithm>) -> String {
        let list = allowed.sorted().map(\.rawValue).joined(separator: ", ")
        if alg.family == .hmac && !allowed.contains(where: { $0.family == .hmac }) {
            return "alg \(alg.rawValue) is refused: a public key is never used as an HMAC secret (allowed: \(list))"
        }
        return "alg \(alg.rawValue) is not allowed here (allowed: \(list.isEmpty ? "none" : list))"
    }

    private func noUsableKeyDetail() -> String {
        if keys.keys.isEmpty && keys.skipped.isEmpty { return "the key set is empty" }
        var reasons = keys.keys.compactMap(\.unusableReason)
        reasons += keys.skipped.map(\.reason)
        return "the key set has no usable key (\(reasons.prefix(3).joined(separator: "; ")))"
    }

    private func kidSuffix(_ keys: [VerificationKey]) -> String {
        guard keys.count == 1, let kid = keys[0].keyID else { return "" }
        return " (kid \"\(printable(kid))\")"
    }
}

/// Shortens and sanitises a value that came from a token before it goes into a message.
func printable(_ s: String, limit: Int = 60) -> String {
    var out = ""
    for u in s.unicodeScalars {
        if u.value < 0x20 || u.value == 0x7F { out.append("?") } else { out.unicodeScalars.append(u) }
        if out.count >= limit { return out + "…" }
    }
    return out
}

/// Names the usual near-misses between two issuer strings (SPEC: trailing slash, scheme, port).
enum IssuerDifference {
    static func explain(_ actual: String, _ expected: String) -> String {
        if actual + "/" == expected || expected + "/" == actual { return " (they differ only by a trailing slash)" }
        guard let a = URLParts(actual), let e = URLParts(expected) else { return "" }
        if a.scheme != e.scheme && a.host == e.host { return " (the scheme differs: \(a.scheme) vs \(e.scheme))" }
        if a.host == e.host && a.port != e.port { return " (the port differs: \(a.port ?? "none") vs \(e.port ?? "none"))" }
        if a.host == e.host && a.rest != e.rest { return " (the path differs)" }
        return ""
    }
}
