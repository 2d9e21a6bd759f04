import Foundation
import Synchronization
import Testing
import ThrustHTTP
import ThrustJWT
import ThrustServer

/// Regressions for a code review of the HTTP layer, each against a real loopback server.
@Suite struct ReviewRegressionTests {
    let client = HTTPClient(configuration: .init(timeout: 5))

    final class Seen: Sendable {
        let authorization = Mutex<[String?]>([])
    }

    @Test func credentialsNeverFollowARedirectToAnotherOrigin() throws {
        let seen = Seen()
        let other = try HTTPServer { req in
            seen.authorization.withLock { $0.append(req.header("Authorization")) }
            return .json(200, "{}")
        }
        defer { other.stop() }
        let target = other.baseURL + "/landing"
        let first = try HTTPServer { req in
            if req.path == "/away" { return .init(status: 307, headers: [("Location", target)]) }
            if req.path == "/here" { return .init(status: 302, headers: [("Location", "/same")]) }
            seen.authorization.withLock { $0.append(req.header("Authorization")) }
            return .json(200, "{}")
        }
        defer { first.stop() }
        let auth: [(name: String, value: String)] = [("Authorization", "Bearer secret-key")]
        #expect(try client.send(HTTPRequest(url: first.baseURL + "/away", headers: auth)).status == 200)
        #expect(try client.send(HTTPRequest(url: first.baseURL + "/here", headers: auth)).status == 200)
        // The other origin saw no credential; the same origin kept it.
        #expect(seen.authorization.withLock { $0 } == [nil, "Bearer secret-key"])
    }

    @Test func headersCannotSmuggleLines() throws {
        let server = try HTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        do {
            _ = try client.send(HTTPRequest(url: server.baseURL, headers: [("Authorization", "Bearer a\r\nX-Injected: yes")]))
            Issue.record("a header with CR/LF was sent")
        } catch {
            #expect(error.kind == "invalid_request")
        }
    }

    @Test func aFailingSourceIsNotRefetchedPerToken() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(status: 500, body: Array("down".utf8)))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client)
        for _ in 0..<20 {
            #expect(remote.verify(try a.token(), policy: VerificationPolicy()).unavailable != nil)
        }
        #expect(server.count("/jwks.json") == 1)
    }

    @Test func everyTokenServedFromAStaleCopySaysSo() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=0")], body: try SigningKey.jwks([a])))
        var policy = RemoteDocument.Policy()
        policy.minFreshness = 0
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, policy: policy)
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).stale == false)
        server.update("/jwks.json") { $0.status = 500 }
        let token = try a.token()
        let stale = Atomic<Int>(0)
        let threads = (0..<4).map { _ in
            Thread {
                for _ in 0..<5 where remote.verify(token, policy: VerificationPolicy()).stale == true { stale.add(1, ordering: .relaxed) }
            }
        }
        threads.forEach { $0.start() }
        let deadline = Date().addingTimeInterval(10)
        while threads.contains(where: { !$0.isFinished }) && Date() < deadline { usleep(10_000) }
        #expect(stale.load(ordering: .relaxed) == 20)
        #expect(server.count("/jwks.json") == 2)
    }

    @Test func aBare304KeepsTheStoredCachePolicy() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=0")], body: try SigningKey.jwks([a]), etag: "\"v1\""))
        var policy = RemoteDocument.Policy()
        policy.minFreshness = 0
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, policy: policy)
        for _ in 0..<3 { #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true) }
        // Each call revalidated: the 304 (which repeats only the ETag) did not grant 10 minutes.
        #expect(server.count("/jwks.json") == 3)
        #expect(server.notModifiedCount == 2)
    }

    @Test func oversizedUploadsGetAnAnswer() throws {
        let server = try HTTPServer { _ in .json(200, "{}") }
        defer { server.stop() }
        let r = try client.send(HTTPRequest(method: "POST", url: server.baseURL + "/x", body: [UInt8](repeating: 0x41, count: 2 * 1024 * 1024)))
        #expect(r.status == 413)
    }

    @Test func proxiesNeverApplyToAnyLoopbackAddress() throws {
        let server = try HTTPServer(host: "127.0.0.2") { _ in .json(200, #"{"keys":[]}"#) }
        defer { server.stop() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("thrust-jwt")
        p.arguments = ["jwks", "--no-cache", "--json", server.baseURL + "/jwks.json"]
        var env = ProcessInfo.processInfo.environment
        env["http_proxy"] = "http://127.0.0.1:1"
        env["HTTP_PROXY"] = "http://127.0.0.1:1"
        env.removeValue(forKey: "no_proxy")
        env.removeValue(forKey: "NO_PROXY")
        p.environment = env
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
    }
}

/// Regressions for the second SPEC audit (cache windows across threads and runs).
@Suite struct SecondAuditTests {
    let client = HTTPClient(configuration: .init(timeout: 5))

    @Test func aBurstOfUnknownKidsOnManyThreadsFetchesOnce() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a"), ghost = try SigningKey(kid: "ghost")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=3600")], body: try SigningKey.jwks([a]), delay: 0.05))
        let cache = DiskCache(directory: tempDirectory())
        // An earlier run left a fresh copy whose last fetch is 40 s old: past the cooldown.
        _ = RemoteKeySet(url: server.url("/jwks.json"), client: client, cache: cache).verify(try a.token(), policy: VerificationPolicy())
        var doc = try #require(cache.load(server.url("/jwks.json")))
        doc.lastAttempt -= 40
        doc.fetchedAt -= 40
        cache.store(doc)
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, cache: cache)
        let token = try ghost.token()
        let done = Atomic<Int>(0)
        let threads = (0..<6).map { _ in
            Thread {
                _ = remote.verify(token, policy: VerificationPolicy())
                done.add(1, ordering: .relaxed)
            }
        }
        threads.forEach { $0.start() }
        let deadline = Date().addingTimeInterval(10)
        while done.load(ordering: .relaxed) < 6 && Date() < deadline { usleep(10_000) }
        #expect(server.count("/jwks.json") == 2)   // the first run's fetch + one refetch
    }

    @Test func aDeadIssuerIsNotRetriedByTheNextRunWithinTheBackOff() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=0")], body: try SigningKey.jwks([a])))
        var policy = RemoteDocument.Policy()
        policy.minFreshness = 0
        let cache = DiskCache(directory: tempDirectory())
        #expect(RemoteKeySet(url: server.url("/jwks.json"), client: client, policy: policy, cache: cache)
            .verify(try a.token(), policy: VerificationPolicy()).stale == false)
        server.update("/jwks.json") { $0.status = 503 }
        for _ in 0..<3 {   // three "runs", each a fresh RemoteKeySet over the same disk cache
            let v = RemoteKeySet(url: server.url("/jwks.json"), client: client, policy: policy, cache: cache)
                .verify(try a.token(), policy: VerificationPolicy())
            #expect(v.result?.isValid == true)
            #expect(v.stale == true)
        }
        #expect(server.count("/jwks.json") == 2)
    }

    @Test func aFailedRefetchWithinFreshnessIsNotStale() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a"), ghost = try SigningKey(kid: "ghost")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=600")], body: try SigningKey.jwks([a])))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, cooldown: 0)
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true)
        server.update("/jwks.json") { $0.status = 503 }
        let v = remote.verify(try ghost.token(), policy: VerificationPolicy())
        #expect(v.result?.rejection?.reason == .keyNotFound)
        #expect(v.stale == false)
        #expect(v.warnings.contains { $0.contains("refetch") })
    }
}
