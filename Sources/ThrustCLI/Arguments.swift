/// The command table: each command declares its options once, and the parser, `--help` and the
/// shell completions all read that one declaration.
struct OptionSpec: Sendable {
    let name: String
    /// The value's placeholder (`URL|FILE`); nil for a flag.
    let value: String?
    let repeatable: Bool
    let help: String

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, value: nil, repeatable: false, help: help) }
    static func value(_ name: String, _ placeholder: String, _ help: String, repeatable: Bool = false) -> OptionSpec {
        OptionSpec(name: name, value: placeholder, repeatable: repeatable, help: help)
    }
}

struct CommandSpec: Sendable {
    let name: String
    var aliases: [String] = []
    let summary: String
    /// `[TOKEN]`, `SOURCE`, …
    var positional: String? = nil
    var maxPositionals: Int = 0
    let options: [OptionSpec]
    var details: [String] = []
    var examples: [String] = []

    /// Every command takes these (SPEC: every command has `--json`; `--quiet`; `--help`).
    static let common: [OptionSpec] = [
        .flag("--json", "print one JSON object on stdout"),
        .flag("--quiet", "print nothing but errors"),
        .flag("--help", "show this help"),
    ]

    var allOptions: [OptionSpec] { options + CommandSpec.common }
}

/// A usage error: one line on stderr, exit 2, nothing on stdout.
struct UsageError: Error, Sendable {
    let message: String
    init(_ message: String) { self.message = message }
}

struct ParsedArguments: Sendable {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func has(_ name: String) -> Bool { flags.contains(name) || values[name] != nil }
    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
    var json: Bool { flags.contains("--json") }
    var quiet: Bool { flags.contains("--quiet") }
}

enum ArgumentParser {
    /// Parses `args` against `spec`: `--name value`, `--name=value`, flags, `--` and `-`.
    static func parse(_ args: [String], spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var result = ParsedArguments()
        let options = spec.allOptions
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let arg = args[i]
            i += 1
            if onlyPositionals || arg == "-" || !arg.hasPrefix("-") {
                result.positionals.append(arg)
                continue
            }
            if arg == "--" { onlyPositionals = true; continue }
            if arg == "-h" { result.flags.insert("--help"); continue }
            var name = arg
            var inline: String? = nil
            if let eq = arg.firstIndex(of: "=") {
                name = String(arg[..<eq])
                inline = String(arg[arg.index(after: eq)...])
            }
            guard let option = options.first(where: { $0.name == name }) else {
                throw UsageError("unknown option '\(displayable(name, limit: 40))' for '\(spec.name)'\(suggestion(name, options.map(\.name))) (see 'thrust-jwt \(spec.name) --help')")
            }
            if option.value == nil {
                if inline != nil { throw UsageError("\(name) takes no value") }
                result.flags.insert(name)
                continue
            }
            let value: String
            if let inline {
                value = inline
            } else {
                guard i < args.count, !(args[i].hasPrefix("--") && args[i].count > 2) else {
                    throw UsageError("\(name) needs a value (\(option.value!))")
                }
                value = args[i]
                i += 1
            }
            if !option.repeatable, result.values[name] != nil {
                throw UsageError("\(name) was given more than once")
            }
            result.values[name, default: []].append(value)
        }
        if result.positionals.count > spec.maxPositionals && !result.flags.contains("--help") {
            let extra = result.positionals[spec.maxPositionals]
            if spec.maxPositionals == 0 {
                throw UsageError("'\(spec.name)' takes no arguments, but got '\(displayable(extra, limit: 20))'")
            }
            throw UsageError("too many arguments for '\(spec.name)' (expected \(spec.positional ?? "none"))")
        }
        return result
    }

    /// " (did you mean '--jwks'?)" when a known name is one or two edits away.
    static func suggestion(_ name: String, _ known: [String]) -> String {
        let best = known.map { ($0, distance(name, $0)) }.min { $0.1 < $1.1 }
        guard let (candidate, d) = best, d <= 2 else { return "" }
        return "; did you mean '\(candidate)'?"
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var prev = Array(0...b.count)
        for i in 1...a.count {
            var cur = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            prev = cur
        }
        return prev[b.count]
    }
}
