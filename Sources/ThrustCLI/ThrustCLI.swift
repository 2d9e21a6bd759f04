import ThrustJWT

/// The `thrust-jwt` command line, as a library so it can be tested in-process; `main.swift` only
/// calls `run` and exits with its status.
public enum ThrustCLI {
    /// SPEC "Exit codes".
    public enum ExitCode: Int32, Sendable {
        case success = 0, rejected = 1, usage = 2, noVerdict = 3, expiring = 4
    }

    /// Runs one invocation (`arguments` without the program name) and returns its exit status.
    public static func run(_ arguments: [String]) -> Int32 {
        let status = dispatch(arguments)
        OutputStream.out.flush()
        OutputStream.err.flush()
        return status.rawValue
    }

    static func dispatch(_ arguments: [String]) -> ExitCode {
        guard let first = arguments.first else {
            OutputStream.out.write(HelpText.overview())
            return .success
        }
        let rest = Array(arguments.dropFirst())
        let wantsJSON = rest.contains("--json")
        switch first {
        case "--version", "-V", "version":
            if wantsJSON {
                OutputStream.out.line((["name": "thrust-jwt", "version": .string(Commands.version)] as JSONValue).serialized)
            } else {
                OutputStream.out.line("thrust-jwt \(Commands.version)")
            }
            return .success
        case "--help", "-h":
            OutputStream.out.write(wantsJSON ? HelpText.json(nil).serialized + "\n" : HelpText.overview())
            return .success
        default:
            break
        }
        guard let spec = Commands.find(first) else {
            let names = Commands.all.map(\.name)
            return usage(UsageError("unknown command '\(displayable(first, limit: 40))'\(ArgumentParser.suggestion(first, names)) (see 'thrust-jwt --help')"))
        }
        let args: ParsedArguments
        do { args = try ArgumentParser.parse(rest, spec: spec) } catch { return usage(error) }
        if args.flags.contains("--help") {
            OutputStream.out.write(args.json ? HelpText.json(spec).serialized + "\n" : HelpText.command(spec))
            return .success
        }
        do throws(UsageError) {
            switch spec.name {
            case "decode": return try DecodeCommand.run(args)
            case "verify": return try VerifyCommand.run(args)
            case "jwks": return try JWKSCommand.run(args)
            case "mint": return try MintCommand.run(args)
            case "keygen": return try KeygenCommand.run(args)
            case "check": return try CheckCommand.run(args)
            case "probe": return try ProbeCommand.run(args)
            case "mock": return try MockCommand.run(args)
            case "demo": return try DemoCommand.run(args)
            case "help":
                guard let name = args.positionals.first else {
                    OutputStream.out.write(args.json ? HelpText.json(nil).serialized + "\n" : HelpText.overview())
                    return .success
                }
                guard let target = Commands.find(name) else { throw UsageError("no help for unknown command '\(displayable(name, limit: 40))'") }
                OutputStream.out.write(args.json ? HelpText.json(target).serialized + "\n" : HelpText.command(target))
                return .success
            case "completions":
                guard let shell = args.positionals.first else { throw UsageError("completions needs a shell: bash, zsh or fish") }
                let script = try Completions.script(for: shell)
                OutputStream.out.write(args.json ? (["shell": .string(shell), "script": .string(script)] as JSONValue).serialized + "\n" : script)
                return .success
            default:
                throw UsageError("'\(spec.name)' is not available")
            }
        } catch {
            return usage(error)
        }
    }

    static func usage(_ error: UsageError) -> ExitCode {
        OutputStream.err.line("thrust-jwt: \(error.message)")
        return .usage
    }
}
