import Testing
import ThrustJWT

/// Published examples: RFC 7515 Appendix A.2 and A.3, RFC 8037 Appendix A, RFC 7638 §3.1.
/// Every value below is copied from the RFC text; a signature or a SHA-256 thumbprint that
/// matches cannot match by accident, so a passing test also proves the values were copied right.
@Suite("RFC vectors")
struct RFCVectorTests {
    /// The RFC 7515 examples' claim set: `{"iss":"joe",\r\n "exp":1300819380,\r\n "http://example.com/is_root":true}`.
    static let rfc7515Payload = "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
        + "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
    static let rfc7515Exp = 1_300_819_380.0
    /// An instant at which the RFC 7515 examples have not expired.
    static let rfc7515Now = 1_300_819_300.0

    // MARK: RFC 7515 Appendix A.2 (RS256)

    /// RFC 7515 A.2.1: the RSA key, exactly as the RFC prints it (private members included).
    static let a2JWK = """
        {"kty":"RSA",
         "n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddx\
        HmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMs\
        D1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSH\
        SXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdV\
        MTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8\
        NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
         "e":"AQAB",
         "d":"Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97I\
        jlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0\
        BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn\
        439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYT\
        CBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLh\
        BOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ",
         "p":"4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdi\
        YrqBdss1l58BQ3KhooKeQTa9AB0Hw_Py5PJdTJNPY8cQn7ouZ2KKDcmnPG\
        BY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc",
         "q":"uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxa\
        ewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_YwD66t62wDmpe_HlB-TnBA\
        -njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc",
         "dp":"BwKfV3Akq5_MFZDFZCnW-wzl-CCo83WoZvnLQwCTeDv8uzluRSnm71I3Q\
        CLdhrqE2e9YkxvuxdBfpT_PI7Yz-FOKnu1R6HsJeDCjn12Sk3vmAktV2zb\
        34MCdy7cpdTh_YVr7tss2u6vneTwrA86rZtu5Mbr1C1XsmvkxHQAdYo0",
         "dq":"h_96-mK1R_7glhsum81dZxjTnYynPbZpHziZjeeHcXYsXaaMwkOlODsWa\
        7I9xXDoRwbKgB719rrmI2oKr6N3Do9U0ajaHF-NKJnwgjMd2w9cjz3_-ky\
        NlxAr2v4IKhGNpmM5iIgOS1VZnOZ68m6_pbLBSp3nssTdlqvd0tIiTHU",
         "qi":"IYd7DHOhrWvxkwPQsRM2tOgrjbcrfvtQJipd-DlcxyVuuM9sQLdgjVk2o\
        y26F0EmpScGLq2MowX7fhd_QJQ3ydy5cY7YIBi87w93IKLEdfnbJtoOPLU\
        W0ITrJReOgo1cq9SbsxYawBgfp_gh6A5603k2-ZQwVK0JKSHuLFkuQ3U"
        }
        """

    /// RFC 7515 A.2.1: the complete JWS Compact Serialization.
    static let a2Token = "eyJhbGciOiJSUzI1NiJ9." + rfc7515Payload + "."
        + "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7"
        + "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
        + "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K"
        + "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
        + "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB"
        + "p0igcN_IoypGlUPQGe77Rw"

    static func verifier(_ jwk: JWK) throws -> TokenVerifier {
        TokenVerifier(keys: KeySet(keys: [try VerificationKey(jwk: jwk)]), policy: VerificationPolicy(requireSubject: false))
    }

    @Test("RFC 7515 A.2: the RS256 example verifies")
    func rfc7515RS256() throws {
        let jwk = try TestSupport.jwk(Self.a2JWK)
        let result = try Self.verifier(jwk).verify(Self.a2Token, now: Self.rfc7515Now)
        #expect(result.isValid, "\(result.rejection.map(String.init(describing:)) ?? "")")
        #expect(result.algorithm == .rs256)
        #expect(result.claims?["iss"]?.stringValue == "joe")
        #expect(result.claims?["http://example.com/is_root"]?.boolValue == true)
        #expect(result.expiresAt == Self.rfc7515Exp)
        #expect(result.key?.bits == 2048)

        // After exp (and the default 60 s leeway) the same token is expired, signature still good.
        let late = try Self.verifier(jwk).verify(Self.a2Token, now: Self.rfc7515Exp + 61)
        #expect(late.rejection?.reason == .expired)
    }

    @Test("RFC 7515 A.2: RS256 signing with the RFC's private key reproduces the RFC's signature")
    func rfc7515RS256Signing() throws {
        let jwk = try TestSupport.jwk(Self.a2JWK)
        let key = try JWKExport.privateKey(from: jwk)
        let parts = Self.a2Token.split(separator: ".", omittingEmptySubsequences: false)
        let signingInput = Array((String(parts[0]) + "." + String(parts[1])).utf8)
        let signature = try key.sign(.rs256, message: signingInput)  // PKCS#1 v1.5 is deterministic
        #expect(Base64URL.encode(signature) == String(parts[2]))
    }

    // MARK: RFC 7515 Appendix A.3 (ES256)

    /// RFC 7515 A.3.1: the P-256 key.
    static let a3JWK = """
        {"kty":"EC",
         "crv":"P-256",
         "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
         "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
         "d":"jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI"
        }
        """

    /// RFC 7515 A.3.1: the complete JWS Compact Serialization.
    static let a3Token = "eyJhbGciOiJFUzI1NiJ9." + rfc7515Payload + "."
        + "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
        + "pmWQxfKTUJqPP3-Kg6NU1Q"

    @Test("RFC 7515 A.3: the ES256 example verifies")
    func rfc7515ES256() throws {
        let jwk = try TestSupport.jwk(Self.a3JWK)
        let result = try Self.verifier(jwk).verify(Self.a3Token, now: Self.rfc7515Now)
        #expect(result.isValid, "\(result.rejection.map(String.init(describing:)) ?? "")")
        #expect(result.algorithm == .es256)
        #expect(result.claims?["iss"]?.stringValue == "joe")

        // The RFC's private key (ECDSA signing is randomised, so check it signs what its public half verifies).
        let priv = try JWKExport.privateKey(from: jwk)
        let message = Array("eyJhbGciOiJFUzI1NiJ9.e30".utf8)
        let signature = try priv.sign(.es256, message: message)
        #expect(signature.count == 64)
        #expect(try VerificationKey(jwk: jwk).verify(.es256, signature: signature, message: message[...]))
    }

    // MARK: RFC 8037 Appendix A (Ed25519)

    /// RFC 8037 A.2: the public key.
    static let rfc8037PublicJWK = """
        {"kty":"OKP","crv":"Ed25519",
         "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}
        """
    /// RFC 8037 A.1: the private key's `d`.
    static let rfc8037D = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"
    /// RFC 8037 A.4: the signing input (`{"alg":"EdDSA"}` . "Example of Ed25519 signing") and signature.
    static let rfc8037SigningInput = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc"
    static let rfc8037Signature = "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"

    @Test("RFC 8037 A.4: the Ed25519 example verifies with the A.2 public key")
    func rfc8037Ed25519() throws {
        let key = try VerificationKey(jwk: try TestSupport.jwk(Self.rfc8037PublicJWK))
        let signature = try #require(Base64URL.decode(Self.rfc8037Signature))
        let message = Array(Self.rfc8037SigningInput.utf8)
        #expect(key.verify(.edDSA, signature: signature, message: message[...]))
        #expect(key.verify(.ed25519, signature: signature, message: message[...]))
        // One changed byte of the input or of the signature fails.
        var otherMessage = message
        otherMessage[otherMessage.count - 1] ^= 0x01
        #expect(!key.verify(.edDSA, signature: signature, message: otherMessage[...]))
        var otherSignature = signature
        otherSignature[0] ^= 0x01
        #expect(!key.verify(.edDSA, signature: otherSignature, message: message[...]))
        // RFC 8037 A.3: the key's RFC 7638 thumbprint.
        #expect(key.thumbprint == "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k")
    }

    @Test("RFC 8037 A.4: Ed25519 signing with the A.1 private key reproduces the RFC's signature")
    func rfc8037Ed25519Signing() throws {
        let d = try #require(Base64URL.decode(Self.rfc8037D))
        let key = try AsymmetricKey.ed25519Private(d: d)
        let signature = try key.sign(.edDSA, message: Array(Self.rfc8037SigningInput.utf8))
        #expect(Base64URL.encode(signature) == Self.rfc8037Signature)
        #expect(key.component("x").map { Base64URL.encode($0) } == "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo")
    }

    // MARK: RFC 7638 §3.1

    static let rfc7638JWK = """
        {
         "kty": "RSA",
         "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
         "e": "AQAB",
         "alg": "RS256",
         "kid": "2011-04-29"
        }
        """

    @Test("RFC 7638 §3.1: the RSA example's thumbprint")
    func rfc7638Thumbprint() throws {
        let jwk = try TestSupport.jwk(Self.rfc7638JWK)
        #expect(jwk.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        #expect(try VerificationKey(jwk: jwk).thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        // Only the required members count: dropping alg and kid changes nothing.
        var bare = jwk.raw
        bare.remove("alg")
        bare.remove("kid")
        #expect(try JWK(object: bare).thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
    }

    // MARK: Round trip for every algorithm

    /// Generated once and shared: RSA key generation is the slow part of this suite.
    static let rsaKey = Result { try AsymmetricKey.generateRSA(bits: 2048) }
    static let ecKeys = Result {
        try ["P-256": AsymmetricKey.generateEC(curve: "P-256"), "P-384": AsymmetricKey.generateEC(curve: "P-384"),
             "P-521": AsymmetricKey.generateEC(curve: "P-521")]
    }
    static let ed25519Key = Result { try AsymmetricKey.generateEd25519() }
    static let hmacSecret = SecureRandom.bytes(64)

    static let roundTripNow = 1_800_000_000.0

    /// Flips the bits of one byte of the token's signature, re-encoded canonically (so the token
    /// stays well-formed and only the signature is wrong).
    static func flipSignatureByte(_ token: String, at index: (Int) -> Int) throws -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        var signature = try #require(Base64URL.decode(String(parts[2])))
        signature[index(signature.count)] ^= 0xFF
        return String(parts[0]) + "." + String(parts[1]) + "." + Base64URL.encode(signature)
    }

    @Test("mint → verify round trip", arguments: JWSAlgorithm.allCases)
    func roundTrip(_ alg: JWSAlgorithm) throws {
        let kid = "rt-\(alg.rawValue)"
        let signingKey: TokenSigner.Key
        let verificationKey: VerificationKey
        switch alg.family {
        case .hmac:
            signingKey = .secret(HMACSecret(Self.hmacSecret))
            verificationKey = VerificationKey(secret: Self.hmacSecret, keyID: kid)
        case .rsa, .ec, .okp:
            let key: AsymmetricKey
            switch alg.family {
            case .rsa: key = try Self.rsaKey.get()
            case .ec: key = try #require(try Self.ecKeys.get()[alg.curve ?? ""])
            default: key = try Self.ed25519Key.get()
            }
            #expect(key.hasPrivateKey)
            #expect(key.fits(alg))
            signingKey = .asymmetric(key)
            let publicJWK = try JWK(object: JWKExport.publicJWK(key, keyID: kid))
            #expect(publicJWK.privateMembers.isEmpty)
            verificationKey = try VerificationKey(jwk: publicJWK)
            #expect(verificationKey.unusableReason == nil)
        }
        #expect(verificationKey.fits(alg))

        var claims = JSONObject()
        claims.set("iss", "https://issuer.example")
        claims.set("sub", "user-42")
        claims.set("iat", .number(JSONNumber(Self.roundTripNow - 10)))
        claims.set("exp", .number(JSONNumber(Self.roundTripNow + 300)))
        let token = try TokenSigner.sign(claims: claims, algorithm: alg, key: signingKey, keyID: kid)

        let verifier = TokenVerifier(keys: KeySet(keys: [verificationKey]), policy: VerificationPolicy(issuer: "https://issuer.example"))
        let result = verifier.verify(token, now: Self.roundTripNow)
        #expect(result.isValid, "\(alg.rawValue): \(result.rejection.map(String.init(describing:)) ?? "")")
        #expect(result.algorithm == alg)
        #expect(result.header?.algorithmName == alg.rawValue)
        #expect(result.header?.keyID == kid)
        #expect(result.key?.keyID == kid)
        #expect(result.claims?["sub"]?.stringValue == "user-42")

        for (label, position) in [("first", { (_: Int) in 0 }), ("middle", { (n: Int) in n / 2 }), ("last", { (n: Int) in n - 1 })] {
            let tampered = try Self.flipSignatureByte(token, at: position)
            #expect(tampered != token)
            let bad = verifier.verify(tampered, now: Self.roundTripNow)
            #expect(bad.rejection?.reason == .badSignature, "\(alg.rawValue), \(label) byte flipped: \(bad.rejection.map(String.init(describing:)) ?? "accepted")")
        }
    }
}
