import ThrustJWT
#if canImport(Glibc)
import Glibc
#endif

/// One fetched document and what HTTP said about its freshness.
public struct CachedDocument: Sendable, Hashable {
    public var url: String
    public var body: [UInt8]
    /// When the body was last confirmed (a 200, or a 304 revalidation).
    public var fetchedAt: Double
    /// Until when it may be used without asking again (Cache-Control max-age, clamped).
    public var freshUntil: Double
    /// The last fetch attempt, successful or not: the refetch cooldown counts from here.
    public var lastAttempt: Double
    public var etag: String?
    public var lastModified: String?
    public var cacheControl: String?
    /// Why the last attempt failed, when it did (kept across runs for the retry back-off).
    public var lastError: String?

    public init(url: String, body: [UInt8], fetchedAt: Double, freshUntil: Double, lastAttempt: Double,
                etag: String? = nil, lastModified: String? = nil, cacheControl: String? = nil, lastError: String? = nil) {
        self.url = url
        self.body = body
        self.fetchedAt = fetchedAt
        self.freshUntil = freshUntil
        self.lastAttempt = lastAttempt
        self.etag = etag
        self.lastModified = lastModified
        self.cacheControl = cacheControl
        self.lastError = lastError
    }
}

/// The CLI's disk cache of remote documents, so a CI job that runs `verify` a hundred times
/// fetches once. One file per URL (named by its SHA-256), written atomically (temp file +
/// rename); a file that does not parse is ignored, never fatal. It never holds a token.
public struct DiskCache: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// `$XDG_CACHE_HOME/thrust-jwt`, else `~/.cache/thrust-jwt`; nil when neither can be named.
    public static func defaultDirectory() -> String? {
        if let x = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), x.hasPrefix("/") { return x + "/thrust-jwt" }
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return home + "/.cache/thrust-jwt" }
        return nil
    }

    public func path(for url: String) -> String { directory + "/doc-" + Digest.sha256Hex(url) + ".json" }

    public func load(_ url: String) -> CachedDocument? {
        let fd = open(path(for: url), O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while bytes.count < 4 * 1024 * 1024 {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        guard case .object(let o)? = try? StrictJSON.parse(bytes),
              o["url"]?.stringValue == url,
              let body = o["body"]?.stringValue.flatMap(Base64URL.decode),
              let fetchedAt = o["fetched_at"]?.numberValue?.value,
              let freshUntil = o["fresh_until"]?.numberValue?.value,
              let lastAttempt = o["last_attempt"]?.numberValue?.value
        else { return nil }
        return CachedDocument(url: url, body: body, fetchedAt: fetchedAt, freshUntil: freshUntil, lastAttempt: lastAttempt,
                              etag: o["etag"]?.stringValue, lastModified: o["last_modified"]?.stringValue,
                              cacheControl: o["cache_control"]?.stringValue, lastError: o["last_error"]?.stringValue)
    }

    /// Best effort: a cache that cannot be written only costs a refetch next time.
    public func store(_ doc: CachedDocument) {
        guard makeDirectories(directory) else { return }
        var o = JSONObject()
        o.set("url", .string(doc.url))
        o.set("fetched_at", .number(JSONNumber(doc.fetchedAt.rounded(.down))))
        o.set("fresh_until", .number(JSONNumber(doc.freshUntil.rounded(.down))))
        o.set("last_attempt", .number(JSONNumber(doc.lastAttempt.rounded(.down))))
        if let e = doc.etag { o.set("etag", .string(e)) }
        if let l = doc.lastModified { o.set("last_modified", .string(l)) }
        if let c = doc.cacheControl { o.set("cache_control", .string(c)) }
        if let e = doc.lastError { o.set("last_error", .string(e)) }
        o.set("body", .string(Base64URL.encode(doc.body)))
        let bytes = JSONValue.object(o).serializedBytes
        let target = path(for: doc.url)
        let tmp = target + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { return }
        let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        if n != bytes.count || rename(tmp, target) != 0 { unlink(tmp) }
    }

    private func makeDirectories(_ path: String) -> Bool {
        var st = stat()
        if stat(path, &st) == 0 { return (st.st_mode & S_IFMT) == S_IFDIR }
        let parent = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if !parent.isEmpty && parent != path { _ = makeDirectories(parent) }
        return mkdir(path, 0o755) == 0 || errno == EEXIST
    }
}
