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
        if let fast = input.withContiguousStorageIfAvailable({ decode(buffer: $0) }) { return fast }
        return Array(input).withUnsafeBufferPointer { decode(buffer: $0) }
    }

    /// The decoder proper, over contiguous bytes (the hot path: every token segment). Four
    /// characters at a time into an exactly sized buffer; any byte outside the alphabet poisons
    /// the accumulated OR and rejects the input.
    static func decode(buffer input: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let count = input.count
        let rem = count % 4
        if rem == 1 { return nil }
        let full = count / 4
        let outCount = full * 3 + (rem == 0 ? 0 : rem - 1)
        var valid = true
        let out = [UInt8](unsafeUninitializedCapacity: outCount) { out, initialized in
            table.withUnsafeBufferPointer { t in
                var bad: UInt8 = 0
                var o = 0
                var i = 0
                for _ in 0..<full {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])], c = t[Int(input[i + 2])], d = t[Int(input[i + 3])]
                    bad |= a | b | c | d
                    let v = UInt32(a & 63) << 18 | UInt32(b & 63) << 12 | UInt32(c & 63) << 6 | UInt32(d & 63)
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                    out[o + 2] = UInt8(truncatingIfNeeded: v)
                    o += 3
                    i += 4
                }
                if rem >= 2 {
                    let a = t[Int(input[i])], b = t[Int(input[i + 1])]
                    let c = rem == 3 ? t[Int(input[i + 2])] : 0
                    bad |= a | b | c
                    let v = UInt32(a & 63) << 18 | UInt32(b & 63) << 12 | UInt32(c & 63) << 6
                    out[o] = UInt8(truncatingIfNeeded: v >> 16)
                    if rem == 3 {
                        out[o + 1] = UInt8(truncatingIfNeeded: v >> 8)
                        // Non-canonical: the 2 unused low bits must be zero (RFC 4648 §3.5).
                        if c & 0x3 != 0 { bad = 0xFF }
                    } else if b & 0xF != 0 {
                        bad = 0xFF  // the 4 unused low bits must be zero
                    }
                }
                valid = bad & 0xC0 == 0
                initialized = outCount
            }
        }
        return valid ? out : nil
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
