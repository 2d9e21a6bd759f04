import Testing
import ThrustJWT

/// One Wycheproof signature file and the JWS algorithm its vectors are checked as.
struct WycheproofSignatureFile: Sendable, CustomTestStringConvertible {
    let name: String
    let algorithm: JWSAlgorithm
    var testDescription: String { "\(name) as \(algorithm.rawValue)" }
}

/// One Wycheproof HMAC file and its hash size.
struct WycheproofMACFile: Sendable, CustomTestStringConvertible {
    let name: String
    let algorithm: JWSAlgorithm
    var hashBits: Int { algorithm.hashBits }
    var testDescription: String { "\(name) (\(algorithm.rawValue) primitive)" }
}

/// How many vectors of each kind one file checked.
struct VectorCounts: CustomStringConvertible {
    var valid = 0
    var invalid = 0
    var acceptable = 0
    var acceptableVerified = 0
    var total: Int { valid + invalid + acceptable }
    var description: String {
        "valid \(valid), invalid \(invalid), acceptable \(acceptable) (\(acceptableVerified) of them verified)"
    }
}

/// Project Wycheproof vectors (Fixtures/wycheproof, see its README): every file, every group,
/// every test. Keys go through the JWK path exactly as a published key would.
@Suite("Wycheproof vectors")
struct WycheproofTests {
    static let signatureFiles: [WycheproofSignatureFile] = [
        .init(name: "rsa_signature_2048_sha256_test.json", algorithm: .rs256),
        .init(name: "rsa_signature_3072_sha256_test.json", algorithm: .rs256),
        .init(name: "rsa_signature_2048_sha384_test.json", algorithm: .rs384),
        .init(name: "rsa_signature_2048_sha512_test.json", algorithm: .rs512),
        .init(name: "rsa_signature_4096_sha512_test.json", algorithm: .rs512),
        .init(name: "rsa_pss_2048_sha256_mgf1_32_test.json", algorithm: .ps256),
        .init(name: "rsa_pss_4096_sha512_mgf1_64_test.json", algorithm: .ps512),
        .init(name: "ecdsa_secp256r1_sha256_p1363_test.json", algorithm: .es256),
        .init(name: "ecdsa_secp384r1_sha384_p1363_test.json", algorithm: .es384),
        .init(name: "ecdsa_secp521r1_sha512_p1363_test.json", algorithm: .es512),
        .init(name: "ed25519_test.json", algorithm: .edDSA),
    ]

    static let macFiles: [WycheproofMACFile] = [
        .init(name: "hmac_sha256_test.json", algorithm: .hs256),
        .init(name: "hmac_sha384_test.json", algorithm: .hs384),
        .init(name: "hmac_sha512_test.json", algorithm: .hs512),
    ]

    static func load(_ name: String) throws -> JSONObject {
        let bytes = try TestSupport.fixture("wycheproof/" + name)
        guard case .object(let root) = try StrictJSON.parse(bytes) else { throw FixtureError("\(name) is not a JSON object") }
        return root
    }

    /// An EC public JWK from Wycheproof's `publicKey` member: `uncompressed` is 04‖x‖y in hex.
    static func ecJWK(fromUncompressed publicKey: JSONObject) throws -> JSONObject {
        let crv: String
        switch try publicKey.string("curve") {
        case "secp256r1": crv = "P-256"
        case "secp384r1": crv = "P-384"
        case "secp521r1": crv = "P-521"
        case let other: throw FixtureError("unexpected curve \(other)")
        }
        let point = try publicKey.hexBytes("uncompressed")
        guard point.first == 0x04, point.count % 2 == 1 else { throw FixtureError("not an uncompressed point") }
        let size = (point.count - 1) / 2
        var jwk = JSONObject()
        jwk.set("kty", "EC")
        jwk.set("crv", .string(crv))
        jwk.set("x", .string(Base64URL.encode(point[1...size])))
        jwk.set("y", .string(Base64URL.encode(point[(size + 1)...])))
        return jwk
    }

    @Test("signature vectors", arguments: signatureFiles)
    func signatureVectors(_ file: WycheproofSignatureFile) throws {
        let root = try Self.load(file.name)
        var counts = VectorCounts()
        var unusable: [String] = []
        for (groupIndex, groupValue) in try root.array("testGroups").enumerated() {
            guard let group = groupValue.objectValue else { throw FixtureError("group \(groupIndex) is not an object") }
            let jwkObject: JSONObject
            if let given = group["publicKeyJwk"]?.objectValue ?? group["keyJwk"]?.objectValue {
                jwkObject = given
                if file.algorithm.family == .ec {
                    // The builder used for JWK-less groups must agree with Wycheproof's own JWKs.
                    let built = try JWK(object: Self.ecJWK(fromUncompressed: group.object("publicKey")))
                    #expect(built.thumbprint == (try JWK(object: given)).thumbprint, "group \(groupIndex): uncompressed point and JWK differ")
                }
            } else {
                jwkObject = try Self.ecJWK(fromUncompressed: group.object("publicKey"))
            }
            let key = try VerificationKey(jwk: try JWK(object: jwkObject))
            let reasonText: String
            if let reason = key.unusableReason {
                unusable.append("group \(groupIndex): \(reason)")
                reasonText = " (key unusable: \(reason))"
            } else {
                #expect(key.fits(file.algorithm), "group \(groupIndex): key does not fit \(file.algorithm.rawValue)")
                reasonText = ""
            }

            for testValue in try group.array("tests") {
                guard let test = testValue.objectValue else { throw FixtureError("group \(groupIndex) holds a non-object test") }
                let id = try test.int("tcId")
                let comment = test["comment"]?.stringValue ?? ""
                let message = try test.hexBytes("msg")
                let signature = try test.hexBytes("sig")
                let verified = key.verify(file.algorithm, signature: signature, message: message[...])
                if file.algorithm.family == .okp {
                    // RFC 9864: EdDSA and Ed25519 are one algorithm for an Ed25519 key.
                    #expect(key.verify(.ed25519, signature: signature, message: message[...]) == verified, "tcId \(id)")
                }
                switch try test.string("result") {
                case "valid":
                    counts.valid += 1
                    #expect(verified, "tcId \(id) [\(comment)] is valid but did not verify\(reasonText)")
                case "invalid":
                    counts.invalid += 1
                    #expect(!verified, "tcId \(id) [\(comment)] is invalid but verified")
                case "acceptable":
                    counts.acceptable += 1
                    if verified { counts.acceptableVerified += 1 }
                case let other:
                    Issue.record("tcId \(id): unknown result \"\(other)\"")
                }
            }
        }
        #expect(counts.valid > 0)
        #expect(counts.invalid > 0)
        #expect(counts.total == (try root.int("numberOfTests")), "every test of the file was checked")
        print("Wycheproof \(file.name) as \(file.algorithm.rawValue): \(counts)"
              + (unusable.isEmpty ? "" : "; unusable keys: " + unusable.joined(separator: "; ")))
    }

    @Test("HMAC vectors (full-length tags only)", arguments: macFiles)
    func macVectors(_ file: WycheproofMACFile) throws {
        let root = try Self.load(file.name)
        var counts = VectorCounts()
        var truncatedSkipped = 0
        var jwsPathChecked = 0
        for (groupIndex, groupValue) in try root.array("testGroups").enumerated() {
            guard let group = groupValue.objectValue else { throw FixtureError("group \(groupIndex) is not an object") }
            let tests = try group.array("tests")
            // JWS never truncates an HMAC tag (RFC 7518 §3.2): only full-length groups apply.
            guard try group.int("tagSize") == file.hashBits else {
                truncatedSkipped += tests.count
                continue
            }
            for testValue in tests {
                guard let test = testValue.objectValue else { throw FixtureError("group \(groupIndex) holds a non-object test") }
                let id = try test.int("tcId")
                let comment = test["comment"]?.stringValue ?? ""
                let key = try test.hexBytes("key")
                let message = try test.hexBytes("msg")
                let tag = try test.hexBytes("tag")
                let result = try test.string("result")
                guard let mac = HMACSecret.mac(hashBits: file.hashBits, key: key, message: message[...]) else {
                    Issue.record("tcId \(id): HMAC failed")
                    continue
                }
                #expect(mac.count * 8 == file.hashBits)
                switch result {
                case "valid":
                    counts.valid += 1
                    #expect(mac == tag, "tcId \(id) [\(comment)] is valid but the tag differs")
                case "invalid":
                    counts.invalid += 1
                    #expect(mac != tag, "tcId \(id) [\(comment)] is invalid but the tag matches")
                case "acceptable":
                    counts.acceptable += 1
                case let other:
                    Issue.record("tcId \(id): unknown result \"\(other)\"")
                }
                // The same vector through the JWS path: it agrees when the secret is long enough
                // for the algorithm, and refuses otherwise (RFC 7518 §3.2).
                let jwsVerified = VerificationKey(secret: key).verify(file.algorithm, signature: tag, message: message[...])
                if key.count * 8 >= file.hashBits {
                    jwsPathChecked += 1
                    if result != "acceptable" { #expect(jwsVerified == (result == "valid"), "tcId \(id) through VerificationKey") }
                } else {
                    #expect(!jwsVerified, "tcId \(id): a \(key.count)-byte secret must not verify \(file.algorithm.rawValue)")
                }
            }
        }
        #expect(counts.valid > 0)
        #expect(counts.invalid > 0)
        #expect(counts.total + truncatedSkipped == (try root.int("numberOfTests")))
        print("Wycheproof \(file.name): \(counts); \(truncatedSkipped) truncated-tag vectors skipped; "
              + "\(jwsPathChecked) also checked through VerificationKey(secret:)")
    }

    @Test("the JWS path refuses secrets shorter than the hash")
    func shortSecretsAreRefused() throws {
        let secret16 = SecureRandom.bytes(16)
        let short = VerificationKey(secret: secret16)
        #expect(!short.isUsable)
        #expect(short.unusableReason != nil)
        #expect(short.algorithms.isEmpty)
        // Even a correct HS256 tag under that secret is not accepted.
        let message = Array("eyJhbGciOiJIUzI1NiJ9.e30".utf8)
        let tag = try #require(HMACSecret.mac(hashBits: 256, key: secret16, message: message[...]))
        #expect(!short.verify(.hs256, signature: tag, message: message[...]))

        let secret32 = HMACSecret(SecureRandom.bytes(32))
        #expect(secret32.fits(.hs256))
        #expect(!secret32.fits(.hs384))
        #expect(!secret32.fits(.hs512))
        #expect(secret32.algorithms == [.hs256])

        var claims = JSONObject()
        claims.set("sub", "user")
        #expect(throws: CryptoError.self) {
            _ = try TokenSigner.sign(claims: claims, algorithm: .hs512, key: .secret(secret32))
        }
        #expect(throws: CryptoError.self) {
            _ = try TokenSigner.sign(claims: claims, algorithm: .hs384, key: .secret(secret32))
        }
        // The boundary: 64 bytes is enough for HS512.
        let secret64 = HMACSecret(SecureRandom.bytes(64))
        #expect(secret64.fits(.hs512))
        #expect(throws: Never.self) {
            _ = try TokenSigner.sign(claims: claims, algorithm: .hs512, key: .secret(secret64))
        }
    }
}
