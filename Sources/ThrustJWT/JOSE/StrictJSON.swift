/// Why a JSON text was refused; `message` is short and safe to show (it never quotes the input).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public var description: String { "\(message) at byte \(offset)" }
}

/// A strict RFC 8259 parser over bytes, for JOSE headers, claim sets and JWKS documents.
///
/// It rejects what a lenient parser would let through and a JOSE library must not: duplicate
/// member names (RFC 7515 §5.2, RFC 8725 §3.11 spirit), invalid UTF-8, lone surrogates, control
/// characters in strings, trailing data, and nesting deeper than `maxDepth` (the top-level value
/// is depth 1).
public struct StrictJSON {
    public static let defaultMaxDepth = 64

    public static func parse<C: Collection>(_ bytes: C, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue
    where C.Element == UInt8 {
        let array = bytes as? [UInt8] ?? Array(bytes)
        return try array.withUnsafeBufferPointer { (buf) throws(JSONParseError) -> JSONValue in
            var p = Parser(buf: buf, maxDepth: maxDepth)
            p.skipWhitespace()
            let v = try p.value(depth: 1)
            p.skipWhitespace()
            if p.i != buf.count { throw p.fail("unexpected data after the JSON value") }
            return v
        }
    }

    public static func parse(_ string: String, maxDepth: Int = defaultMaxDepth) throws(JSONParseError) -> JSONValue {
        try parse(Array(string.utf8), maxDepth: maxDepth)
    }

    private struct Parser {
        let buf: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var i = 0

        init(buf: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.buf = buf
            self.maxDepth = maxDepth
        }

        func fail(_ message: String) -> JSONParseError { JSONParseError(message: message, offset: i) }

        mutating func skipWhitespace() {
            while i < buf.count {
                switch buf[i] {
                case 0x20, 0x09, 0x0A, 0x0D: i += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
            guard i < buf.count else { throw fail("unexpected end of JSON") }
            switch buf[i] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
            default: throw fail("invalid JSON value")
            }
        }

        mutating func literal(_ word: StaticString) throws(JSONParseError) {
            let n = word.utf8CodeUnitCount
            guard i + n <= buf.count else { throw fail("invalid JSON literal") }
            let w = word.utf8Start
            for k in 0..<n where buf[i + k] != w[k] { throw fail("invalid JSON literal") }
            i += n
        }

        mutating func object(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw fail("JSON nested deeper than \(maxDepth) levels") }
            i += 1
            var members: [JSONObject.Member] = []
            var seen: Set<String>? = nil  // built only for large objects; small ones scan
            skipWhitespace()
            if i < buf.count, buf[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(members)) }
            while true {
                skipWhitespace()
                guard i < buf.count, buf[i] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                let start = i
                let name = try string()
                if members.count < 16 {
                    if members.contains(where: { $0.name == name }) {
                        i = start
                        throw fail("duplicate member name \"\(Parser.safeName(name))\"")
                    }
                } else {
                    if seen == nil { seen = Set(members.map(\.name)) }
                    if !seen!.insert(name).inserted {
                        i = start
                        throw fail("duplicate member name \"\(Parser.safeName(name))\"")
                    }
                }
                skipWhitespace()
                guard i < buf.count, buf[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipWhitespace()
                let v = try value(depth: depth + 1)
                members.append(JSONObject.Member(name: name, value: v))
                skipWhitespace()
                guard i < buf.count else { throw fail("unterminated object") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "}") { i += 1; return .object(JSONObject(members)) }
                throw fail("expected ',' or '}'")
            }
        }

        /// Member names are shown in errors; keep them short and printable.
        static func safeName(_ name: String) -> String {
            let printable = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }
            if !printable { return "…" }
            return name.count > 40 ? String(name.prefix(40)) + "…" : name
        }

        mutating func array(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth <= maxDepth else { throw fail("JSON nested deeper than \(maxDepth) levels") }
            i += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if i < buf.count, buf[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipWhitespace()
                items.append(try value(depth: depth + 1))
                skipWhitespace()
                guard i < buf.count else { throw fail("unterminated array") }
                if buf[i] == UInt8(ascii: ",") { i += 1; continue }
                if buf[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        mutating func number() throws(JSONParseError) -> JSONNumber {
            let start = i
            if buf[i] == UInt8(ascii: "-") { i += 1 }
            guard i < buf.count else { throw fail("invalid number") }
            if buf[i] == UInt8(ascii: "0") {
                i += 1
            } else if (UInt8(ascii: "1")...UInt8(ascii: "9")).contains(buf[i]) {
                while i < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[i]) { i += 1 }
            } else {
                throw fail("invalid number")
            }
            if i < buf.count, buf[i] == UInt8(ascii: ".") {
                i += 1
                let fracStart = i
                while i < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[i]) { i += 1 }
                if i == fracStart { throw fail("invalid number") }
            }
            if i < buf.count, buf[i] == UInt8(ascii: "e") || buf[i] == UInt8(ascii: "E") {
                i += 1
                if i < buf.count, buf[i] == UInt8(ascii: "+") || buf[i] == UInt8(ascii: "-") { i += 1 }
                let expStart = i
                while i < buf.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(buf[i]) { i += 1 }
                if i == expStart { throw fail("invalid number") }
            }
            let literal = String(decoding: UnsafeBufferPointer(rebasing: buf[start..<i]), as: UTF8.self)
            guard let value = Double(literal), value.isFinite else { throw fail("number out of range") }
            return JSONNumber(literal: literal, value: value)
        }

        mutating func hex4() throws(JSONParseError) -> UInt32 {
            guard i + 4 <= buf.count else { throw fail("invalid \\u escape") }
            var v: UInt32 = 0
            for _ in 0..<4 {
                let c = buf[i]
                let d: UInt32
                switch c {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
                case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
                case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
                default: throw fail("invalid \\u escape")
                }
                v = v << 4 | d
                i += 1
            }
            return v
        }

        mutating func string() throws(JSONParseError) -> String {
            i += 1  // opening quote
            let start = i
            // Fast path: no escapes up to the closing quote. Pure ASCII needs no UTF-8 validation
            // (and `String(decoding:)` is several times cheaper than `String(validating:)`).
            var ascii = true
            while i < buf.count {
                let c = buf[i]
                if c == UInt8(ascii: "\"") {
                    let slice = UnsafeBufferPointer(rebasing: buf[start..<i])
                    i += 1
                    if ascii { return String(decoding: slice, as: UTF8.self) }
                    guard let s = String(validating: slice, as: UTF8.self) else {
                        i = start
                        throw fail("invalid UTF-8 in string")
                    }
                    return s
                }
                if c == UInt8(ascii: "\\") { break }
                if c < 0x20 { throw fail("control character in string") }
                if c >= 0x80 { ascii = false }
                i += 1
            }
            guard i < buf.count else { throw fail("unterminated string") }
            // Slow path: escapes.
            var out = Array(UnsafeBufferPointer(rebasing: buf[start..<i]))
            while i < buf.count {
                let c = buf[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    guard let s = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
                    return s
                }
                if c < 0x20 { throw fail("control character in string") }
                if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
                i += 1
                guard i < buf.count else { throw fail("unterminated string") }
                let e = buf[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard i + 1 < buf.count, buf[i] == UInt8(ascii: "\\"), buf[i + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in string")
                        }
                        i += 2
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in string") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw fail("lone surrogate in string")
                    }
                    guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                    out.append(contentsOf: UTF8.encode(u)!)
                default:
                    throw fail("invalid escape in string")
                }
            }
            throw fail("unterminated string")
        }
    }
}
