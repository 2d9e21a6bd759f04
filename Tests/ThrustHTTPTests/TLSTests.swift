import Foundation
import Testing
import ThrustHTTP
import ThrustServer

/// HTTPS against a real TLS server on 127.0.0.1 with a throwaway certificate: verification is
/// always on, a private CA can be trusted explicitly, and https never redirects to http.
@Suite struct TLSTests {
    /// A self-signed certificate for IP 127.0.0.1, made with the openssl tool.
    static func certificate() throws -> (cert: String, key: String, certPath: String) {
        let dir = tempDirectory()
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        p.arguments = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", dir + "/key.pem", "-out", dir + "/cert.pem",
                       "-days", "2", "-subj", "/CN=thrust-test", "-addext", "subjectAltName=IP:127.0.0.1"]
        p.standardOutput = Pipe()
        p.standardError = Pipe()
        try p.run()
        p.waitUntilExit()
        return (try String(contentsOfFile: dir + "/cert.pem", encoding: .utf8), try String(contentsOfFile: dir + "/key.pem", encoding: .utf8),
                dir + "/cert.pem")
    }

    @Test func verificationIsOnAndACAFileCanBeTrusted() throws {
        let (cert, key, certPath) = try Self.certificate()
        let plain = try HTTPServer { _ in .json(200, "{}") }
        defer { plain.stop() }
        let plainURL = plain.baseURL + "/jwks.json"
        let server = try HTTPServer(tls: .init(certificatePEM: cert, privateKeyPEM: key)) { req in
            switch req.path {
            case "/jwks.json": return .json(200, #"{"keys":[]}"#)
            case "/to-http": return .init(status: 302, headers: [("Location", plainURL)])
            default: return .json(404, "{}")
            }
        }
        defer { server.stop() }
        #expect(server.baseURL.hasPrefix("https://127.0.0.1:"))
        // The system store does not know this certificate: a TLS error, never a silent pass.
        do {
            _ = try HTTPClient(configuration: .init(timeout: 5)).send(HTTPRequest(url: server.baseURL + "/jwks.json"))
            Issue.record("an untrusted certificate was accepted")
        } catch {
            #expect(error.kind == "tls", "\(error)")
        }
        let trusting = HTTPClient(configuration: .init(timeout: 5, caFile: certPath))
        let r = try trusting.send(HTTPRequest(url: server.baseURL + "/jwks.json"))
        #expect(r.status == 200)
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"keys":[]}"#)
        // https → http is refused even to loopback.
        do {
            _ = try trusting.send(HTTPRequest(url: server.baseURL + "/to-http"))
            Issue.record("a redirect from https to http was followed")
        } catch {
            #expect(error.kind == "redirect_refused")
        }
    }
}
