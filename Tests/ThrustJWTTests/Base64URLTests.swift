import Testing
import ThrustJWT

/// Base64url as JWS uses it (RFC 7515 §2, RFC 4648 §5): unpadded, canonical, nothing else.
@Suite("Base64URL")
struct Base64URLTests {
    /// RFC 4648 §10 test vectors, written unpadded (RFC 7515 §2 strips the `=`).
    static let rfc4648: [(String, String)] = [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 §10 vectors round trip")
    func rfc4648Vectors() {
        for (plain, encoded) in Self.rfc4648 {
            #expect(Base64URL.encode(Array(plain.utf8)) == encoded, "encode \"\(plain)\"")
            #expect(Base64URL.decode(encoded) == Array(plain.utf8), "decode \"\(encoded)\"")
        }
    }

    @Test("the URL-safe alphabet: - and _ in place of + and /")
    func urlSafeAlphabet() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_8") == [0xFB, 0xFF])
        #expect(Base64URL.encode([0xFF, 0xFF, 0xFF]) == "____")
        #expect(Base64URL.encode([0xFB, 0xEF, 0xBE]) == "----")
        // The same bytes in standard base64 are refused.
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64URL.decode("++++") == nil)
        #expect(Base64URL.decode("////") == nil)
        #expect(Base64URL.decode("Zm9v+A") == nil)
        #expect(Base64URL.decode("Zm9v/A") == nil)
    }

    @Test("padding is refused")
    func paddingRefused() {
        for s in ["Zg==", "Zm8=", "Zg=", "Zm9v====", "=", "==", "Zm9vYg=="] {
            #expect(Base64URL.decode(s) == nil, "\"\(s)\"")
        }
    }

    @Test("whitespace and other bytes outside the alphabet are refused")
    func whitespaceRefused() {
        for s in ["Zm9v Yg", " Zm9v", "Zm9v ", "Zm9v\nYmFy", "Zm9v\r\n", "\tZm9v", "Zm9v.Yg", "Zm9v!", "Zm9vYé"] {
            #expect(Base64URL.decode(s) == nil, "\(Array(s.utf8))")
        }
        #expect(Base64URL.decode([0x5A, 0x6D, 0x00, 0x76]) == nil)  // NUL
        #expect(Base64URL.decode([0x5A, 0x6D, 0x39, 0xFF]) == nil)  // a high byte
    }

    @Test("a length of 1 mod 4 is refused")
    func lengthOneModFour() {
        for s in ["Q", "QUJDR", "Zm9vY", "AAAAA", "_", "Zm9vYmFyQ"] {
            #expect(Base64URL.decode(s) == nil, "\"\(s)\"")
        }
    }

    @Test("non-canonical trailing bits are refused (RFC 4648 §3.5)")
    func nonCanonicalTrailingBits() {
        // Two characters carry 8 data bits; the low 4 bits of the second must be zero.
        #expect(Base64URL.decode("QQ") == [0x41])  // "A", canonical
        #expect(Base64URL.encode([0x41]) == "QQ")
        for s in ["QR", "QS", "QT", "QU", "QV", "Qf", "Q_"] {
            #expect(Base64URL.decode(s) == nil, "\"\(s)\"")
        }
        // Three characters carry 16 data bits; the low 2 bits of the third must be zero.
        #expect(Base64URL.decode("QUI") == [0x41, 0x42])  // "AB", canonical
        for s in ["QUJ", "QUK", "QUL"] {
            #expect(Base64URL.decode(s) == nil, "\"\(s)\"")
        }
        // The same rule after full groups.
        #expect(Base64URL.decode("Zm9vQQ") == Array("fooA".utf8))
        #expect(Base64URL.decode("Zm9vQR") == nil)
    }

    @Test("every length and byte value round trips")
    func roundTripAll() {
        let allBytes = (0...255).map { UInt8($0) }
        for length in 0...allBytes.count {
            let bytes = Array(allBytes.prefix(length))
            let encoded = Base64URL.encode(bytes)
            #expect(!encoded.contains("="))
            #expect(encoded.utf8.count == (length * 4 + 2) / 3)
            #expect(Base64URL.decode(encoded) == bytes, "length \(length)")
        }
        for length in 0..<40 {
            let bytes = SecureRandom.bytes(length)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test("standard base64 for secrets: padding optional, the URL alphabet refused")
    func standardBase64() {
        #expect(Base64URL.decodeStandard("Zm9vYg==") == Array("foob".utf8))
        #expect(Base64URL.decodeStandard("Zm9vYg") == Array("foob".utf8))
        #expect(Base64URL.decodeStandard("+/8=") == [0xFB, 0xFF])
        #expect(Base64URL.decodeStandard("-_8=") == nil)
        #expect(Base64URL.decodeStandard("Zm9v Yg==") == nil)
        for (plain, encoded) in Self.rfc4648 {
            let padded = encoded + String(repeating: "=", count: (4 - encoded.count % 4) % 4)
            #expect(Base64URL.decodeStandard(padded) == Array(plain.utf8), "\"\(padded)\"")
        }
    }
}
