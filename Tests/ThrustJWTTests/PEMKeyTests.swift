import Foundation
import Testing
import ThrustJWT

/// PEM public keys take a fast SubjectPublicKeyInfo path; it must agree with the JWK path for
/// every key type, and anything it does not recognise must still load through OpenSSL's decoder.
@Suite struct PEMKeyTests {
    static let keys: [(String, @Sendable () throws -> AsymmetricKey)] = [
        ("RSA 2048", { try AsymmetricKey.generateRSA(bits: 2048) }),
        ("RSA 3072", { try AsymmetricKey.generateRSA(bits: 3072) }),
        ("P-256", { try AsymmetricKey.generateEC(curve: "P-256") }),
        ("P-384", { try AsymmetricKey.generateEC(curve: "P-384") }),
        ("P-521", { try AsymmetricKey.generateEC(curve: "P-521") }),
        ("Ed25519", { try AsymmetricKey.generateEd25519() }),
    ]

    @Test(arguments: 0..<keys.count)
    func publicPEMAgreesWithTheJWK(_ index: Int) throws {
        let key = try Self.keys[index].1()
        let pem = try key.publicPEM()
        let fromPEM = try KeyFile.verificationKey(Array(pem.utf8))
        let jwkThumbprint = try JWK(object: JWKExport.publicJWK(key)).thumbprint
        #expect(fromPEM.thumbprint == jwkThumbprint)
        #expect(fromPEM.bits == key.bits)
        // And it verifies what the private key signs.
        let alg = JWKExport.defaultAlgorithm(for: key)
        let token = try TokenSigner.sign(claims: JSONObject(["sub": "u"]), algorithm: alg, key: .asymmetric(key))
        let result = TokenVerifier(keys: KeySet(single: fromPEM)).verify(token)
        #expect(result.isValid, "\(result.rejection?.description ?? "")")
    }

    /// A PEM X.509 certificate stands for its public key (`verify --key cert.pem`).
    @Test func certificatesGiveTheirPublicKey() throws {
        let dir = "/tmp/thrust-pem-\(UInt32.random(in: 0...UInt32.max))"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", dir + "-key.pem",
                       "-out", dir + "-cert.pem", "-days", "2", "-subj", "/CN=thrust-test"]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let cert = try String(contentsOfFile: dir + "-cert.pem", encoding: .utf8)
        let keyPEM = try String(contentsOfFile: dir + "-key.pem", encoding: .utf8)
        let key = try AsymmetricKey.pemPrivate(Array(keyPEM.utf8))
        let fromCert = try KeyFile.verificationKey(Array(cert.utf8))
        #expect(fromCert.keyType == .ec)
        #expect(fromCert.thumbprint == (try JWK(object: JWKExport.publicJWK(key))).thumbprint)
        let token = try TokenSigner.sign(claims: JSONObject(["sub": "u"]), algorithm: .es256, key: .asymmetric(key))
        #expect(TokenVerifier(keys: KeySet(single: fromCert)).verify(token).isValid)
    }

    @Test func unusualPEMStillLoadsOrFailsCleanly() throws {
        let key = try AsymmetricKey.generateEC(curve: "P-256")
        let pem = try key.publicPEM()
        // Extra text around the armour is fine for OpenSSL's reader.
        let wrapped = "a comment line\n" + pem + "trailing words\n"
        #expect(try KeyFile.verificationKey(Array(wrapped.utf8)).thumbprint == JWK(object: JWKExport.publicJWK(key)).thumbprint)
        // A PEM of the wrong kind, or a damaged one, is an error, never a crash.
        #expect(throws: KeyFile.Error.self) {
            try KeyFile.verificationKey(Array("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n".utf8))
        }
        var damaged = Array(pem.utf8)
        damaged[40] = UInt8(ascii: "!")
        #expect(throws: KeyFile.Error.self) { try KeyFile.verificationKey(damaged) }
    }
}
