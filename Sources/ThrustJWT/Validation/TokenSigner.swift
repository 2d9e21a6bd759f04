/// Signs claim sets into compact JWS tokens (`mint`), with the header SPEC asks for.
public enum TokenSigner {
    public enum Key: Sendable {
        case asymmetric(AsymmetricKey)
        case secret(HMACSecret)
    }

    /// Builds `{"alg","typ":"JWT","kid"?}`, signs `header.claims`, and returns the compact token.
    /// - Throws: `CryptoError` when the key cannot sign `alg`.
    public static func sign(claims: JSONObject, algorithm: JWSAlgorithm, key: Key, keyID: String? = nil,
                            extraHeader: JSONObject = JSONObject()) throws(CryptoError) -> String {
        var header = JSONObject()
        header.set("alg", .string(algorithm.rawValue))
        header.set("typ", "JWT")
        if let keyID { header.set("kid", .string(keyID)) }
        for m in extraHeader.members { header.set(m.name, m.value) }
        let input = Base64URL.encode(JSONValue.object(header).serializedBytes) + "." + Base64URL.encode(JSONValue.object(claims).serializedBytes)
        let bytes = Array(input.utf8)
        let signature: [UInt8]
        switch key {
        case .asymmetric(let k): signature = try k.sign(algorithm, message: bytes)
        case .secret(let s): signature = try s.sign(algorithm, message: bytes)
        }
        return input + "." + Base64URL.encode(signature)
    }
}
