import Foundation
import Synchronization
import Testing
import ThrustJWT
import ThrustServer

/// `verify --jwks URL`, `--oidc`, `jwks URL` and their failure paths, against a real server on
/// 127.0.0.1 (ephemeral port) started by the test.
@Suite struct NetworkCLITests {
    /// What the server answers; shared with its handler.
    final class State: Sendable {
        let jwks: Mutex<(status: Int, body: String, delay: Double, location: String?)>
        let hits = Mutex(0)
        let discovery = Mutex<String?>(nil)
        init(jwks: String) { self.jwks = Mutex((200, jwks, 0, nil)) }
    }

    final class Server: Sendable {
        let state: State
        let http: HTTPServer

        init(jwks: String) throws {
            let state = State(jwks: jwks)
            self.state = state
            http = try HTTPServer { req in
                if req.path == "/.well-known/openid-configuration", let doc = state.discovery.withLock({ $0 }) {
                    return .json(200, doc)
                }
                guard req.path == "/jwks.json" else { return .json(404, #"{"error":"not found"}"#) }
                state.hits.withLock { $0 += 1 }
                let s = state.jwks.withLock { $0 }
                if s.delay > 0 { usleep(UInt32(s.delay * 1_000_000)) }
                if let loc = s.location { return .init(status: 302, headers: [("Location", loc)]) }
                return .json(s.status, s.body, headers: [("Cache-Control", "max-age=300")])
            }
        }

        var count: Int { state.hits.withLock { $0 } }
        var url: String { http.baseURL + "/jwks.json" }
    }

    func setup() throws -> (Workspace, TestKeys, Server) {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let server = try Server(jwks: try String(contentsOfFile: keys.jwksPath, encoding: .utf8))
        return (ws, keys, server)
    }

    @Test func verifiesAgainstARemoteJWKSAndCachesOnDisk() throws {
        let (ws, keys, server) = try setup()
        let token = try keys.token(claims())
        for _ in 0..<3 {
            let r = try CLI.run(["verify", "--json", "--jwks", server.url, "--cache-dir", ws.path("cache"), "--now", testNowArg, token])
            #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
            #expect(r.json["stale"] as? Bool == false)
        }
        #expect(server.count == 1)
        // --no-cache fetches every time.
        _ = try CLI.run(["verify", "--quiet", "--jwks", server.url, "--no-cache", "--now", testNowArg, token])
        #expect(server.count == 2)
    }

    @Test func slowServerIsExitThreeWithinTheTimeout() throws {
        let (_, keys, server) = try setup()
        server.state.jwks.withLock { $0.delay = 5 }
        let start = Date()
        let r = try CLI.run(["verify", "--json", "--jwks", server.url, "--no-cache", "--timeout", "1s", try keys.token(claims())])
        #expect(Date().timeIntervalSince(start) < 2.0)   // within the timeout + 1 s
        #expect(r.status == 3)
        #expect(r.json["reason"] as? String == "key_unavailable")
        #expect(r.json["valid"] as? Bool == false)
        #expect(r.json["api_error"] is NSNull)
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(r.stderr.contains("timed out"))
    }

    @Test func serverErrorsAndBadBodiesAreExitThree() throws {
        let (_, keys, server) = try setup()
        let token = try keys.token(claims())
        for (status, body, needle) in [(500, "oops", "500"), (200, "{not json", "JWKS"), (200, #"{"nokeys":1}"#, "JWKS")] {
            server.state.jwks.withLock { $0.status = status; $0.body = body }
            let r = try CLI.run(["verify", "--jwks", server.url, "--no-cache", token])
            #expect(r.status == 3)
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains(needle), "\(r.stderr)")
            #expect(!r.stderr.contains(token))
        }
    }

    @Test func redirectToPlainHTTPIsRefusedAtRunTime() throws {
        let (_, keys, server) = try setup()
        server.state.jwks.withLock { $0.location = "http://keys.example.invalid/jwks.json" }
        let r = try CLI.run(["verify", "--jwks", server.url, "--no-cache", try keys.token(claims())])
        #expect(r.status == 3)
        #expect(r.stderr.contains("redirect refused"))
    }

    @Test func oidcDiscoverySetsTheIssuer() throws {
        let (ws, keys, server) = try setup()
        let issuer = server.http.baseURL
        server.state.discovery.withLock { $0 = #"{"issuer":"\#(issuer)","jwks_uri":"\#(server.url)"}"# }
        let good = try keys.token(claims(iss: issuer))
        let r = try CLI.run(["verify", "--json", "--oidc", issuer, "--cache-dir", ws.path("c"), "--now", testNowArg, good])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let other = try keys.token(claims(iss: "https://someone-else.example"))
        let w = try CLI.run(["verify", "--json", "--oidc", issuer, "--cache-dir", ws.path("c"), "--now", testNowArg, other])
        #expect(w.json["reason"] as? String == "wrong_issuer")
        // --iss overrides the discovered issuer.
        let o = try CLI.run(["verify", "--quiet", "--oidc", issuer, "--iss", "https://someone-else.example", "--no-cache", "--now", testNowArg, other])
        #expect(o.status == 0)
        // A discovery document for another issuer is refused: no verdict.
        server.state.discovery.withLock { $0 = #"{"issuer":"https://evil.example","jwks_uri":"\#(server.url)"}"# }
        let bad = try CLI.run(["verify", "--oidc", issuer, "--no-cache", good])
        #expect(bad.status == 3)
        #expect(bad.stderr.contains("evil.example"))
    }

    @Test func jwksURLShowsCacheState() throws {
        let (ws, _, server) = try setup()
        let r = try CLI.run(["jwks", "--json", "--cache-dir", ws.path("c"), server.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.json["cache"] as? [String: Any])?["state"] as? String == "fetched")
        #expect((r.json["http"] as? [String: Any])?["cache_control"] as? String == "max-age=300")
        #expect((r.json["keys"] as? [[String: Any]])?.count == 1)
        let again = try CLI.run(["jwks", "--cache-dir", ws.path("c"), server.url])
        #expect(again.stdout.contains("from the disk cache"))
        #expect(server.count == 1)
        server.state.jwks.withLock { $0.status = 503 }
        let down = try CLI.run(["jwks", "--no-cache", server.url])
        #expect(down.status == 3)
    }

    @Test func batchSharesOneFetch() throws {
        let (ws, keys, server) = try setup()
        let token = try keys.token(claims())
        let r = try CLI.run(["verify", "--batch", "--jobs", "2", "--jwks", server.url, "--cache-dir", ws.path("c"), "--now", testNowArg],
                            stdin: Array(repeating: token, count: 200).joined(separator: "\n"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.jsonLines.count == 200)
        #expect(server.count == 1)
    }
}
