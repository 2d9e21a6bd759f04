import Testing
import ThrustJWT

/// The strict RFC 8259 parser used for headers, claims and JWKS documents.
@Suite("StrictJSON")
struct StrictJSONTests {
    static func parses(_ text: String) -> Bool { (try? StrictJSON.parse(text)) != nil }
    static func parses(_ bytes: [UInt8]) -> Bool { (try? StrictJSON.parse(bytes)) != nil }

    static func object(_ text: String) throws -> JSONObject {
        guard case .object(let o) = try StrictJSON.parse(text) else { throw FixtureError("not an object: \(text)") }
        return o
    }

    // MARK: Duplicate member names

    @Test("duplicate member names are refused")
    func duplicates() {
        #expect(!Self.parses(#"{"a":1,"a":2}"#))
        #expect(!Self.parses(#"{"a":1,"b":2,"a":1}"#))
        #expect(!Self.parses(#"{"alg":"RS256","alg":"none"}"#))
        // Different escapes of the same name are the same name.
        #expect(!Self.parses(#"{"a":1,"\u0061":2}"#))
        // Distinct names that only look alike are fine.
        #expect(Self.parses(#"{"a":1,"A":2,"a ":3}"#))
    }

    @Test("duplicate member names are refused in nested objects")
    func nestedDuplicates() {
        #expect(!Self.parses(#"{"x":{"b":1,"b":2}}"#))
        #expect(!Self.parses(#"{"x":[{"ok":1},{"b":1,"b":2}]}"#))
        #expect(!Self.parses(#"[{"k":1,"k":1}]"#))
        #expect(!Self.parses(#"{"a":{"b":{"c":{"d":1,"d":2}}}}"#))
        // The same name at different levels is not a duplicate.
        #expect(Self.parses(#"{"a":{"a":{"a":1}},"b":{"a":2}}"#))
    }

    /// `{"k0":0,"k1":1,…}` with `count` distinct members, then `extra` appended.
    static func bigObject(_ count: Int, extra: String? = nil) -> String {
        var members = (0..<count).map { "\"k\($0)\":\($0)" }
        if let extra { members.append(extra) }
        return "{" + members.joined(separator: ",") + "}"
    }

    @Test("duplicate member names are refused in objects with more than 16 members")
    func largeObjectDuplicates() throws {
        for count in [15, 16, 17, 20, 40, 200] {
            #expect(Self.parses(Self.bigObject(count)), "\(count) distinct members")
            #expect(!Self.parses(Self.bigObject(count, extra: #""k0":9"#)), "\(count) members, then k0 again")
            #expect(!Self.parses(Self.bigObject(count, extra: "\"k\(count - 1)\":9")), "\(count) members, then the last again")
            #expect(!Self.parses(Self.bigObject(count, extra: "\"k\(count / 2)\":9")), "\(count) members, then a middle one again")
        }
        // A duplicate much later than the 17th member, of a name seen after the set was built.
        let late = "{" + (0..<30).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k25\":0,\"k40\":1}"
        #expect(!Self.parses(late))
        // Nested and large.
        #expect(!Self.parses("{\"outer\":" + Self.bigObject(30, extra: #""k3":3"#) + "}"))
        let o = try Self.object(Self.bigObject(40))
        #expect(o.count == 40)
        #expect(o.names == (0..<40).map { "k\($0)" })
    }

    // MARK: Depth

    static func nestedArrays(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    static func nestedObjects(_ depth: Int) -> String {
        // depth 1 is `{}`; each further level wraps it in {"a": … }.
        String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)
    }

    @Test("depth 64 passes and 65 fails (the top-level value is depth 1)")
    func depth() {
        #expect(StrictJSON.defaultMaxDepth == 64)
        #expect(Self.parses(Self.nestedObjects(1)))
        #expect(Self.parses(Self.nestedObjects(64)))
        #expect(!Self.parses(Self.nestedObjects(65)))
        #expect(Self.parses(Self.nestedArrays(64)))
        #expect(!Self.parses(Self.nestedArrays(65)))
        // Mixed nesting counts the same way.
        let mixed64 = String(repeating: #"[{"a":"#, count: 32) + "1" + String(repeating: "}]", count: 32)
        #expect(Self.parses(mixed64))
        let mixed65 = String(repeating: #"[{"a":"#, count: 32) + "[]" + String(repeating: "}]", count: 32)
        #expect(!Self.parses(mixed65))
        // Far deeper input fails cleanly rather than overflowing the stack.
        #expect(!Self.parses(Self.nestedArrays(100_000)))
        // The limit is a parameter.
        #expect((try? StrictJSON.parse(Self.nestedArrays(3), maxDepth: 3)) != nil)
        #expect((try? StrictJSON.parse(Self.nestedArrays(4), maxDepth: 3)) == nil)
    }

    // MARK: Numbers

    @Test("numbers keep their literal")
    func numberLiterals() throws {
        let o = try Self.object(#"{"a":1.50,"b":1735689600,"c":1.5e3,"d":-0,"e":1E+2,"f":0.000,"g":-12.5e-1}"#)
        #expect(o["a"]?.numberValue?.literal == "1.50")
        #expect(o["a"]?.numberValue?.value == 1.5)
        #expect(o["b"]?.numberValue?.literal == "1735689600")
        #expect(o["b"]?.numberValue?.value == 1_735_689_600)
        #expect(o["c"]?.numberValue?.literal == "1.5e3")
        #expect(o["c"]?.numberValue?.value == 1500)
        #expect(o["d"]?.numberValue?.literal == "-0")
        #expect(o["e"]?.numberValue?.literal == "1E+2")
        #expect(o["e"]?.numberValue?.value == 100)
        #expect(o["f"]?.numberValue?.literal == "0.000")
        #expect(o["g"]?.numberValue?.value == -1.25)
        // Serialising echoes the literal.
        #expect(String(decoding: JSONValue.object(o).serializedBytes, as: UTF8.self).contains(#""a":1.50"#))
    }

    @Test("malformed numbers are refused")
    func badNumbers() {
        for s in ["01", "-01", "1.", ".5", "+1", "1e", "1e+", "-", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1.e3", "1e999", "-1e999"] {
            #expect(!Self.parses(s), "\(s)")
            #expect(!Self.parses("[\(s)]"), "[\(s)]")
        }
        for s in ["0", "-0", "1", "-1", "0.5", "1e5", "1E-5", "123456789012345678901234567890"] {
            #expect(Self.parses(s), "\(s)")
        }
    }

    // MARK: Strings

    @Test("escapes decode")
    func escapes() throws {
        let v = try StrictJSON.parse(#"["\"\\\/\b\f\n\r\t","\u0041\u00e9\u20AC","\ud83d\ude00","a\u0000b","plain é €"]"#)
        let items = try #require(v.arrayValue)
        #expect(items[0].stringValue == "\"\\/\u{08}\u{0C}\n\r\t")
        #expect(items[1].stringValue == "Aé€")
        #expect(items[2].stringValue == "😀")
        #expect(items[3].stringValue == "a\u{0}b")
        #expect(items[4].stringValue == "plain é €")
        // Escapes in member names too.
        let o = try Self.object(#"{"\u0061lg":"\u0052S256"}"#)
        #expect(o["alg"]?.stringValue == "RS256")
    }

    @Test("invalid escapes are refused")
    func badEscapes() {
        for s in [#""\x""#, #""\u12""#, #""\u12G4""#, #""\U0041""#, #""\'""#, #""\""#, #""abc\"#, #""\u""#] {
            #expect(!Self.parses(s), "\(s)")
        }
    }

    @Test("lone surrogates are refused")
    func loneSurrogates() {
        for s in [#""\ud800""#, #""\udbff""#, #""\udc00""#, #""\udfff""#, #""\ud800\u0041""#, #""\ud800x""#,
                  #""\ude00\ud83d""#, #""\ud800\ud800""#, #""a\ud83d""#, #"{"\ud800":1}"#] {
            #expect(!Self.parses(s), "\(s)")
        }
        #expect(Self.parses(#""\ud800\udc00""#))
        #expect(Self.parses(#""\udbff\udfff""#))
    }

    /// `"` + bytes + `"`.
    static func quoted(_ bytes: [UInt8]) -> [UInt8] { [0x22] + bytes + [0x22] }

    @Test("invalid UTF-8 is refused")
    func invalidUTF8() {
        let bad: [[UInt8]] = [
            [0xC3, 0x28],              // bad continuation
            [0xC3],                    // truncated sequence
            [0x80],                    // lone continuation byte
            [0xC0, 0xAF],              // overlong "/"
            [0xE0, 0x80, 0xAF],        // overlong
            [0xED, 0xA0, 0x80],        // an encoded surrogate (U+D800)
            [0xF4, 0x90, 0x80, 0x80],  // above U+10FFFF
            [0xFF],
            [0xFE, 0xFF],
        ]
        for b in bad {
            #expect(!Self.parses(Self.quoted(b)), "\(b)")
            #expect(!Self.parses(Self.quoted([0x61] + b + [0x62])), "\(b) inside text")
            // The same after an escape (the parser's slow path).
            #expect(!Self.parses(Self.quoted([0x5C, 0x6E] + b)), "\(b) after an escape")
            // In a member name.
            #expect(!Self.parses([0x7B] + Self.quoted(b) + Array(":1}".utf8)), "\(b) in a member name")
        }
        // Outside strings, any non-ASCII byte is simply not JSON.
        #expect(!Self.parses([0xEF, 0xBB, 0xBF] + Array("{}".utf8)))  // a BOM
        // Valid multi-byte UTF-8 passes on both paths.
        let good: [UInt8] = [0xC3, 0xA9, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80]
        #expect(Self.parses(Self.quoted(good)))
        #expect(Self.parses(Self.quoted([0x5C, 0x74] + good)))
    }

    @Test("control characters in strings are refused")
    func controlCharacters() {
        for c: UInt8 in [0x00, 0x01, 0x08, 0x09, 0x0A, 0x0D, 0x1F] {
            #expect(!Self.parses(Self.quoted([0x61, c, 0x62])), "byte \(c)")
            #expect(!Self.parses(Self.quoted([0x5C, 0x6E, c])), "byte \(c) after an escape")
            #expect(!Self.parses([0x7B] + Self.quoted([c]) + Array(":1}".utf8)), "byte \(c) in a member name")
        }
        // DEL is not a control character for JSON (RFC 8259 §7).
        #expect(Self.parses(Self.quoted([0x7F])))
        // Whitespace between tokens is fine.
        #expect(Self.parses(" \t\r\n{ \"a\" :\n1 } \r\n"))
    }

    @Test("unterminated strings are refused")
    func unterminated() {
        for s in [#"""#, #""abc"#, #"{"a":"b}"#, #"["\n"#, #""\u00e9"#] {
            #expect(!Self.parses(s), "\(s)")
        }
    }

    // MARK: Structure

    @Test("trailing data is refused")
    func trailingData() {
        for s in ["{} x", "{}{}", "1 2", #"{"a":1},"#, "[] []", "{}\u{0}", "true false", "null,", "{}}", "[]]", #""a""b""#] {
            #expect(!Self.parses(s), "\(s)")
        }
        #expect(Self.parses("{}   \n"))
    }

    @Test("other malformed documents are refused")
    func malformed() {
        for s in ["", "   ", "{", "}", "[", "[1,]", "[,1]", #"{"a":1,}"#, #"{,"a":1}"#, #"{"a"}"#, #"{"a":}"#, "{a:1}",
                  "{'a':1}", "tru", "nul", "falsey", "True", "NULL", "[1 2]", #"{"a":1 "b":2}"#, #"{"a" 1}"#, "/*c*/{}"] {
            #expect(!Self.parses(s), "\(s)")
        }
    }

    @Test("values and member order as written")
    func values() throws {
        let o = try Self.object(#"{"z":true,"a":false,"m":null,"s":"x","arr":[1,"2",[3]],"o":{}}"#)
        #expect(o.names == ["z", "a", "m", "s", "arr", "o"])
        #expect(o["z"]?.boolValue == true)
        #expect(o["a"]?.boolValue == false)
        #expect(o["m"]?.isNull == true)
        #expect(o["s"]?.stringValue == "x")
        #expect(o["arr"]?.arrayValue?.count == 3)
        #expect(o["o"]?.objectValue?.isEmpty == true)
        for scalar in ["true", "false", "null", "0", #""""#] { #expect(Self.parses(scalar), "\(scalar)") }
    }
}
