import Foundation
import Testing
import ThrustJWT

/// Runs the built `thrust-jwt` binary as a subprocess, as a user would.
enum CLI {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as one JSON object (SPEC: with --json, exactly one object).
        var json: [String: Any] {
            let data = stdout.data(using: .utf8)!
            guard let o = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                Issue.record("stdout is not one JSON object: \(stdout.prefix(300))")
                return [:]
            }
            return o
        }

        var jsonLines: [[String: Any]] {
            stdout.split(separator: "\n").map { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]) ?? [:]
            }
        }
    }

    /// The `thrust-jwt` binary next to the test bundle (SwiftPM builds both into one directory).
    static let binary: URL = {
        if let override = ProcessInfo.processInfo.environment["THRUST_JWT_BIN"] { return URL(fileURLWithPath: override) }
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("thrust-jwt")
    }()

    static func run(_ args: [String], stdin: String? = nil, env: [String: String] = [:], cwd: URL? = nil) throws -> Result {
        let p = Process()
        p.executableURL = binary
        p.arguments = args
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        if let cwd { p.currentDirectoryURL = cwd }
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        let writer = Thread {
            if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let errData = ErrCollector(err.fileHandleForReading)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData.finish(), as: UTF8.self))
    }

    /// Drains stderr on its own thread so a chatty child never blocks on a full pipe.
    final class ErrCollector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            Thread {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }.start()
        }
        func finish() -> Data {
            done.wait()
            return data
        }
    }
}

/// A temporary directory with key material for one test.
final class Workspace {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("thrust-jwt-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        try contents.write(toFile: path(name), atomically: true, encoding: .utf8)
        return path(name)
    }
}

/// Keys and hand-made tokens for attack tests, built with the library.
struct TestKeys {
    let rsa: AsymmetricKey
    let kid = "test-key-1"
    let jwksPath: String
    let publicPEMPath: String
    let publicPEM: String

    init(in ws: Workspace) throws {
        rsa = try AsymmetricKey.generateRSA(bits: 2048)
        let jwk = try JWKExport.publicJWK(rsa, keyID: kid, algorithm: .rs256)
        jwksPath = try ws.write("jwks.json", (["keys": .array([.object(jwk)])] as JSONValue).serialized)
        publicPEM = try rsa.publicPEM()
        publicPEMPath = try ws.write("public.pem", publicPEM)
    }

    /// A signed RS256 token with the given claims (kid set).
    func token(_ claims: JSONObject, header extra: JSONObject = JSONObject(), kid: String? = nil) throws -> String {
        try TokenSigner.sign(claims: claims, algorithm: .rs256, key: .asymmetric(rsa), keyID: kid ?? self.kid, extraHeader: extra)
    }

    /// A token made of raw header/payload JSON texts, signed over exactly those bytes.
    func rawToken(header: String, payload: String) throws -> String {
        let input = Base64URL.encode(Array(header.utf8)) + "." + Base64URL.encode(Array(payload.utf8))
        let sig = try rsa.sign(.rs256, message: Array(input.utf8))
        return input + "." + Base64URL.encode(sig)
    }
}

/// The pinned clock every CLI test uses: 2026-12-03T12:00:00Z.
let testNow: Double = 1_796_299_200
let testNowArg = "@1796299200"

func claims(sub: String? = "user-123", iss: String? = "https://auth.example.com", iat: Double? = testNow - 60,
            exp: Double? = testNow + 3600, extra: [String: JSONValue] = [:]) -> JSONObject {
    var o = JSONObject()
    if let sub { o.set("sub", .string(sub)) }
    if let iss { o.set("iss", .string(iss)) }
    if let iat { o.set("iat", .number(JSONNumber(iat))) }
    if let exp { o.set("exp", .number(JSONNumber(exp))) }
    for (k, v) in extra.sorted(by: { $0.key < $1.key }) { o.set(k, v) }
    return o
}
