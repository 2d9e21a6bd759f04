import ThrustHTTP
import ThrustJWT

/// The key source of `verify` (SPEC: exactly one of --jwks, --oidc, --key, --secret-env/-file).
enum KeySourceOption: Sendable {
    case keys(KeySet, description: String)
    /// A JWKS URL (given, or discovered through --oidc), fetched and cached.
    case remote(RemoteKeySet, issuer: String?)
    /// A remote source that could not be reached at set-up (discovery failed): no verdict, exit 3.
    case unavailable(String)

    static func resolve(_ args: ParsedArguments) throws(UsageError) -> KeySourceOption {
        let jwks = args.value("--jwks"), oidc = args.value("--oidc"), key = args.value("--key")
        let secret = args.has("--secret-env") || args.has("--secret-file")
        let count = [jwks != nil, oidc != nil, key != nil, secret].filter { $0 }.count
        if count == 0 {
            throw UsageError("verify needs a key source: --jwks URL|FILE, --oidc ISSUER_URL, --key FILE, --secret-env NAME or --secret-file FILE")
        }
        if count > 1 { throw UsageError("give one key source only (--jwks, --oidc, --key, --secret-env or --secret-file)") }
        if let issuer = oidc {
            let network = try NetworkOptions(args)
            try network.check(issuer, flag: "--oidc")
            do {
                let uri = try OIDCDiscovery.jwksURI(issuer: issuer, client: network.client, cache: network.cache)
                return .remote(RemoteKeySet(url: uri, client: network.client, cache: network.cache), issuer: issuer)
            } catch {
                return .unavailable("OIDC discovery for \(issuer) failed: \(error)")
            }
        }
        if let url = jwks, URLPolicy.isHTTPURL(url) {
            let network = try NetworkOptions(args)
            try network.check(url, flag: "--jwks")
            return .remote(RemoteKeySet(url: url, client: network.client, cache: network.cache), issuer: nil)
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

/// `--timeout`, `--allow-http`, `--cache-dir`, `--no-cache`: how remote sources are fetched.
struct NetworkOptions: Sendable {
    let client: HTTPClient
    let cache: DiskCache?
    let allowHTTP: Bool

    init(_ args: ParsedArguments) throws(UsageError) {
        let timeout = try Inputs.duration(args, "--timeout") ?? 10
        guard timeout > 0 else { throw UsageError("--timeout must be more than 0") }
        allowHTTP = args.has("--allow-http")
        client = HTTPClient(configuration: .init(timeout: timeout, allowHTTP: allowHTTP))
        if args.has("--no-cache") {
            if args.has("--cache-dir") { throw UsageError("--cache-dir and --no-cache contradict each other") }
            cache = nil
        } else if let dir = args.value("--cache-dir") {
            cache = DiskCache(directory: dir)
        } else {
            cache = DiskCache.defaultDirectory().map(DiskCache.init(directory:))
        }
    }

    /// Plain http off loopback without --allow-http is a usage error (SPEC: exit 2). The URL is
    /// shown shortened: a token pasted into the wrong flag must not be echoed whole.
    func check(_ url: String, flag: String) throws(UsageError) {
        let shown = displayable(url, limit: 60)
        guard URLPolicy.isHTTPURL(url) else { throw UsageError("\(flag) takes an http(s) URL, not '\(shown)'") }
        do { try URLPolicy.check(url, allowHTTP: allowHTTP) } catch {
            throw UsageError("\(flag) \(shown) is plain http to a non-loopback host; use https, or --allow-http")
        }
    }
}
