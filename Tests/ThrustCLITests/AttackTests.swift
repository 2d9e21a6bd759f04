import Foundation
import Testing
import ThrustJWT

/// The RFC 8725 attacks, each through the built binary.
@Suite struct AttackTests {
    func verifyJSON(_ args: [String], _ token: String) throws -> CLI.Result {
        try CLI.run(["verify", "--now", testNowArg, "--json"] + args + [token])
    }

    func reason(_ r: CLI.Result) -> String? { r.json["reason"] as? String }

    @Test(arguments: ["none", "None", "NONE", "nOnE"])
    func algNoneInEverySpelling(_ spelling: String) throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let header = Base64URL.encode(Array(#"{"alg":"\#(spelling)","kid":"test-key-1"}"#.utf8))
        let payload = Base64URL.encode(JSONValue.object(claims()).serializedBytes)
        for token in ["\(header).\(payload).", "\(header).\(payload).c2ln"] {
            let r = try verifyJSON(["--jwks", keys.jwksPath], token)
            #expect(r.status == 1)
            #expect(reason(r) == "unsupported_alg")
            // Even when asked for explicitly, `none` is a usage error.
        }
        let usage = try CLI.run(["verify", "--jwks", keys.jwksPath, "--alg", spelling, "x.y.z"])
        #expect(usage.status == 2)
        #expect(usage.stdout.isEmpty)
    }

    @Test func hs256SignedWithThePublicKeyPEM() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        // The classic key-confusion attack: HMAC keyed with the server's public key text.
        let forged = try TokenSigner.sign(claims: claims(), algorithm: .hs256, key: .secret(HMACSecret(Array(keys.publicPEM.utf8))), keyID: keys.kid)
        for source in [["--jwks", keys.jwksPath], ["--key", keys.publicPEMPath]] {
            let r = try verifyJSON(source, forged)
            #expect(r.status == 1)
            #expect(reason(r) == "unsupported_alg", "\(source): \(r.stdout)")
        }
        // Forcing HS256 with an RSA key is a usage error, not a verification.
        let forced = try CLI.run(["verify", "--key", keys.publicPEMPath, "--alg", "HS256", forged])
        #expect(forced.status == 2)
    }

    @Test func ecdsaZeroAndDERSignatures() throws {
        let ws = try Workspace()
        let ec = try AsymmetricKey.generateEC(curve: "P-256")
        let jwk = try JWKExport.publicJWK(ec, keyID: "ec1", algorithm: .es256)
        let jwks = try ws.write("ec.json", (["keys": .array([.object(jwk)])] as JSONValue).serialized)
        let good = try TokenSigner.sign(claims: claims(), algorithm: .es256, key: .asymmetric(ec), keyID: "ec1")
        #expect(try verifyJSON(["--jwks", jwks], good).status == 0)
        let parts = good.split(separator: ".").map(String.init)
        let prefix = parts[0] + "." + parts[1] + "."
        // r = s = 0 (CVE-2022-21449 "psychic signatures").
        let zero = try verifyJSON(["--jwks", jwks], prefix + Base64URL.encode([UInt8](repeating: 0, count: 64)))
        #expect(reason(zero) == "bad_signature")
        // A DER ECDSA-Sig-Value where JWS requires raw r||s.
        let raw = Base64URL.decode(parts[2])!
        func derInt(_ b: ArraySlice<UInt8>) -> [UInt8] {
            var v = Array(b.drop { $0 == 0 })
            if v.isEmpty { v = [0] }
            if v[0] & 0x80 != 0 { v.insert(0, at: 0) }
            return [0x02, UInt8(v.count)] + v
        }
        let body = derInt(raw[0..<32]) + derInt(raw[32..<64])
        let der = [0x30, UInt8(body.count)] + body
        let d = try verifyJSON(["--jwks", jwks], prefix + Base64URL.encode(der))
        #expect(d.status == 1)
        #expect(reason(d) == "bad_signature")
        // Wrong length.
        #expect(reason(try verifyJSON(["--jwks", jwks], prefix + Base64URL.encode(Array(raw.prefix(63))))) == "bad_signature")
        // High-s is valid in JOSE: s' = n - s verifies too.
        // (n for P-256)
        let n: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                          0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51]
        var s = Array(raw[32..<64])
        var borrow = 0
        for i in stride(from: 31, through: 0, by: -1) {
            let v = Int(n[i]) - Int(s[i]) - borrow
            s[i] = UInt8((v + 256) % 256)
            borrow = v < 0 ? 1 : 0
        }
        let highS = try verifyJSON(["--jwks", jwks], prefix + Base64URL.encode(Array(raw[0..<32]) + s))
        #expect(highS.status == 0, "\(highS.stdout)")
    }

    @Test func embeddedJWKHeaderIsNeverTrusted() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let attacker = try AsymmetricKey.generateRSA(bits: 2048)
        let attackerJWK = try JWKExport.publicJWK(attacker)
        var header = JSONObject()
        header.set("jwk", .object(attackerJWK))
        header.set("jku", "https://attacker.example/jwks.json")
        // Signed by the attacker's key, no kid: must not verify with the real key set.
        let forged = try TokenSigner.sign(claims: claims(), algorithm: .rs256, key: .asymmetric(attacker), keyID: nil, extraHeader: header)
        let r = try verifyJSON(["--jwks", keys.jwksPath], forged)
        #expect(r.status == 1)
        #expect(reason(r) == "bad_signature")
        #expect((r.json["warnings"] as? [String])?.contains { $0.contains("jwk") } == true)
        // With the same kid as the real key: still bad_signature.
        let forgedKid = try TokenSigner.sign(claims: claims(), algorithm: .rs256, key: .asymmetric(attacker), keyID: keys.kid, extraHeader: header)
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], forgedKid)) == "bad_signature")
    }

    @Test func duplicateMembersReject() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let dupHeader = try keys.rawToken(header: #"{"alg":"RS256","alg":"none","kid":"test-key-1"}"#, payload: #"{"sub":"u"}"#)
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], dupHeader)) == "malformed")
        let dupClaims = try keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1"}"#, payload: #"{"sub":"u","sub":"admin"}"#)
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], dupClaims)) == "malformed")
    }

    @Test func nonCanonicalBase64URL() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        let t = try keys.token(claims())
        var parts = t.split(separator: ".").map(String.init)
        // Padding, a '+' and non-canonical trailing bits in the signature are each malformed.
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], t + "=")) == "malformed")
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], parts[0] + "." + parts[1] + "." + "+" + parts[2].dropFirst())) == "malformed")
        // The 256-byte RSA signature encodes to 342 chars + 2 trailing bits that must be zero.
        let last = parts[2].removeLast()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let idx = alphabet.firstIndex(of: last)!
        parts[2].append(alphabet[idx | 1])
        #expect(idx & 3 == 0)
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], parts.joined(separator: "."))) == "malformed")
    }

    @Test func sizeCapAndDepth() throws {
        let ws = try Workspace(), keys = try TestKeys(in: ws)
        // A token of exactly `length` bytes: pad the header and payload JSON so the base64url
        // lengths add up (an RS256 signature is 342 characters).
        func token(length: Int) throws -> String {
            for hpad in 0..<4 {
                let header = #"{"alg":"RS256","kid":"test-key-1","x":""# + String(repeating: "x", count: hpad) + #""}"#
                let h = (header.utf8.count * 4 + 2) / 3
                let p = length - h - 2 - 342
                let n = p * 3 / 4
                guard (n * 4 + 2) / 3 == p else { continue }
                let base = #"{"sub":"u","exp":1796302800,"pad":""}"#.utf8.count
                let payload = #"{"sub":"u","exp":1796302800,"pad":""# + String(repeating: "y", count: n - base) + #""}"#
                return try keys.rawToken(header: header, payload: payload)
            }
            throw CocoaError(.featureUnsupported)
        }
        let exact = try token(length: 16384)
        #expect(exact.utf8.count == 16384)
        #expect(try verifyJSON(["--jwks", keys.jwksPath], exact).status == 0)
        let over = try token(length: 16385)
        #expect(over.utf8.count == 16385)
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], over)) == "malformed")
        // Depth: the top-level object is depth 1; 64 passes, 65 fails.
        /// A value that, as a member of the top-level object, makes the document `depth` deep.
        func nested(_ depth: Int) -> String {
            String(repeating: #"{"a":"#, count: depth - 1) + "1" + String(repeating: "}", count: depth - 1)
        }
        let ok = try keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1"}"#, payload: #"{"sub":"u","exp":1796302800,"deep":"# + nested(64) + "}")
        #expect(try verifyJSON(["--jwks", keys.jwksPath], ok).status == 0)
        let deep = try keys.rawToken(header: #"{"alg":"RS256","kid":"test-key-1"}"#, payload: #"{"sub":"u","deep":"# + nested(65) + "}")
        #expect(reason(try verifyJSON(["--jwks", keys.jwksPath], deep)) == "malformed")
    }

    @Test func weakRSAKeyIsRefused() throws {
        let ws = try Workspace()
        let weak = try AsymmetricKey.generateRSA(bits: 1024)
        let pem = try ws.write("weak.pem", try weak.publicPEM())
        let token = try TokenSigner.sign(claims: claims(), algorithm: .rs256, key: .asymmetric(weak), keyID: "weak")
        // A single --key that is too weak is a usage error.
        let r = try CLI.run(["verify", "--key", pem, token])
        #expect(r.status == 2)
        #expect(r.stderr.contains("2048"))
        // In a JWKS it is listed as unusable and never tried.
        let jwk = try JWKExport.publicJWK(weak, keyID: "weak", algorithm: .rs256)
        let jwks = try ws.write("weak.json", (["keys": .array([.object(jwk)])] as JSONValue).serialized)
        #expect(reason(try verifyJSON(["--jwks", jwks], token)) == "key_not_found")
        let listing = try CLI.run(["jwks", "--json", jwks])
        #expect(listing.status == 0)
        let keyWarnings = ((listing.json["keys"] as? [[String: Any]])?.first?["warnings"] as? [String]) ?? []
        #expect(keyWarnings.contains { $0.contains("2048") })
    }
}
