import ThrustJWT

/// `decode`: what a credential is, never whether it is genuine.
enum DecodeCommand {
    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        let now = try Inputs.now(args)
        let token = try Inputs.token(args, implicitStdin: true)
        let inspection: CredentialInspection
        do {
            inspection = try CredentialInspection(token, now: now)
        } catch {
            if args.json {
                let o: JSONValue = ["kind": .null, "flavour": .null, "prefix": .null, "header": .null, "claims": .null,
                                    "signature_bytes": .null,
                                    "times": ["iat": .null, "nbf": .null, "exp": .null, "expires_in_seconds": .null],
                                    "warnings": .array([]), "reason": .string(error.reason.rawValue),
                                    "detail": .string(error.detail)]
                OutputStream.out.line(o.serialized)
            }
            if !args.json || !args.quiet {
                OutputStream.err.line("thrust-jwt: \(error.reason.rawValue): \(error.detail)")
            }
            return .rejected
        }
        if args.json {
            OutputStream.out.line(json(inspection, now: now).serialized)
        } else if !args.quiet {
            OutputStream.out.write(human(inspection, now: now, style: Style.detect(fd: 1)))
            let warn = Style.detect(fd: 2)
            for w in inspection.warnings { OutputStream.err.line(warn.yellow("warning: ") + w) }
        }
        return .success
    }

    static func json(_ i: CredentialInspection, now: Double) -> JSONValue {
        let times: JSONValue = ["iat": J.time(i.issuedAt), "nbf": J.time(i.notBefore), "exp": J.time(i.expiresAt),
                                "expires_in_seconds": J.int(J.secondsUntil(i.expiresAt, now: now))]
        return ["kind": .string(i.kind.rawValue), "flavour": J.str(i.flavour?.rawValue), "prefix": J.str(i.prefix),
                "header": i.header.map { .object($0.raw) } ?? .null, "claims": i.claims.map(JSONValue.object) ?? .null,
                "signature_bytes": J.int(i.signatureBytes), "times": times, "warnings": J.strings(i.warnings)]
    }

    static func human(_ i: CredentialInspection, now: Double, style s: Style) -> String {
        var out = ""
        var title = s.bold(i.kind.rawValue.uppercased())
        if let f = i.flavour { title += " · " + f.rawValue }
        if let p = i.prefix { title += " · " + p + "…" }
        out += title + "  " + s.dim(i.hint) + "\n"
        if let header = i.header {
            out += "\n" + s.bold("header") + "\n" + table(header.raw, now: now, style: s)
        }
        if let claims = i.claims {
            out += "\n" + s.bold("claims") + "\n" + table(claims, now: now, style: s)
        }
        if let n = i.signatureBytes {
            out += "\n" + s.bold("signature") + "  \(n) bytes  \(s.dim(i.signaturePreview ?? ""))\n"
        }
        if let exp = i.expiresAt {
            let rel = DurationText.relative(exp, now: now)
            let line = exp <= now ? s.red("expired \(rel)") : s.green("expires \(rel)")
            out += "\n" + line + "  (\(RFC3339.format(exp)))\n"
        }
        return out
    }

    /// Aligned `name  value` rows; NumericDate claims also show RFC 3339 and the relative age.
    static func table(_ object: JSONObject, now: Double, style s: Style) -> String {
        let width = min(24, (object.names.map(\.count).max() ?? 0) + 2)
        var out = ""
        for m in object.members {
            var value: String
            switch m.value {
            case .string(let str): value = displayable(str)
            default: value = displayable(m.value.serialized)
            }
            if ["exp", "nbf", "iat", "auth_time"].contains(m.name), let t = m.value.numberValue?.value {
                value += "  " + s.dim("\(RFC3339.format(t)) (\(DurationText.relative(t, now: now)))")
            }
            out += "  " + s.cyan(pad(displayable(m.name, limit: 40), width)) + value + "\n"
        }
        return out
    }
}
