import ThrustJWT

/// Help generated from the command table.
enum HelpText {
    /// The same table as JSON: every command, or one with its options.
    static func json(_ c: CommandSpec?) -> JSONValue {
        func describe(_ c: CommandSpec) -> JSONValue {
            ["name": .string(c.name), "aliases": .array(c.aliases.map(JSONValue.string)), "summary": .string(c.summary),
             "usage": .string("thrust-jwt \(c.name) [options]\(c.positional.map { " " + $0 } ?? "")"),
             "options": .array(c.allOptions.map { o in
                 ["name": .string(o.name), "value": o.value.map(JSONValue.string) ?? .null, "repeatable": .bool(o.repeatable),
                  "help": .string(o.help)]
             }),
             "examples": .array(c.examples.map(JSONValue.string))]
        }
        if let c { return describe(c) }
        return ["name": "thrust-jwt", "version": .string(Commands.version), "commands": .array(Commands.all.map(describe))]
    }

    static func overview() -> String {
        var s = "thrust-jwt \(Commands.version) — inspect and validate Thrust API credentials (Ory JWTs and API keys)\n\n"
        s += "Usage: thrust-jwt COMMAND [options]\n\nCommands:\n"
        for c in Commands.all {
            let name = c.aliases.isEmpty ? c.name : "\(c.name) (\(c.aliases.joined(separator: ", ")))"
            s += "  \(pad(name, 24)) \(c.summary)\n"
        }
        s += "\nExit codes: 0 success, 1 rejected, 2 usage, 3 no verdict (network/key source), 4 expiring soon.\n"
        s += "Run 'thrust-jwt help COMMAND' or 'thrust-jwt COMMAND --help' for a command's options.\n"
        return s
    }

    static func command(_ c: CommandSpec) -> String {
        var s = "thrust-jwt \(c.name) — \(c.summary)\n\n"
        s += "Usage: thrust-jwt \(c.name) [options]\(c.positional.map { " " + $0 } ?? "")\n"
        if !c.aliases.isEmpty { s += "Aliases: \(c.aliases.joined(separator: ", "))\n" }
        if !c.details.isEmpty { s += "\n" + c.details.joined(separator: "\n") + "\n" }
        s += "\nOptions:\n"
        for o in c.allOptions {
            let left = o.value.map { "\(o.name) \($0)" } ?? o.name
            s += "  \(pad(left, 30)) \(o.help)\n"
        }
        if !c.examples.isEmpty {
            s += "\nExamples:\n" + c.examples.map { "  " + $0 }.joined(separator: "\n") + "\n"
        }
        return s
    }
}

/// Shell completion scripts from the same table.
enum Completions {
    static func script(for shell: String) throws(UsageError) -> String {
        let names = Commands.all.flatMap { [$0.name] + $0.aliases }
        switch shell {
        case "bash":
            var s = "# bash completion for thrust-jwt\n_thrust_jwt() {\n  local cur=\"${COMP_WORDS[COMP_CWORD]}\" cmd=\"${COMP_WORDS[1]}\"\n"
            s += "  if [ \"$COMP_CWORD\" -eq 1 ]; then COMPREPLY=($(compgen -W \"\(names.joined(separator: " ")) --help --version\" -- \"$cur\")); return; fi\n"
            s += "  case \"$cmd\" in\n"
            for c in Commands.all {
                let opts = c.allOptions.map(\.name).joined(separator: " ")
                s += "    \(([c.name] + c.aliases).joined(separator: "|"))) COMPREPLY=($(compgen -W \"\(opts)\" -- \"$cur\")) ;;\n"
            }
            s += "  esac\n}\ncomplete -o default -F _thrust_jwt thrust-jwt\n"
            return s
        case "zsh":
            var s = "#compdef thrust-jwt\n_thrust_jwt() {\n  local -a commands\n  commands=(\n"
            for c in Commands.all { s += "    '\(c.name):\(c.summary.replacingQuotes)'\n" }
            s += "  )\n  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi\n  case $words[2] in\n"
            for c in Commands.all {
                let opts = c.allOptions.map { "'\($0.name)[\($0.help.replacingQuotes.replacingBrackets)]\($0.value == nil ? "" : ":\($0.value!.replacingQuotes):_files")'" }
                s += "    \(([c.name] + c.aliases).joined(separator: "|"))) _arguments \(opts.joined(separator: " ")) '*:file:_files' ;;\n"
            }
            s += "  esac\n}\n_thrust_jwt \"$@\"\n"
            return s
        case "fish":
            var s = "# fish completion for thrust-jwt\ncomplete -c thrust-jwt -f\n"
            for c in Commands.all {
                s += "complete -c thrust-jwt -n '__fish_use_subcommand' -a \(c.name) -d '\(c.summary.replacingQuotes)'\n"
                for o in c.allOptions {
                    let long = String(o.name.dropFirst(2))
                    s += "complete -c thrust-jwt -n '__fish_seen_subcommand_from \(([c.name] + c.aliases).joined(separator: " "))' -l \(long)\(o.value == nil ? "" : " -r") -d '\(o.help.replacingQuotes)'\n"
                }
            }
            return s
        default:
            throw UsageError("completions supports bash, zsh and fish, not '\(displayable(shell, limit: 20))'")
        }
    }
}

extension String {
    var replacingQuotes: String { String(map { $0 == "'" ? "\u{2019}" : $0 }) }
    var replacingBrackets: String { String(map { $0 == "[" ? "(" : $0 == "]" ? ")" : $0 }) }
}
