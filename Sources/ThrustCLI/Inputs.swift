#if canImport(Glibc)
import Glibc
#endif
import ThrustJWT

/// Reading what the user points at: files (capped), stdin, environment variables, and the
/// token-input rules of SPEC "Commands".
enum Inputs {
    /// Local files are read whole up to a cap: key files and token files are small.
    static let fileCap = 4 * 1024 * 1024

    /// Reads a file, or throws a usage error naming it (SPEC: unreadable input files are exit 2).
    static func readFile(_ path: String, what: String, cap: Int = fileCap) throws(UsageError) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw UsageError("cannot read \(what) '\(displayable(path, limit: 200))': \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw UsageError("cannot read \(what) '\(displayable(path, limit: 200))': it is a directory")
        }
        guard let bytes = readAll(fd: fd, cap: cap) else {
            throw UsageError("cannot read \(what) '\(displayable(path, limit: 200))': \(String(cString: strerror(errno)))")
        }
        if bytes.count > cap { throw UsageError("\(what) '\(displayable(path, limit: 200))' is larger than \(cap / 1024 / 1024) MiB") }
        return bytes
    }

    /// Reads up to cap+1 bytes from a descriptor (so the caller can tell "too large").
    static func readAll(fd: Int32, cap: Int) -> [UInt8]? {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while out.count <= cap {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// Trims the input and strips a leading `Bearer ` or `Authorization: Bearer ` (any case), so a
    /// pasted header works. `Bearer` with nothing after it becomes empty (→ missing_token).
    static func normalizeToken(_ raw: String) -> String {
        var bytes = Substring(raw).utf8[...]
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C }
        func trim() {
            while let f = bytes.first, isSpace(f) { bytes = bytes.dropFirst() }
            while let l = bytes.last, isSpace(l) { bytes = bytes.dropLast() }
        }
        /// Drops `word` (ASCII, lower-case) when the input starts with it in any case, followed by
        /// whitespace or the end, or (for a header name) by its colon.
        func drop(_ word: String, needsBoundary: Bool) -> Bool {
            let w = Array(word.utf8)
            guard bytes.count >= w.count else { return false }
            var i = bytes.startIndex
            for c in w {
                let b = bytes[i]
                guard b == c || (b >= 0x41 && b <= 0x5A && b + 0x20 == c) else { return false }
                i = bytes.index(after: i)
            }
            if needsBoundary, i != bytes.endIndex, !isSpace(bytes[i]) { return false }
            bytes = bytes[i...]
            trim()
            return true
        }
        trim()
        _ = drop("authorization:", needsBoundary: false)
        _ = drop("bearer", needsBoundary: true)
        // Only whitespace and ASCII were dropped, so the rest is still whole UTF-8.
        return String(Substring(bytes))
    }

    /// Resolves the token of `decode`, `verify` and `check` from the one input form given.
    /// - Parameter implicitStdin: read stdin when nothing is given and it is not a TTY.
    static func token(_ args: ParsedArguments, implicitStdin: Bool, defaultEnv: String? = nil) throws(UsageError) -> String {
        let positional = args.positionals.first
        let env = args.value("--token-env")
        let file = args.value("--token-file")
        let given = [positional != nil, env != nil, file != nil].filter { $0 }.count
        if given > 1 { throw UsageError("give the token one way only: TOKEN, -, --token-env or --token-file") }
        if let env {
            return try tokenFromEnv(env)
        }
        if let file {
            let bytes = try readFile(file, what: "token file", cap: 1024 * 1024)
            return normalizeToken(String(decoding: bytes, as: UTF8.self))
        }
        if let positional {
            if positional == "-" { return readStdinToken() }
            return normalizeToken(positional)
        }
        if let defaultEnv { return try tokenFromEnv(defaultEnv) }
        if implicitStdin && !Environment.stdinIsTTY { return readStdinToken() }
        return ""
    }

    /// An environment variable name as POSIX shells write them; anything else (a token pasted
    /// where its variable's name belongs) is refused without being echoed.
    static func requireVariableName(_ name: String, flag: String) throws(UsageError) {
        let ok = !name.isEmpty && name.utf8.allSatisfy { $0 == 0x5F || ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) }
            && !(name.utf8.first! >= 0x30 && name.utf8.first! <= 0x39)
        if !ok { throw UsageError("\(flag) takes the NAME of an environment variable (letters, digits, _), not a value") }
    }

    static func tokenFromEnv(_ name: String, flag: String = "--token-env") throws(UsageError) -> String {
        try requireVariableName(name, flag: flag)
        guard let raw = Environment.get(name) else { throw UsageError("environment variable \(name) is not set (\(flag) \(name))") }
        let token = normalizeToken(raw)
        if token.isEmpty { throw UsageError("environment variable \(name) is empty (\(flag) \(name))") }
        return token
    }

    static func readStdinToken() -> String {
        let bytes = readAll(fd: 0, cap: 1024 * 1024) ?? []
        return normalizeToken(String(decoding: bytes, as: UTF8.self))
    }

    static func duration(_ args: ParsedArguments, _ name: String) throws(UsageError) -> Double? {
        guard let text = args.value(name) else { return nil }
        guard let d = DurationText.parse(text) else {
            throw UsageError("\(name) takes a duration such as 90, 90s, 15m, 12h, 7d, 2w or 1h30m, not '\(displayable(text, limit: 30))'")
        }
        return d
    }

    /// `--now TIME`: RFC 3339, `@seconds` or bare Unix seconds; otherwise the system clock.
    static func now(_ args: ParsedArguments) throws(UsageError) -> Double {
        guard let text = args.value("--now") else { return Clock.now() }
        guard let t = InstantText.parse(text, allowBareSeconds: true) else {
            throw UsageError("--now takes an RFC 3339 time, @unix-seconds or unix seconds, not '\(displayable(text, limit: 30))'")
        }
        return t
    }

    /// An HMAC secret from `--secret-env` or `--secret-file`, decoded per `--secret-encoding`.
    static func secret(_ args: ParsedArguments) throws(UsageError) -> [UInt8]? {
        let env = args.value("--secret-env"), file = args.value("--secret-file")
        if env != nil && file != nil { throw UsageError("give the secret one way only: --secret-env or --secret-file") }
        var raw: [UInt8]
        let origin: String
        if let env {
            try requireVariableName(env, flag: "--secret-env")
            guard let v = Environment.get(env) else { throw UsageError("environment variable \(env) is not set (--secret-env \(env))") }
            raw = Array(v.utf8)
            origin = "environment variable \(env)"
        } else if let file {
            raw = try readFile(file, what: "secret file", cap: 1024 * 1024)
            if raw.last == 0x0A { raw.removeLast(); if raw.last == 0x0D { raw.removeLast() } }
            origin = "secret file '\(file)'"
        } else {
            if args.has("--secret-encoding") { throw UsageError("--secret-encoding needs --secret-env or --secret-file") }
            return nil
        }
        let encoding = args.value("--secret-encoding") ?? "raw"
        let secret: [UInt8]?
        switch encoding {
        case "raw": secret = raw
        case "base64": secret = Base64URL.decodeStandard(String(decoding: raw, as: UTF8.self).trimmingSpaces)
        case "base64url": secret = Base64URL.decode(Array(String(decoding: raw, as: UTF8.self).trimmingSpaces.utf8))
        default: throw UsageError("--secret-encoding takes raw, base64 or base64url, not '\(displayable(encoding, limit: 20))'")
        }
        guard let secret else { throw UsageError("the \(origin) is not valid \(encoding)") }
        if secret.isEmpty { throw UsageError("the \(origin) is empty") }
        return secret
    }
}
