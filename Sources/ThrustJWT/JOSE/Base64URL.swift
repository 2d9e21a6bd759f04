/// Base64url without padding, exactly as RFC 7515 §2 and RFC 4648 §5 define it for JWS.
///
/// Strict on purpose: `=`, `+`, `/`, whitespace and a length of 1 mod 4 are rejected, and so are
/// non-canonical trailing bits (RFC 4648 §3.5), so one signature has exactly one encoding.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// 0xFF marks a byte outside the base64url alphabet.
    private static let table: [UInt8] = {
        var t = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { t[Int(c)] = UInt8(i) }
        return t
    }()

    /// Decodes `input`, or returns nil when it is not canonical unpadded base64url.
    public static func decode<C: Collection>(_ input: C) -> [UInt8]? where C.Element == UInt8 {
        let count = input.count
        if count % 4 == 1 { return nil }
        var out = [UInt8]()
        out.reserveCapacity(count * 3 / 4)
        return table.withUnsafeBufferPointer { t -> [UInt8]? in
            var acc: UInt32 = 0
            var n = 0
            for c in input {
                let v = t[Int(c)]
                if v == 0xFF { return nil }
                acc = (acc << 6) | UInt32(v)
                n += 1
                if n == 4 {
                    out.append(UInt8(truncatingIfNeeded: acc >> 16))
                    out.append(UInt8(truncatingIfNeeded: acc >> 8))
                    out.append(UInt8(truncatingIfNeeded: acc))
                    acc = 0
                    n = 0
                }
            }
            switch n {
            case 2:  // 12 bits: 8 of data, the low 4 must be zero
                if acc & 0xF != 0 { return nil }
                out.append(UInt8(truncatingIfNeeded: acc >> 4))
            case 3:  // 18 bits: 16 of data, the low 2 must be zero
                if acc & 0x3 != 0 { return nil }
                out.append(UInt8(truncatingIfNeeded: acc >> 10))
                out.append(UInt8(truncatingIfNeeded: acc >> 2))
            default:
                break
            }
            return out
        }
    }

    /// Decodes a string; nil when it is not canonical unpadded base64url.
    public static func decode(_ string: String) -> [UInt8]? { decode(Array(string.utf8)) }

    /// Encodes bytes as unpadded base64url.
    public static func encode<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var it = bytes.makeIterator()
        while let a = it.next() {
            let b = it.next(), c = it.next()
            let v = UInt32(a) << 16 | UInt32(b ?? 0) << 8 | UInt32(c ?? 0)
            out.append(alphabet[Int(v >> 18 & 63)])
            out.append(alphabet[Int(v >> 12 & 63)])
            if b != nil { out.append(alphabet[Int(v >> 6 & 63)]) }
            if c != nil { out.append(alphabet[Int(v & 63)]) }
            if c == nil { break }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Standard base64 (RFC 4648 §4, padded) decoding, for secrets given as `--secret-encoding base64`.
    /// Whitespace is not allowed; padding is optional.
    public static func decodeStandard(_ string: String) -> [UInt8]? {
        var bytes = Array(string.utf8)
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for i in bytes.indices {
            switch bytes[i] {
            case UInt8(ascii: "+"): bytes[i] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): bytes[i] = UInt8(ascii: "_")
            case UInt8(ascii: "-"), UInt8(ascii: "_"): return nil
            default: break
            }
        }
        return decode(bytes)
    }
}
