import ThrustJWT

/// The keys behind a JWKS URL, for a service to hold for its lifetime or for one CLI run.
///
/// Keys are parsed into OpenSSL key objects once per document version, never per token. A token
/// whose key is missing (an unknown kid, or a supported alg no cached key fits) triggers one
/// refetch, at most once per `cooldown` counted from the last fetch attempt; then the verdict is
/// `key_not_found`. A failed fetch serves the last good set while it is younger than 24 h
/// (`stale`). Safe to share between tasks and threads.
public final class RemoteKeySet: Sendable {
    public let document: RemoteDocument
    public let cooldown: Double
    private let parsed = Locked<(body: [UInt8], keys: KeySet)?>(nil)

    /// The outcome for one token: a verdict, or no verdict when no key set could be had.
    public struct Verification: Sendable {
        public let result: VerificationResult?
        /// Why there is no verdict (`key_unavailable`), as one line.
        public let unavailable: String?
        /// The key set served past its freshness after a failed refetch; nil when no key set
        /// was served at all.
        public let stale: Bool?
        public let warnings: [String]
        /// For a no-verdict: the token's header and claims as parsed.
        public let parsed: VerificationResult?
    }

    public init(url: String, client: HTTPClient, cooldown: Double = 30, policy: RemoteDocument.Policy = RemoteDocument.Policy(),
                cache: DiskCache? = nil) {
        document = RemoteDocument(url: url, client: client, policy: policy, cache: cache) { body in
            do throws(KeySet.FormatError) { _ = try KeySet(jwks: body); return nil } catch { return "the body at \(url) is not a valid JWKS: \(error.message)" }
        }
        self.cooldown = cooldown
    }

    public var url: String { document.url }

    /// The parsed key set of a snapshot, parsed once per distinct body.
    public func keys(of snapshot: RemoteDocument.Snapshot) -> KeySet {
        let body = snapshot.document.body
        if let cached = parsed.withLock({ $0 }), cached.body == body { return cached.keys }
        let keys = (try? KeySet(jwks: body, allowSecrets: false)) ?? KeySet(keys: [])
        parsed.withLock { $0 = (body, keys) }
        return keys
    }

    /// The current key set (fetching when not fresh).
    /// - Throws: `HTTPError` when no usable set can be had.
    public func current(now: Double = Clock.now()) throws(HTTPError) -> (keys: KeySet, snapshot: RemoteDocument.Snapshot) {
        let snap = try document.snapshot(now: now)
        return (keys(of: snap), snap)
    }

    /// Verifies `token` with this source's keys under `policy`; claims are judged at `now`, while
    /// cache freshness and the cooldown always follow the wall clock.
    public func verify(_ token: String, policy: VerificationPolicy, now claimsNow: Double = Clock.now()) -> Verification {
        let now = Clock.now()
        var warnings: [String] = []
        var snap: RemoteDocument.Snapshot
        do { snap = try document.snapshot(now: now) } catch {
            let early = TokenVerifier.judgeBeforeKeyLookup(token, policy: policy, now: claimsNow, remoteSource: true)
            if let rejected = early.rejection {
                return Verification(result: rejected, unavailable: nil, stale: nil, warnings: rejected.warnings, parsed: nil)
            }
            return Verification(result: nil, unavailable: "cannot fetch the JWKS at \(url): \(error)", stale: nil,
                                warnings: early.parsed.warnings, parsed: early.parsed)
        }
        var result = TokenVerifier(keys: keys(of: snap), policy: policy).verify(token, now: claimsNow)
        // Only a key_not_found or unsupported_alg verdict can be a key miss, so a valid token is
        // parsed once; a miss refetches and is judged again.
        let couldBeMiss = result.rejection.map { $0.reason == .keyNotFound || $0.reason == .unsupportedAlgorithm } ?? false
        if couldBeMiss, TokenVerifier(keys: keys(of: snap), policy: policy).isKeyMiss(token), now - (document.lastAttempt ?? 0) >= cooldown {
            do {
                // The cooldown is checked again under the fetch lock: of a burst of misses on many
                // threads, one fetches and the rest use its result.
                snap = try document.refresh(now: now, force: true, unlessAttemptedWithin: cooldown)
                result = TokenVerifier(keys: keys(of: snap), policy: policy).verify(token, now: claimsNow)
                if let error = snap.error, !snap.stale { warnings.append("refetch for an unknown key failed: \(error)") }
            } catch {
                warnings.append("refetch for an unknown key failed: \(error)")
            }
        }
        if let error = snap.error, snap.stale {
            let age = DurationText.describe(now - snap.document.fetchedAt)
            warnings.append("the JWKS could not be refreshed (\(error)); using the copy fetched \(age) ago")
        }
        return Verification(result: result, unavailable: nil, stale: snap.stale, warnings: warnings + result.warnings, parsed: nil)
    }
}

/// OpenID Connect Discovery 1.0: `ISSUER/.well-known/openid-configuration` gives `jwks_uri`, and its
/// `issuer` must equal ISSUER exactly (§4.3), or the document is refused.
public enum OIDCDiscovery {
    public static func configurationURL(for issuer: String) -> String {
        var base = issuer
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/.well-known/openid-configuration"
    }

    /// Fetches (or reuses a cached) discovery document and returns its `jwks_uri`.
    /// - Throws: `HTTPError` for transport failures, a non-200, a body that is not a discovery
    ///   document, a mismatched `issuer`, or a `jwks_uri` that policy refuses.
    public static func jwksURI(issuer: String, client: HTTPClient, cache: DiskCache?, now: Double = Clock.now()) throws(HTTPError) -> String {
        let url = configurationURL(for: issuer)
        let doc = RemoteDocument(url: url, client: client, cache: cache) { body in
            guard case .object(let o)? = try? StrictJSON.parse(body) else { return "the discovery document at \(url) is not a JSON object" }
            guard let iss = o["issuer"]?.stringValue else { return "the discovery document at \(url) has no issuer" }
            guard iss == issuer else {
                return "the discovery document's issuer \"\(iss)\" is not \"\(issuer)\" (OpenID Connect Discovery §4.3)"
            }
            guard o["jwks_uri"]?.stringValue != nil else { return "the discovery document at \(url) has no jwks_uri" }
            return nil
        }
        let snap = try doc.snapshot(now: now)
        guard case .object(let o)? = try? StrictJSON.parse(snap.document.body), let uri = o["jwks_uri"]?.stringValue else {
            throw .invalidBody("the discovery document at \(url) has no jwks_uri")
        }
        try URLPolicy.check(uri, allowHTTP: client.configuration.allowHTTP)
        return uri
    }
}
