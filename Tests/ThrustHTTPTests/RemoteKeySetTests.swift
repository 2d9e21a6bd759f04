import Foundation
import Synchronization
import Testing
import ThrustHTTP
import ThrustJWT

/// Remote JWKS against a real HTTP server on 127.0.0.1 (ephemeral port) that counts requests.
@Suite struct RemoteKeySetTests {
    let client = HTTPClient(configuration: .init(timeout: 5))

    func policy(minFreshness: Double = 30) -> RemoteDocument.Policy {
        var p = RemoteDocument.Policy()
        p.minFreshness = minFreshness
        return p
    }

    @Test func fetchesOnceAndVerifies() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=300")], body: try SigningKey.jwks([a])))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client)
        for _ in 0..<5 {
            let v = remote.verify(try a.token(), policy: VerificationPolicy())
            #expect(v.result?.isValid == true, "\(v.unavailable ?? "") \(v.result?.rejection?.description ?? "")")
            #expect(v.stale == false)
        }
        #expect(server.count("/jwks.json") == 1)
    }

    @Test func maxAgeIsReusedAcrossRunsThroughTheDiskCache() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "public, max-age=600")], body: try SigningKey.jwks([a])))
        let cache = DiskCache(directory: tempDirectory())
        for _ in 0..<3 {   // three "processes", each with a fresh RemoteKeySet
            let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, cache: cache)
            #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true)
        }
        #expect(server.count("/jwks.json") == 1)
        // A corrupt cache file is ignored, not fatal.
        try "garbage{".write(toFile: cache.path(for: server.url("/jwks.json")), atomically: true, encoding: .utf8)
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, cache: cache)
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true)
        #expect(server.count("/jwks.json") == 2)
    }

    @Test func revalidatesWithETag() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=0")], body: try SigningKey.jwks([a]), etag: "\"v1\""))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, policy: policy(minFreshness: 0))
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true)
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true)
        #expect(server.count("/jwks.json") == 2)
        #expect(server.notModifiedCount == 1)
        let (_, snap) = try remote.current()
        #expect(snap.document.etag == "\"v1\"")
    }

    @Test func rotationRefetchesOnceForAnUnknownKid() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a"), b = try SigningKey(kid: "b")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=3600")], body: try SigningKey.jwks([a])))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, cooldown: 0)
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).result?.isValid == true)
        // The issuer rotates: b is published, tokens signed by b arrive.
        server.update("/jwks.json") { $0.body = try! SigningKey.jwks([a, b]) }
        let v = remote.verify(try b.token(), policy: VerificationPolicy())
        #expect(v.result?.isValid == true, "\(v.result?.rejection?.description ?? v.unavailable ?? "")")
        #expect(server.count("/jwks.json") == 2)
    }

    @Test func cooldownLimitsRefetches() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a"), ghost = try SigningKey(kid: "ghost")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=3600")], body: try SigningKey.jwks([a])))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, cooldown: 30)
        for _ in 0..<20 {
            let v = remote.verify(try ghost.token(), policy: VerificationPolicy())
            #expect(v.result?.rejection?.reason == .keyNotFound)
        }
        #expect(server.count("/jwks.json") <= 2)
    }

    @Test func concurrentMissesCauseOneFetch() async throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=3600")], body: try SigningKey.jwks([a]), delay: 0.2))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client)
        let token = try a.token()
        let valid = Atomic<Int>(0)
        let threads = (0..<8).map { _ in
            Thread {
                if remote.verify(token, policy: VerificationPolicy()).result?.isValid == true { valid.add(1, ordering: .relaxed) }
            }
        }
        threads.forEach { $0.start() }
        while valid.load(ordering: .relaxed) < 8 && server.count("/jwks.json") < 9 { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(100))
        #expect(valid.load(ordering: .relaxed) == 8)
        #expect(server.count("/jwks.json") == 1)
    }

    @Test func staleIfErrorServesTheLastGoodSet() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/jwks.json", .init(headers: [("Cache-Control", "max-age=0")], body: try SigningKey.jwks([a])))
        let remote = RemoteKeySet(url: server.url("/jwks.json"), client: client, policy: policy(minFreshness: 0))
        #expect(remote.verify(try a.token(), policy: VerificationPolicy()).stale == false)
        server.update("/jwks.json") { $0.status = 500; $0.body = Array("oops".utf8) }
        let v = remote.verify(try a.token(), policy: VerificationPolicy())
        #expect(v.result?.isValid == true)
        #expect(v.stale == true)
        #expect(v.warnings.contains { $0.contains("500") })
    }

    @Test func aPublishedSecretIsNeverUsed() throws {
        let server = try TestServer()
        let secret = [UInt8](repeating: 7, count: 32)
        let jwks = #"{"keys":[{"kty":"oct","kid":"s","k":"\#(Base64URL.encode(secret))"}]}"#
        server.set("/jwks.json", .init(body: Array(jwks.utf8)))
        var claims = JSONObject()
        claims.set("sub", "u")
        let token = try TokenSigner.sign(claims: claims, algorithm: .hs256, key: .secret(HMACSecret(secret)), keyID: "s")
        let v = RemoteKeySet(url: server.url("/jwks.json"), client: client).verify(token, policy: VerificationPolicy())
        #expect(v.result?.isValid == false)
        #expect(v.result?.rejection?.reason == .keyNotFound)
        // The same set from a local file is the user's own secret, and is used.
        let local = TokenVerifier(keys: try KeySet(jwks: Array(jwks.utf8))).verify(token)
        #expect(local.isValid)
    }

    @Test func failuresWithoutACopyAreUnavailable() throws {
        let server = try TestServer(), a = try SigningKey(kid: "a")
        server.set("/500", .init(status: 500, body: Array("down".utf8)))
        server.set("/bad", .init(body: Array("{not json".utf8)))
        server.set("/notjwks", .init(body: Array(#"{"keys":"nope"}"#.utf8)))
        server.set("/big", .init(body: [UInt8](repeating: 0x20, count: 2 * 1024 * 1024)))
        for (path, needle) in [("/500", "500"), ("/bad", "JWKS"), ("/notjwks", "JWKS"), ("/big", "cap"), ("/missing", "404")] {
            let v = RemoteKeySet(url: server.url(path), client: client).verify(try a.token(), policy: VerificationPolicy())
            #expect(v.result == nil)
            #expect(v.unavailable?.contains(needle) == true, "\(path): \(v.unavailable ?? "")")
        }
    }
}

@Suite struct HTTPClientTests {
    @Test func timeoutIsATypedErrorWithinTheLimit() throws {
        let server = try TestServer()
        server.set("/slow", .init(body: Array("{}".utf8), delay: 3))
        let client = HTTPClient(configuration: .init(timeout: 0.5))
        let start = Date()
        #expect(throws: HTTPError.timeout(seconds: 0.5)) { try client.send(HTTPRequest(url: server.url("/slow"))) }
        #expect(Date().timeIntervalSince(start) < 1.5)
    }

    @Test func bodyCapAndStatus() throws {
        let server = try TestServer()
        server.set("/big", .init(body: [UInt8](repeating: 0x41, count: 200_000)))
        server.set("/teapot", .init(status: 418, headers: [("X-Thing", "yes")], body: Array("short and stout".utf8)))
        let client = HTTPClient(configuration: .init(timeout: 5, maxBodyBytes: 100_000))
        #expect(throws: HTTPError.tooLarge(limit: 100_000)) { try client.send(HTTPRequest(url: server.url("/big"))) }
        let r = try client.send(HTTPRequest(method: "POST", url: server.url("/teapot"), headers: [("Content-Type", "application/json")], body: Array("{}".utf8)))
        #expect(r.status == 418)
        #expect(r.headers["x-thing"] == "yes")
        #expect(String(decoding: r.body, as: UTF8.self) == "short and stout")
        #expect(r.timings.total > 0)
    }

    @Test func redirectsAreJudged() throws {
        let server = try TestServer()
        server.set("/ok", .init(body: Array("fine".utf8)))
        server.set("/hop", .init(status: 302, headers: [("Location", "/ok")]))
        server.set("/to-plain", .init(status: 302, headers: [("Location", "http://jwks.example.invalid/jwks.json")]))
        server.set("/loop", .init(status: 302, headers: [("Location", "/loop")]))
        let client = HTTPClient(configuration: .init(timeout: 5))
        let r = try client.send(HTTPRequest(url: server.url("/hop")))
        #expect(r.status == 200)
        #expect(r.redirectChain.count == 2)
        // Refused before any connection: the name does not even resolve here.
        do {
            _ = try client.send(HTTPRequest(url: server.url("/to-plain")))
            Issue.record("redirect to plain http off loopback was followed")
        } catch {
            #expect(error.kind == "redirect_refused")
        }
        do {
            _ = try client.send(HTTPRequest(url: server.url("/loop")))
            Issue.record("redirect loop was followed")
        } catch {
            #expect(error.kind == "redirect_refused")
        }
        #expect(server.count("/loop") == 6)
    }

    @Test func plainHTTPOffLoopbackIsRefusedUpFront() {
        let client = HTTPClient(configuration: .init(timeout: 1))
        #expect(throws: HTTPError.self) { try client.send(HTTPRequest(url: "http://example.invalid/")) }
        #expect(throws: HTTPError.self) { try client.send(HTTPRequest(url: "ftp://127.0.0.1/")) }
    }

    @Test func connectionRefusedIsConnect() throws {
        let server = try TestServer()
        let url = server.url("/x")
        server.stop()
        do {
            _ = try HTTPClient(configuration: .init(timeout: 2)).send(HTTPRequest(url: url))
            Issue.record("a stopped server answered")
        } catch {
            #expect(error.kind == "connect")
        }
    }

    @Test func manyRequestsInFlightAtOnce() async throws {
        let server = try TestServer()
        server.set("/slow", .init(body: Array("ok".utf8), delay: 1.5))
        let client = HTTPClient(configuration: .init(timeout: 20))
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await client.send(HTTPRequest(url: server.url("/slow"))).status } }
            for try await status in group { #expect(status == 200) }
        }
        // All eight were being served at once (timing-free, so it holds on a loaded machine).
        #expect(server.maxInFlight == 8)
    }
}

@Suite struct DiscoveryTests {
    @Test func discoveryFindsJWKSAndChecksTheIssuer() throws {
        let server = try TestServer()
        let issuer = server.base
        server.set("/.well-known/openid-configuration",
                   .init(body: Array(#"{"issuer":"\#(issuer)","jwks_uri":"\#(issuer)/jwks.json"}"#.utf8)))
        let client = HTTPClient(configuration: .init(timeout: 5))
        #expect(try OIDCDiscovery.jwksURI(issuer: issuer, client: client, cache: nil) == issuer + "/jwks.json")
        // A trailing slash on the given issuer makes it a different issuer: refused.
        #expect(throws: HTTPError.self) { try OIDCDiscovery.jwksURI(issuer: issuer + "/", client: client, cache: nil) }
        server.set("/.well-known/openid-configuration",
                   .init(body: Array(#"{"issuer":"https://evil.example","jwks_uri":"\#(issuer)/jwks.json"}"#.utf8)))
        do {
            _ = try OIDCDiscovery.jwksURI(issuer: issuer, client: client, cache: nil)
            Issue.record("a mismatched issuer was accepted")
        } catch {
            #expect(error.description.contains("evil.example"))
        }
    }
}
