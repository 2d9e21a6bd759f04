import ThrustJWT

/// The command tree as data. The parser, `help`, `--help` and `completions` all read it.
enum Commands {
    static let version = "0.1.0"

    static let tokenInput: [OptionSpec] = [
        .value("--token-env", "NAME", "read the token from an environment variable"),
        .value("--token-file", "FILE", "read the token from a file"),
    ]

    static let networkOptions: [OptionSpec] = [
        .value("--timeout", "DURATION", "network timeout (default 10s)"),
        .flag("--allow-http", "allow plain http to non-loopback hosts"),
        .value("--cache-dir", "DIR", "JWKS cache directory (default $XDG_CACHE_HOME/thrust-jwt)"),
        .flag("--no-cache", "do not use the JWKS disk cache"),
    ]

    static let secretOptions: [OptionSpec] = [
        .value("--secret-env", "NAME", "HMAC secret from an environment variable (never on the command line)"),
        .value("--secret-file", "FILE", "HMAC secret from a file (one trailing newline is dropped)"),
        .value("--secret-encoding", "raw|base64|base64url", "how the secret is written (default raw)"),
    ]

    static let decode = CommandSpec(
        name: "decode", summary: "show what a credential is, its header, claims and times (never verifies)",
        positional: "[TOKEN]", maxPositionals: 1,
        options: tokenInput + [.value("--now", "TIME", "pin the clock (RFC 3339, @unix or unix seconds)")],
        details: ["TOKEN may be '-' for stdin; stdin is read when no token is given and it is not a TTY.",
                  "A leading 'Bearer ' or 'Authorization: Bearer ' is stripped."],
        examples: ["thrust-jwt decode \"$TOKEN\"", "pbpaste | thrust-jwt decode --json"])

    static let verify = CommandSpec(
        name: "verify", summary: "prove a token genuine with a key source and check its claims",
        positional: "[TOKEN]", maxPositionals: 1,
        options: tokenInput + [
            .value("--jwks", "URL|FILE", "a JSON Web Key Set"),
            .value("--oidc", "ISSUER_URL", "discover jwks_uri from ISSUER/.well-known/openid-configuration"),
            .value("--key", "FILE", "a PEM public key, PEM certificate, or one JWK"),
        ] + secretOptions + [
            .value("--alg", "ALG", "allowed algorithm (repeatable; default: every one a key fits)", repeatable: true),
            .value("--iss", "ISSUER", "required issuer (exact match)"),
            .value("--aud", "AUDIENCE", "accepted audience (repeatable)", repeatable: true),
            .value("--leeway", "DURATION", "clock skew allowed (default 60s)"),
            .value("--max-age", "DURATION", "reject tokens issued longer ago than this"),
            .value("--scope", "SCOPE", "required scope (repeatable)", repeatable: true),
            .flag("--no-require-sub", "accept tokens without a sub"),
            .value("--expires-within", "DURATION", "exit 4 when the token expires within this window"),
            .value("--now", "TIME", "pin the clock (RFC 3339, @unix or unix seconds)"),
            .flag("--batch", "verify one token per stdin line, NDJSON out"),
            .value("--jobs", "N", "worker threads for --batch (default: cores)"),
        ] + networkOptions,
        details: ["Exactly one key source: --jwks, --oidc, --key, --secret-env or --secret-file.",
                  "Exit 0 valid, 1 rejected, 2 usage, 3 no verdict (key source unavailable), 4 expiring."],
        examples: ["thrust-jwt verify --jwks jwks.json \"$TOKEN\"",
                   "thrust-jwt verify --key public.pem --iss https://auth.example.com --json \"$TOKEN\"",
                   "thrust-jwt verify --batch --jwks jwks.json < tokens.txt"])

    static let jwks = CommandSpec(
        name: "jwks", summary: "list the keys of a JWKS with thumbprints and warnings",
        positional: "SOURCE", maxPositionals: 1, options: networkOptions,
        details: ["Exit 1 when a key carries private material (a published set holds no secrets)."],
        examples: ["thrust-jwt jwks jwks.json", "thrust-jwt jwks --json jwks.json"])

    static let mint = CommandSpec(
        name: "mint", aliases: ["encode", "sign"], summary: "sign a token with a local private key or a secret",
        options: [
            .value("--key", "FILE", "private key: PEM or private JWK"),
        ] + secretOptions + [
            .value("--alg", "ALG", "signing algorithm (default: the key's)"),
            .value("--kid", "KID", "key ID header (default: the JWK's kid, else its RFC 7638 thumbprint)"),
            .value("--sub", "SUB", "subject claim"),
            .value("--iss", "ISSUER", "issuer claim"),
            .value("--aud", "AUDIENCE", "audience claim (repeatable)", repeatable: true),
            .value("--exp", "DURATION|TIME", "expiry, from now or absolute (default 1h)"),
            .flag("--no-exp", "mint a token without exp"),
            .value("--nbf", "DURATION|TIME", "not-before, from now or absolute"),
            .value("--claim", "K=V", "extra claim; V is read as JSON when it parses (repeatable)", repeatable: true),
            .value("--claims-file", "FILE", "a JSON object of claims"),
            .value("--now", "TIME", "pin the clock (iat and relative times)"),
        ],
        details: ["Sets iat to now and typ to JWT. Prints the compact token."],
        examples: ["thrust-jwt mint --key private.pem --sub user-123 --exp 15m",
                   "thrust-jwt mint --secret-env JWT_SECRET --alg HS256 --claim role='\"admin\"'"])

    static let keygen = CommandSpec(
        name: "keygen", summary: "create a signing key pair: PEM, private JWK and a public jwks.json",
        options: [
            .value("--kty", "RSA|EC|OKP", "key type (default RSA)"),
            .value("--bits", "N", "RSA modulus size (default 2048, at least 2048)"),
            .value("--crv", "CURVE", "P-256, P-384, P-521 (EC) or Ed25519 (OKP)"),
            .value("--kid", "KID", "key ID (default: the RFC 7638 thumbprint)"),
            .value("--out-dir", "DIR", "where to write the files (default .)"),
            .flag("--force", "overwrite existing files"),
        ],
        details: ["Writes private.pem, public.pem, private.jwk.json and jwks.json."],
        examples: ["thrust-jwt keygen --kty EC --crv P-256 --out-dir keys"])

    static let check = CommandSpec(
        name: "check", summary: "CI check that a deployed key still works against the live API",
        positional: "[TOKEN]", maxPositionals: 1,
        options: tokenInput + [
            .value("--base-url", "URL", "API base (default $THRUST_BASE_URL, else the documented base)"),
            .value("--endpoint", "NAME", "endpoint to call (default get-notifications)"),
            .value("--header", "'Name: value'", "extra request header (repeatable)", repeatable: true),
            .value("--expires-within", "DURATION", "exit 4 when the key expires within this window"),
            .value("--jwks", "URL|FILE", "also verify the key locally against this JWKS"),
            .value("--oidc", "ISSUER_URL", "also verify locally, discovering the JWKS"),
            .value("--junit", "FILE", "write a JUnit XML report"),
            .value("--now", "TIME", "pin the clock for the local checks"),
        ] + networkOptions,
        details: ["The key comes from --token-env (default THRUST_API_KEY), --token-file, TOKEN or '-' (never stdin implicitly).",
                  "Exit 0 works, 1 rejected, 2 usage, 3 no verdict (the API is down, not your key), 4 expiring.",
                  "Under GITHUB_ACTIONS=true it also prints ::error:: / ::warning:: workflow commands."],
        examples: ["THRUST_API_KEY=... thrust-jwt check", "thrust-jwt check --expires-within 7d --junit check.xml"])

    static let probe = CommandSpec(
        name: "probe", summary: "hold every endpoint's auth behaviour against the documented error table",
        options: [
            .value("--base-url", "URL", "API base to probe (required, or $THRUST_BASE_URL): probe sends forged tokens"),
            .value("--token-env", "NAME", "a real token (default THRUST_API_KEY when set)"),
            .value("--expired-token-env", "NAME", "an expired token for the expired_token case"),
            .value("--endpoint", "NAME", "endpoint to probe (repeatable; default all four)", repeatable: true),
            .value("--header", "'Name: value'", "extra request header (repeatable)", repeatable: true),
            .value("--concurrency", "N", "requests in flight at once (default 8)"),
            .value("--junit", "FILE", "write a JUnit XML report, one test case a cell"),
            .value("--now", "TIME", "pin the clock for the forged tokens' iat/exp"),
        ] + networkOptions.filter { $0.name == "--timeout" || $0.name == "--allow-http" },
        details: ["Exit 0 every cell matched, 1 a mismatch or security hole, 3 errors only (5xx, timeout, unreachable)."],
        examples: ["thrust-jwt probe --base-url http://127.0.0.1:8787/functions/v1 --token-env TOKEN"])

    static let mock = CommandSpec(
        name: "mock", summary: "run a local Thrust API that enforces the documented error table",
        options: [
            .value("--host", "ADDR", "IPv4 address to bind (default 127.0.0.1)"),
            .value("--port", "N", "port (default 8787; 0 for any free port)"),
            .value("--key", "FILE", "signing key: private PEM or JWK (default: a fresh RSA 2048 key)"),
            .value("--scope-required", "SCOPE", "get-notifications demands this scope (403 otherwise)"),
            .value("--latency", "DURATION", "delay every answer"),
            .value("--jwks-status", "CODE", "the JWKS route answers this status"),
        ],
        details: ["Prints base_url=, issuer=, jwks_url= and token= lines, then serves until SIGINT or SIGTERM."],
        examples: ["thrust-jwt mock --port 0", "thrust-jwt mock --scope-required notifications:read --latency 200ms"])

    static let demo = CommandSpec(
        name: "demo", summary: "the main job end to end, offline, against an in-process mock", options: [],
        details: ["Creates a key, starts the mock on an ephemeral loopback port, mints, decodes, verifies, checks and probes."],
        examples: ["thrust-jwt demo"])

    static let help = CommandSpec(name: "help", summary: "show help for a command", positional: "[COMMAND]", maxPositionals: 1, options: [])
    static let completions = CommandSpec(
        name: "completions", summary: "print a shell completion script", positional: "bash|zsh|fish", maxPositionals: 1,
        options: [], examples: ["thrust-jwt completions bash > /etc/bash_completion.d/thrust-jwt"])

    static let all: [CommandSpec] = [decode, verify, jwks, check, probe, mint, keygen, mock, demo, help, completions]

    static func find(_ name: String) -> CommandSpec? { all.first { $0.name == name || $0.aliases.contains(name) } }
}
