import Synchronization
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

    private let state: Mutex<CachedDocument?>
    /// Serialises fetches; its value counts completed fetch attempts.
    private let fetching = Mutex(0)

    public init(url: String, client: HTTPClient, policy: Policy = Policy(), cache: DiskCache? = nil,
                validate: @escaping @Sendable ([UInt8]) -> String? = { _ in nil }) {
        self.url = url
        self.client = client
        self.policy = policy
        self.cache = cache
        self.validate = validate
        state = Mutex(cache?.load(url).flatMap { validate($0.body) == nil ? $0 : nil })
    }

    /// The current copy, fetching or revalidating it when it is not fresh at `now`.
    /// - Throws: `HTTPError` when nothing usable can be had (no copy, or one too old to serve).
    public func snapshot(now: Double) throws(HTTPError) -> Snapshot {
        if let doc = state.withLock({ $0 }), now < doc.freshUntil { return Snapshot(document: doc, origin: .cache, error: nil) }
        return try refresh(now: now, force: false)
    }

    /// When the last fetch attempt was made (the refetch cooldown counts from it).
    public var lastAttempt: Double? { state.withLock { $0?.lastAttempt } }

    /// Fetches (conditionally, when a copy exists). With `force`, fetches even when fresh. When
    /// another thread fetched while this one waited, its result is used instead of a second fetch.
    public func refresh(now: Double, force: Bool) throws(HTTPError) -> Snapshot {
        let before = fetching.withLock { $0 }
        let result: Result<Snapshot, HTTPError> = fetching.withLock { count in
            if count != before, let doc = state.withLock({ $0 }), doc.lastAttempt >= now - 1 {
                return .success(Snapshot(document: doc, origin: .cache, error: nil))
            }
            defer { count += 1 }
            if !force, let doc = state.withLock({ $0 }), now < doc.freshUntil {
                return .success(Snapshot(document: doc, origin: .cache, error: nil))
            }
            return fetch(now: now)
        }
        return try result.get()
    }

    private func fetch(now: Double) -> Result<Snapshot, HTTPError> {
        let previous = state.withLock { $0 }
        var headers: [(name: String, value: String)] = [("Accept", "application/json")]
        if let etag = previous?.etag { headers.append(("If-None-Match", etag)) }
        if let lm = previous?.lastModified { headers.append(("If-Modified-Since", lm)) }
        do throws(HTTPError) {
            let response = try client.send(HTTPRequest(url: url, headers: headers))
            if response.status == 304, var doc = previous {
                doc.fetchedAt = now
                doc.lastAttempt = now
                doc.freshUntil = now + freshness(response.headers)
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
            guard var doc = previous else { return .failure(error) }
            doc.lastAttempt = now
            save(doc)
            guard now - doc.fetchedAt < policy.staleIfError else { return .failure(error) }
            return .success(Snapshot(document: doc, origin: .staleAfterError, error: error))
        }
    }

    private func save(_ doc: CachedDocument) {
        state.withLock { $0 = doc }
        cache?.store(doc)
    }

    /// Seconds of freshness from `Cache-Control` (`max-age`, less `Age`; `no-cache`/`no-store` → 0),
    /// clamped to the policy.
    func freshness(_ headers: HTTPHeaders) -> Double {
        var seconds = policy.defaultFreshness
        if let cc = headers["Cache-Control"]?.lowercased() {
            for directive in cc.split(separator: ",").map({ String($0).trimmingSpaces }) {
                if directive == "no-cache" || directive == "no-store" { seconds = 0 }
                if directive.hasPrefix("max-age="), let n = Double(directive.dropFirst(8)) { seconds = n }
            }
            if let age = headers["Age"].flatMap(Double.init) { seconds -= age }
        }
        return min(policy.maxFreshness, max(policy.minFreshness, seconds))
    }
}
