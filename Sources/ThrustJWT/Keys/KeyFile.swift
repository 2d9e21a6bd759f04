/// Key material read from a local file: PEM (SPKI public key, X.509 certificate, private key) or
/// a single JWK in JSON. The caller reads the file; this decides what it holds.
public enum KeyFile {
    /// Why a file's contents are not usable key material. Never quotes the contents.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    static func isJSON(_ bytes: [UInt8]) -> Bool {
        bytes.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{")
    }

    static func contains(_ bytes: [UInt8], _ marker: String) -> Bool {
        let m = Array(marker.utf8)
        guard bytes.count >= m.count else { return false }
        for i in 0...(bytes.count - m.count) where bytes[i] == m[0] && Array(bytes[i..<(i + m.count)]) == m { return true }
        return false
    }

    /// A verification key for `verify --key`: a public key, a certificate, a private key (its
    /// public half is used) or one JWK.
    public static func verificationKey(_ bytes: [UInt8]) throws(Error) -> VerificationKey {
        if isJSON(bytes) {
            let jwk: JWK
            do { jwk = try JWK(json: bytes) } catch { throw Error(message: "not a valid JWK: \(error.message)") }
            if jwk.raw.contains("keys") { throw Error(message: "is a JWKS, not one key: use --jwks") }
            do { return try VerificationKey(jwk: jwk) } catch { throw Error(message: "not a usable JWK: \(error.message)") }
        }
        guard contains(bytes, "-----BEGIN ") else { throw Error(message: "neither PEM nor a JWK") }
        if contains(bytes, "PRIVATE KEY-----") {
            do { return VerificationKey(key: try AsymmetricKey.pemPrivate(bytes)) } catch {
                throw Error(message: "not a readable private key (encrypted keys are not supported): \(error)")
            }
        }
        do { return VerificationKey(key: try AsymmetricKey.pemPublic(bytes)) } catch {
            throw Error(message: "not a PEM public key or certificate: \(error)")
        }
    }

    /// A signing key for `mint --key`: a PEM private key or a private JWK, with the JWK's kid and alg.
    public static func signingKey(_ bytes: [UInt8]) throws(Error) -> (key: AsymmetricKey, keyID: String?, algorithm: String?) {
        if isJSON(bytes) {
            let jwk: JWK
            do { jwk = try JWK(json: bytes) } catch { throw Error(message: "not a valid JWK: \(error.message)") }
            guard jwk.raw.contains("d") else { throw Error(message: "is a public JWK: signing needs the private key (with \"d\")") }
            do { return (try JWKExport.privateKey(from: jwk), jwk.keyID, jwk.algorithm) } catch {
                throw Error(message: "not a usable private JWK: \(error.message)")
            }
        }
        guard contains(bytes, "PRIVATE KEY-----") else {
            throw Error(message: contains(bytes, "-----BEGIN ") ? "is not a private key: signing needs one" : "neither PEM nor a JWK")
        }
        do { return (try AsymmetricKey.pemPrivate(bytes), nil, nil) } catch {
            throw Error(message: "not a readable private key (encrypted keys are not supported): \(error)")
        }
    }
}
