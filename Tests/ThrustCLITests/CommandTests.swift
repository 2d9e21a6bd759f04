import Foundation
import Testing
import ThrustJWT

/// jwks, mint, keygen, help, completions and --version through the binary.
@Suite struct CommandTests {
    @Test func keygenMintVerifyEveryKeyType() throws {
        let ws = try Workspace()
        for (spec, alg) in [(["--kty", "RSA"], "RS256"), (["--kty", "EC", "--crv", "P-384"], "ES384"), (["--kty", "OKP"], "EdDSA")] {
            let dir = ws.path(alg)
            let k = try CLI.run(["keygen", "--json", "--out-dir", dir] + spec)
            #expect(k.status == 0, "\(k.stderr)")
            #expect(k.json["alg"] as? String == alg)
            for f in ["private.pem", "public.pem", "private.jwk.json", "jwks.json"] {
                #expect(FileManager.default.fileExists(atPath: dir + "/" + f))
            }
            let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/private.pem")
            #expect((attrs[.posixPermissions] as? Int) == 0o600)
            for key in [dir + "/private.pem", dir + "/private.jwk.json"] {
                let m = try CLI.run(["mint", "--key", key, "--sub", "u-1", "--iss", "https://i.example", "--aud", "api",
                                     "--claim", "n=5", "--claim", #"s="5""#, "--claim", "t=text"])
                #expect(m.status == 0, "\(m.stderr)")
                let token = m.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
                let v = try CLI.run(["verify", "--json", "--jwks", dir + "/jwks.json", "--aud", "api", token])
                #expect(v.status == 0, "\(v.stdout)")
                let c = v.json["claims"] as? [String: Any]
                #expect(c?["n"] as? Int == 5)
                #expect(c?["s"] as? String == "5")
                #expect(c?["t"] as? String == "text")
                let h = v.json["header"] as? [String: Any]
                #expect(h?["typ"] as? String == "JWT")
                #expect(h?["kid"] as? String == k.json["kid"] as? String)
            }
            // Refuses to overwrite.
            #expect(try CLI.run(["keygen", "--out-dir", dir] + spec).status == 2)
        }
        #expect(try CLI.run(["keygen", "--bits", "1024", "--out-dir", ws.path("weak")]).status == 2)
    }

    @Test func mintWithSecretAndVerify() throws {
        let ws = try Workspace()
        let secretFile = try ws.write("secret", String(repeating: "s", count: 64) + "\n")
        let m = try CLI.run(["mint", "--secret-file", secretFile, "--alg", "HS512", "--sub", "u", "--exp", "2h", "--now", testNowArg])
        #expect(m.status == 0)
        let token = m.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let header = try StrictJSON.parse(Base64URL.decode(String(token.split(separator: ".")[0]))!)
        #expect(header.objectValue?["kid"] == nil)
        let v = try CLI.run(["verify", "--json", "--secret-file", secretFile, "--now", testNowArg, token])
        #expect(v.status == 0)
        #expect(v.json["expires_in_seconds"] as? Int == 7200)
        #expect((v.json["key"] as? [String: Any])?["thumbprint"] is NSNull)
        // base64url-encoded secret.
        let raw = [UInt8](repeating: 7, count: 32)
        let enc = Base64URL.encode(raw)
        let m2 = try CLI.run(["mint", "--secret-env", "S", "--secret-encoding", "base64url", "--sub", "u"], env: ["S": enc])
        let v2 = try CLI.run(["verify", "--secret-env", "S", "--secret-encoding", "base64url", "--quiet", m2.stdout.trimmingCharacters(in: .newlines)], env: ["S": enc])
        #expect(v2.status == 0)
        #expect(v2.stdout.isEmpty)
    }

    @Test func jwksListingAndPrivateLeak() throws {
        let ws = try Workspace()
        let rsa = try AsymmetricKey.generateRSA(bits: 2048)
        let ec = try AsymmetricKey.generateEC(curve: "P-256")
        let pub = try JWKExport.publicJWK(rsa, keyID: "a", algorithm: .rs256)
        var offCurve = try JWKExport.publicJWK(ec, keyID: "b")
        offCurve.set("y", .string(Base64URL.encode([UInt8](repeating: 1, count: 32))))
        var enc = try JWKExport.publicJWK(ec, keyID: "a")
        enc.set("use", "enc")
        let jwks: JSONValue = ["keys": [.object(pub), .object(offCurve), .object(enc), ["kty": "XYZ", "kid": "z"], "notakey"]]
        let path = try ws.write("set.json", jwks.serialized)
        let r = try CLI.run(["jwks", "--json", path])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let keys = (r.json["keys"] as? [[String: Any]]) ?? []
        #expect(keys.count == 3)
        #expect(keys[0]["bits"] as? Int == 2048)
        #expect((keys[0]["thumbprint"] as? String)?.count == 43)
        #expect(((keys[1]["warnings"] as? [String]) ?? []).contains { $0.contains("curve") })
        #expect(((keys[2]["warnings"] as? [String]) ?? []).contains { $0.contains("enc") })
        #expect(((keys[0]["warnings"] as? [String]) ?? []).contains { $0.contains("duplicate") })
        let skipped = (r.json["skipped"] as? [[String: Any]]) ?? []
        #expect(skipped.map { $0["index"] as? Int } == [3, 4])
        #expect(skipped.first?["kid"] as? String == "z")
        let human = try CLI.run(["jwks", path])
        #expect(human.stdout.contains("RSA"))
        // A private member makes it exit 1.
        let priv = try JWKExport.privateJWK(rsa, keyID: "p")
        let leak = try ws.write("leak.json", (["keys": [.object(priv)]] as JSONValue).serialized)
        let l = try CLI.run(["jwks", "--json", leak])
        #expect(l.status == 1)
        #expect((((l.json["keys"] as? [[String: Any]])?.first?["warnings"] as? [String]) ?? []).contains { $0.contains("private") })
    }

    @Test func helpVersionCompletions() throws {
        let v = try CLI.run(["--version"])
        #expect(v.status == 0)
        #expect(v.stdout.hasPrefix("thrust-jwt "))
        let h = try CLI.run(["--help"])
        #expect(h.status == 0)
        for c in ["decode", "verify", "jwks", "mint", "keygen", "completions"] { #expect(h.stdout.contains(c)) }
        for cmd in ["decode", "verify", "jwks", "mint", "keygen"] {
            let ch = try CLI.run([cmd, "--help"])
            #expect(ch.status == 0)
            #expect(ch.stdout.contains("--json"))
            let hh = try CLI.run(["help", cmd])
            #expect(hh.stdout == ch.stdout)
        }
        #expect(try CLI.run(["sign", "--help"]).stdout.contains("mint"))
        for shell in ["bash", "zsh", "fish"] {
            let c = try CLI.run(["completions", shell])
            #expect(c.status == 0)
            #expect(c.stdout.contains(shell == "fish" ? "-l jwks" : "--jwks"))
        }
        #expect(try CLI.run(["completions", "powershell"]).status == 2)
    }
}
