/// A compact-serialised JWS (RFC 7515 §7.1) split and parsed in the order SPEC judges faults:
/// the compact form and header first, the payload and signature only when asked.
///
/// The signing input is kept as the exact bytes received; nothing is ever re-encoded to verify.
public struct CompactToken: Sendable {
    /// The default cap on the compact token (SPEC: 16384 bytes pass, 16385 are malformed).
    public static let defaultMaxBytes = 16_384

    public let header: JOSEHeader
    /// The token's bytes; `signingInput` and the segments are ranges of it.
    public let bytes: [UInt8]
    let payloadRange: Range<Int>
    let signatureRange: Range<Int>

    /// `BASE64URL(header) '.' BASE64URL(payload)` exactly as received.
    public var signingInput: ArraySlice<UInt8> { bytes[0..<(payloadRange.upperBound)] }

    /// The signature segment as text, for the shortened display (`first 6 chars + …`).
    public var encodedSignature: String { String(decoding: bytes[signatureRange], as: UTF8.self) }

    /// Parses the compact form and the protected header.
    /// - Throws: `Rejection` `.missingToken` for an empty token; `.malformed` for an oversize token,
    ///   a wrong number of segments, bad base64url or a bad header; `.encrypted` for a 5-part JWE
    ///   whose header parses.
    public init(_ token: String, maxBytes: Int = defaultMaxBytes) throws(Rejection) {
        try self.init(bytes: Array(token.utf8), maxBytes: maxBytes)
    }

    public init(bytes: [UInt8], maxBytes: Int = defaultMaxBytes) throws(Rejection) {
        if bytes.isEmpty { throw Rejection(.missingToken, "no token was given") }
        if bytes.count > maxBytes {
            throw Rejection(.malformed, "token is \(bytes.count) bytes, over the \(maxBytes)-byte cap")
        }
        var dots: [Int] = []
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: ".") {
            dots.append(i)
            if dots.count > 4 { break }
        }
        guard dots.count == 2 || dots.count == 4 else {
            throw Rejection(.malformed, "not a compact JWS: \(min(dots.count, 5) + 1) segments where 3 are required")
        }
        let headerSegment = bytes[0..<dots[0]]
        guard !headerSegment.isEmpty, let headerJSON = Base64URL.decode(headerSegment) else {
            throw Rejection(.malformed, "header segment is not valid base64url")
        }
        let header = try JOSEHeader(json: headerJSON)
        if dots.count == 4 {
            throw Rejection(.encrypted, "a 5-part compact JWE (alg \(header.algorithmName)): it cannot be verified with a signing key")
        }
        self.header = header
        self.bytes = bytes
        payloadRange = (dots[0] + 1)..<dots[1]
        signatureRange = (dots[1] + 1)..<bytes.count
    }

    /// The decoded payload bytes.
    /// - Throws: `Rejection(.malformed)` when the segment is not valid base64url.
    public func payload() throws(Rejection) -> [UInt8] {
        guard let p = Base64URL.decode(bytes[payloadRange]) else {
            throw Rejection(.malformed, "payload segment is not valid base64url")
        }
        return p
    }

    /// The claim set: the payload must be a JSON object (a JWS whose payload is not is not a JWT).
    public func claims() throws(Rejection) -> ClaimSet {
        try ClaimSet(json: payload())
    }

    /// The decoded signature bytes.
    /// - Throws: `Rejection(.malformed)` when the segment is not valid base64url.
    public func signature() throws(Rejection) -> [UInt8] {
        guard let s = Base64URL.decode(bytes[signatureRange]) else {
            throw Rejection(.malformed, "signature segment is not valid base64url")
        }
        return s
    }

    /// The shortened signature for human output: never the whole token.
    public var signaturePreview: String {
        let s = encodedSignature
        return s.count <= 6 ? s : String(s.prefix(6)) + "…"
    }
}
