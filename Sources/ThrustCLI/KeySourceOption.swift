import ThrustJWT

/// The key source of `verify` (SPEC: exactly one of --jwks, --oidc, --key, --secret-env/-file).
enum KeySourceOption {
    case keys(KeySet, description: String)
    /// A remote source that this build cannot reach: no verdict (exit 3), said clearly.
    case unavailable(String)

    static func resolve(_ args: ParsedArguments) throws(UsageError) -> KeySourceOption {
        let jwks = args.value("--jwks"), oidc = args.value("--oidc"), key = args.value("--key")
        let secret = args.has("--secret-env") || args.has("--secret-file")
        let count = [jwks != nil, oidc != nil, key != nil, secret].filter { $0 }.count
        if count == 0 {
            throw UsageError("verify needs a key source: --jwks URL|FILE, --oidc ISSUER_URL, --key FILE, --secret-env NAME or --secret-file FILE")
        }
        if count > 1 { throw UsageError("give one key source only (--jwks, --oidc, --key, --secret-env or --secret-file)") }
        if let url = oidc ?? (jwks.flatMap { RemoteURL.isURL($0) ? $0 : nil }) {
            try RemoteURL.checkScheme(url, allowHTTP: args.has("--allow-http"), flag: oidc != nil ? "--oidc" : "--jwks")
            let what = oidc != nil ? "OIDC discovery (--oidc)" : "a remote JWKS (--jwks URL)"
            return .unavailable("\(what) is not available in this build yet: network support is not built; use --jwks FILE or --key FILE")
        }
        if let jwks {
            let bytes = try Inputs.readFile(jwks, what: "JWKS file")
            do {
                return .keys(try KeySet(jwks: bytes), description: jwks)
            } catch {
                throw UsageError("JWKS file '\(displayable(jwks, limit: 200))' is not a valid JWKS: \(error.message)")
            }
        }
        if let key {
            let bytes = try Inputs.readFile(key, what: "key file")
            let vk: VerificationKey
            do { vk = try KeyFile.verificationKey(bytes) } catch {
                throw UsageError("key file '\(displayable(key, limit: 200))' is \(error.message)")
            }
            if let reason = vk.unusableReason { throw UsageError("key file '\(displayable(key, limit: 200))' cannot be used: \(reason)") }
            return .keys(KeySet(single: vk), description: key)
        }
        guard let bytes = try Inputs.secret(args) else { throw UsageError("no secret was given") }
        let vk = VerificationKey(secret: bytes)
        if let reason = vk.unusableReason { throw UsageError(reason) }
        return .keys(KeySet(single: vk), description: "secret")
    }

    /// The `--alg` values: known names only, never `none`; a single key must be able to serve each.
    static func algorithms(_ args: ParsedArguments, source: KeySourceOption) throws(UsageError) -> Set<JWSAlgorithm>? {
        let names = args.all("--alg")
        guard !names.isEmpty else { return nil }
        var set = Set<JWSAlgorithm>()
        for name in names {
            if name.lowercased() == "none" { throw UsageError("--alg none is never allowed: an unsigned token proves nothing") }
            guard let alg = JWSAlgorithm(rawValue: name) else {
                throw UsageError("--alg '\(displayable(name, limit: 20))' is not supported (\(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            if case .keys(let keys, _) = source, keys.isSingleKey, let key = keys.keys.first,
               !key.algorithms.contains(where: { $0 == alg || ($0.family == .okp && alg.family == .okp) }) {
                let what = key.keyType == .oct ? "the secret" : "the \(key.keyType) key"
                throw UsageError("--alg \(alg.rawValue) cannot be served by \(what) (it fits \(key.algorithms.map(\.rawValue).joined(separator: ", ")))")
            }
            set.insert(alg)
        }
        return set
    }
}

/// Rules for key-source URLs that hold before any network code runs.
enum RemoteURL {
    static func isURL(_ s: String) -> Bool {
        let l = s.lowercased()
        return l.hasPrefix("http://") || l.hasPrefix("https://")
    }

    static func host(_ url: String) -> String {
        guard let r = url.firstRange(of: "://") else { return "" }
        var authority = url[r.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        if authority.hasPrefix("[") { return String(authority.dropFirst().prefix { $0 != "]" }).lowercased() }
        return String(authority.prefix { $0 != ":" }).lowercased()
    }

    static func isLoopback(host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasSuffix(".localhost") || host.hasPrefix("127.")
    }

    /// Plain http is refused except to loopback, unless `--allow-http` (SPEC: exit 2).
    static func checkScheme(_ url: String, allowHTTP: Bool, flag: String) throws(UsageError) {
        guard isURL(url) else { throw UsageError("\(flag) takes an http(s) URL") }
        if url.lowercased().hasPrefix("http://") && !allowHTTP && !isLoopback(host: host(url)) {
            throw UsageError("\(flag) \(displayable(url, limit: 200)) is plain http to a non-loopback host; use https, or --allow-http")
        }
    }
}
