import ThrustJWT

/// A remote document kept fresh the way HTTP says: `Cache-Control: max-age` (clamped between a
/// floor and a ceiling) decides how long it is reused, `ETag`/`If-None-Match` and
/// `Last-Modified`/`If-Modified-Since` revalidate it, and a failed fetch keeps serving the last good
/// copy while it is younger than `staleIfError` (said in `Snapshot.stale`).
///
/// Safe to share between threads: concurrent fetches collapse into one.
public final class RemoteDocument: Sendable {
    public struct Policy: Sendable, Hashable {
        /// Reuse at least this long, whatever the server says (so `no-cache` cannot make us hammer it).
        public var minFreshness: Double = 30
        /// Reuse at most this long, whatever the server says.
        public var maxFreshness: Double = 86_400
        /// When the server gives no max-age.
        public var defaultFreshness: Double = 600
        /// Serve the last good copy this long after it was fetched when a refetch fails.
        public var staleIfError: Double = 86_400
        /// After a failed fetch, wait this long before trying again (the failure, or the stale
        /// copy, is reused meanwhile), so a dead issuer costs one timeout, not one per token.
        public var retryAfterFailure: Double = 30

        public init() {}
    }

    /// How the current copy was obtained.
    public enum Origin: String, Sendable {
        case cache = "cache"
        case fetched = "fetched"
        case revalidated = "revalidated"
        case staleAfterError = "stale"
    }

    public struct Snapshot: Sendable {
        public let document: CachedDocument
        public let origin: Origin
        /// Served past its freshness because a refetch failed.
        public var stale: Bool { origin == .staleAfterError }
        /// The failure that made it stale.
        public let error: HTTPError?
    }

    public let url: String
    public let client: HTTPClient
    public let policy: Policy
    let cache: DiskCache?
    /// Checks a fetched body before it replaces the current one (a JWKS must parse).
    let validate: @Sendable ([UInt8]) -> String?

    private struct State {
        var document: CachedDocument?
        /// The last failed attempt, until a fetch succeeds.
        var failure: (at: Double, error: HTTPError)?
    }

    private let state: Locked<State>
    /// Serialises fetches; its value counts completed fetch attempts.
    private let fetching = Locked(0)

    public init(url: String, client: HTTPClient, policy: Policy = Policy(), cache: DiskCache? = nil,
                validate: @escaping @Sendable ([UInt8]) -> String? = { _ in nil }) {
        self.url = url
        self.client = client
        self.policy = policy
        self.cache = cache
        self.validate = validate
        state = Locked(State(document: cache?.load(url).flatMap { validate($0.body) == nil ? $0 : nil }, failure: nil))
    }

    /// The current copy, fetching or revalidating it when it is not fresh at `now`.
    /// - Throws: `HTTPError` when nothing usable can be had (no copy, or one too old to serve).
    public func snapshot(now: Double) throws(HTTPError) -> Snapshot {
        let current = state.withLock { $0 }
        if let doc = current.document, now < doc.freshUntil { return Snapshot(document: doc, origin: .cache, error: nil) }
        if let recent = recentFailure(current, now: now) { return try recent.get() }
        return try refresh(now: now, force: false)
    }

    /// When the last fetch attempt was made, failed or not (the refetch cooldown counts from it).
    public var lastAttempt: Double? {
        state.withLock { s in [s.document?.lastAttempt, s.failure?.at].compactMap { $0 }.max() }
    }

    /// Within `retryAfterFailure` of a failed fetch: the stale copy, or the failure again. A
    /// failure recorded in the disk cache by an earlier run counts too.
    private func recentFailure(_ s: State, now: Double) -> Result<Snapshot, HTTPError>? {
        if let failure = s.failure, now - failure.at < policy.retryAfterFailure {
            return served(afterFailure: failure.error, s.document, now: now)
        }
        if let doc = s.document, let message = doc.lastError, now - doc.lastAttempt < policy.retryAfterFailure {
            return served(afterFailure: .previousFailure(message, secondsAgo: now - doc.lastAttempt), doc, now: now)
        }
        return nil
    }

    /// After a failed fetch: the copy if it may still serve (stale only once past its
    /// freshness), or the failure.
    private func served(afterFailure error: HTTPError, _ doc: CachedDocument?, now: Double) -> Result<Snapshot, HTTPError> {
        guard let doc, now - doc.fetchedAt < policy.staleIfError else { return .failure(error) }
        return .success(Snapshot(document: doc, origin: now < doc.freshUntil ? .cache : .staleAfterError, error: error))
    }

    /// Fetches (conditionally, when a copy exists). With `force`, fetches even when fresh. When
    /// another thread fetched while this one waited, its outcome is used instead of a second
    /// fetch; with `unlessAttemptedWithin`, so is any attempt that recent (the refetch cooldown).
    public func refresh(now: Double, force: Bool, unlessAttemptedWithin interval: Double = 0) throws(HTTPError) -> Snapshot {
        let before = fetching.withLock { $0 }
        let result: Result<Snapshot, HTTPError> = fetching.withLock { count in
            let current = state.withLock { $0 }
            // A failure recorded while this thread waited (or just before) is reused, not retried.
            if let recent = recentFailure(current, now: now) { return recent }
            if let doc = current.document, count != before && doc.lastAttempt >= now - 1 || now - doc.lastAttempt < interval {
                return .success(Snapshot(document: doc, origin: now < doc.freshUntil ? .cache : .staleAfterError, error: nil))
            }
            defer { count += 1 }
            if !force, let doc = current.document, now < doc.freshUntil {
                return .success(Snapshot(document: doc, origin: .cache, error: nil))
            }
            return fetch(now: now)
        }
        return try result.get()
    }

    private func fetch(now: Double) -> Result<Snapshot, HTTPError> {
        let previous = state.withLock { $0.document }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let etag = previous?.etag { headers.append(("If-None-Match", etag)) }
        if let lm = previous?.lastModified { headers.append(("If-Modified-Since", lm)) }
        do throws(HTTPError) {
            let response = try client.send(HTTPRequest(url: url, headers: headers))
            if response.status == 304, var doc = previous {
                doc.fetchedAt = now
                doc.lastError = nil
                doc.lastAttempt = now
                // RFC 9111 §4.3.4: the 304's headers update the stored ones; without its own
                // Cache-Control, the stored policy still holds.
                doc.freshUntil = now + freshness(response.headers, stored: doc.cacheControl)
                doc.etag = response.headers["ETag"] ?? doc.etag
                doc.lastModified = response.headers["Last-Modified"] ?? doc.lastModified
                doc.cacheControl = response.headers["Cache-Control"] ?? doc.cacheControl
                save(doc)
                return .success(Snapshot(document: doc, origin: .revalidated, error: nil))
            }
            guard response.status == 200 else { throw HTTPError.status(response.status, url: url) }
            if let problem = validate(response.body) { throw HTTPError.invalidBody(problem) }
            let doc = CachedDocument(url: url, body: response.body, fetchedAt: now, freshUntil: now + freshness(response.headers),
                                     lastAttempt: now, etag: response.headers["ETag"], lastModified: response.headers["Last-Modified"],
                                     cacheControl: response.headers["Cache-Control"])
            save(doc)
            return .success(Snapshot(document: doc, origin: .fetched, error: nil))
        } catch {
            state.withLock { $0.failure = (now, error) }
            guard var doc = previous else { return .failure(error) }
            doc.lastAttempt = now
            doc.lastError = "\(error)"
            save(doc, clearingFailure: false)
            return served(afterFailure: error, doc, now: now)
        }
    }

    private func save(_ doc: CachedDocument, clearingFailure: Bool = true) {
        state.withLock { s in
            s.document = doc
            if clearingFailure { s.failure = nil }
        }
        cache?.store(doc)
    }

    /// Seconds of freshness from `Cache-Control` (`max-age`, less `Age`; `no-cache`/`no-store` → 0),
    /// clamped to the policy.
    func freshness(_ headers: HTTPHeaders, stored: String? = nil) -> Double {
        var seconds = policy.defaultFreshness
        if let cc = (headers["Cache-Control"] ?? stored)?.lowercased() {
            for directive in cc.split(separator: ",").map({ String($0).trimmingSpaces }) {
                if directive == "no-cache" || directive == "no-store" { seconds = 0 }
                if directive.hasPrefix("max-age="), let n = Double(directive.dropFirst(8)) { seconds = n }
            }
            if let age = headers["Age"].flatMap(Double.init) { seconds -= age }
        }
        return min(policy.maxFreshness, max(policy.minFreshness, seconds))
    }
}
