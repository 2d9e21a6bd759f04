import Foundation
import Testing
import ThrustJWT

/// Usage errors: one line on stderr, nothing on stdout, exit 2 (SPEC "Exit codes", "Output streams").
@Suite struct UsageTests {
    func expectUsage(_ args: [String], env: [String: String] = [:], mentions: String? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(args, env: env)
        #expect(r.status == 2, "\(args): exit \(r.status) \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stdout.isEmpty, "\(args): stdout \(r.stdout)", sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(args): stderr \(r.stderr)", sourceLocation: sourceLocation)
        if let mentions { #expect(r.stderr.contains(mentions), "\(r.stderr)", sourceLocation: sourceLocation) }
    }

    @Test func unknownCommandsAndFlags() throws {
        try expectUsage(["frobnicate"], mentions: "frobnicate")
        try expectUsage(["verify", "--jwsk", "x.json", "t"], mentions: "--jwks")
        try expectUsage(["decode", "--bogus"], mentions: "--bogus")
        try expectUsage(["verify", "--jwks"], mentions: "--jwks")
        try expectUsage(["verify", "--leeway", "soon", "--key", "/nonexistent", "t"])
    }

    @Test func keySources() throws {
        let ws = try Workspace()
        try expectUsage(["verify", "a.b.c"], mentions: "key source")
        try expectUsage(["verify", "--jwks", "/nonexistent/jwks.json", "a.b.c"], mentions: "/nonexistent/jwks.json")
        try expectUsage(["verify", "--key", "/nonexistent/key.pem", "a.b.c"], mentions: "/nonexistent/key.pem")
        try expectUsage(["verify", "--secret-file", "/nonexistent/secret", "a.b.c"], mentions: "/nonexistent/secret")
        let garbage = try ws.write("garbage.pem", "hello")
        try expectUsage(["verify", "--key", garbage, "a.b.c"], mentions: garbage)
        let notJWKS = try ws.write("not.json", #"{"kty":"RSA"}"#)
        try expectUsage(["verify", "--jwks", notJWKS, "a.b.c"], mentions: notJWKS)
        try expectUsage(["jwks", "/nonexistent/jwks.json"], mentions: "/nonexistent/jwks.json")
        let keys = try TestKeys(in: ws)
        try expectUsage(["verify", "--jwks", keys.jwksPath, "--key", keys.publicPEMPath, "a.b.c"])
        // Plain http to a non-loopback host without --allow-http.
        try expectUsage(["verify", "--jwks", "http://auth.example.com/jwks.json", "a.b.c"], mentions: "--allow-http")
        try expectUsage(["verify", "--oidc", "http://auth.example.com", "a.b.c"], mentions: "--allow-http")
    }

    @Test func secrets() throws {
        let ws = try Workspace()
        // Shorter than the hash: refused (RFC 7518 §3.2).
        try expectUsage(["verify", "--secret-env", "S", "a.b.c"], env: ["S": "short"], mentions: "32")
        try expectUsage(["verify", "--secret-env", "UNSET_SECRET_VAR", "a.b.c"], mentions: "UNSET_SECRET_VAR")
        let f = try ws.write("s.txt", "not base64!!\n")
        try expectUsage(["verify", "--secret-file", f, "--secret-encoding", "base64", "a.b.c"])
        try expectUsage(["verify", "--secret-env", "S", "--secret-encoding", "hex", "a.b.c"], env: ["S": String(repeating: "k", count: 32)])
    }

    @Test func tokenEnv() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        try expectUsage(["verify", "--jwks", keys.jwksPath, "--token-env", "THRUST_TEST_UNSET"], mentions: "THRUST_TEST_UNSET")
        try expectUsage(["decode", "--token-env", "EMPTY_TOKEN"], env: ["EMPTY_TOKEN": "  Bearer  "], mentions: "EMPTY_TOKEN")
        try expectUsage(["decode", "--token-file", "/nonexistent/token"], mentions: "/nonexistent/token")
        try expectUsage(["decode", "--token-env", "T", "also-positional"], env: ["T": "x"])
    }

    @Test func algFlags() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        try expectUsage(["verify", "--key", keys.publicPEMPath, "--alg", "ES256", "a.b.c"], mentions: "ES256")
        try expectUsage(["verify", "--jwks", keys.jwksPath, "--alg", "XS256", "a.b.c"], mentions: "XS256")
        try expectUsage(["mint", "--key", keys.publicPEMPath], mentions: "private")
        try expectUsage(["mint", "--secret-env", "S", "--alg", "none"], env: ["S": String(repeating: "k", count: 32)])
        try expectUsage(["mint", "--secret-env", "S", "--alg", "HS512"], env: ["S": String(repeating: "k", count: 32)], mentions: "64")
    }

    @Test func noStackTraceOnGarbage() throws {
        // Binary garbage, huge input and odd flags never crash: exit 0/1/2 with a line.
        let r = try CLI.run(["decode"], stdin: String(repeating: "\u{00}\u{01}.", count: 20000))
        #expect([1, 2].contains(r.status))
        #expect(!r.stderr.contains("Fatal error"))
    }
}
