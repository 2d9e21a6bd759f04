#if canImport(Glibc)
import Glibc
#endif
import ThrustJWT
import ThrustMock

/// `mock`: a local Thrust API emulator until SIGINT/SIGTERM (SPEC "mock").
enum MockCommand {
    static func configuration(_ args: ParsedArguments) throws(UsageError) -> MockAPI.Configuration {
        var config = MockAPI.Configuration()
        if let host = args.value("--host") { config.host = host == "localhost" ? "127.0.0.1" : host }
        if let port = args.value("--port") {
            guard let p = Int(port), (0...65535).contains(p) else { throw UsageError("--port takes a number from 0 to 65535") }
            config.port = p
        }
        if let path = args.value("--key") {
            let bytes = try Inputs.readFile(path, what: "key file")
            do {
                let loaded = try KeyFile.signingKey(bytes)
                config.key = loaded.key
                config.keyID = loaded.keyID
            } catch {
                throw UsageError("key file '\(displayable(path, limit: 200))' \(error.message)")
            }
        }
        config.requiredScope = args.value("--scope-required")
        config.latency = try Inputs.duration(args, "--latency") ?? 0
        if let status = args.value("--jwks-status") {
            guard let code = Int(status), (100...599).contains(code) else { throw UsageError("--jwks-status takes an HTTP status code") }
            config.jwksStatus = code
        }
        return config
    }

    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let config = try configuration(args)
        // Block the signals before the server's threads exist, so they inherit the mask and the
        // main thread alone receives them in sigwait.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        let mock: MockAPI
        do { mock = try MockAPI(config) } catch { throw UsageError("mock: \(error.message)") }
        let token = mock.token(scopes: config.requiredScope.map { [$0] } ?? [])
        if args.json {
            OutputStream.out.line((["base_url": .string(mock.baseURL), "issuer": .string(mock.issuer), "jwks_url": .string(mock.jwksURL),
                                    "token": .string(token)] as JSONValue).serialized)
        } else {
            OutputStream.out.line("base_url=\(mock.baseURL)")
            OutputStream.out.line("issuer=\(mock.issuer)")
            OutputStream.out.line("jwks_url=\(mock.jwksURL)")
            OutputStream.out.line("token=\(token)")
        }
        OutputStream.out.flush()
        if !args.quiet {
            var extras: [String] = []
            if let s = config.requiredScope { extras.append("get-notifications requires scope \(s)") }
            if config.latency > 0 { extras.append("latency \(DurationText.describe(config.latency))") }
            if let j = config.jwksStatus { extras.append("JWKS answers \(j)") }
            OutputStream.err.line("mock Thrust API serving on \(mock.issuer)\(extras.isEmpty ? "" : " (" + extras.joined(separator: ", ") + ")"); Ctrl-C stops it")
            OutputStream.err.flush()
        }
        var received: Int32 = 0
        sigwait(&signals, &received)
        mock.stop()
        if !args.quiet { OutputStream.err.line("mock stopped (\(received == SIGINT ? "SIGINT" : "SIGTERM"))") }
        return .success
    }
}
