import Foundation
import ThrustJWT

/// Shared helpers for the vector tests: fixture paths, hex, JSON member access.
enum TestSupport {
    /// `/…/Fixtures`, found from this file's own path (Tests/ThrustJWTTests/TestSupport.swift).
    static let fixturesDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // ThrustJWTTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("Fixtures", isDirectory: true)

    static func fixture(_ relativePath: String) throws -> [UInt8] {
        let url = fixturesDirectory.appendingPathComponent(relativePath)
        return [UInt8](try Data(contentsOf: url))
    }

    /// Lower- or upper-case hex to bytes; nil on odd length or a non-hex character.
    static func hex(_ s: String) -> [UInt8]? {
        let chars = Array(s.utf8)
        guard chars.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(chars.count / 2)
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// A JWK parsed from JSON text (the RFC examples are written as JSON).
    static func jwk(_ json: String) throws -> JWK {
        try JWK(json: Array(json.utf8))
    }
}

/// Failure for a fixture that does not have the shape the test expects.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension JSONObject {
    func string(_ name: String) throws -> String {
        guard let s = self[name]?.stringValue else { throw FixtureError("member \"\(name)\" is missing or not a string") }
        return s
    }

    func object(_ name: String) throws -> JSONObject {
        guard let o = self[name]?.objectValue else { throw FixtureError("member \"\(name)\" is missing or not an object") }
        return o
    }

    func array(_ name: String) throws -> [JSONValue] {
        guard let a = self[name]?.arrayValue else { throw FixtureError("member \"\(name)\" is missing or not an array") }
        return a
    }

    func int(_ name: String) throws -> Int {
        guard let n = self[name]?.numberValue, let i = Int(exactly: n.value) else {
            throw FixtureError("member \"\(name)\" is missing or not an integer")
        }
        return i
    }

    func hexBytes(_ name: String) throws -> [UInt8] {
        guard let b = TestSupport.hex(try string(name)) else { throw FixtureError("member \"\(name)\" is not hex") }
        return b
    }
}
