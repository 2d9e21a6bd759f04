import ThrustHTTP
import ThrustJWT

/// `check`: does a deployed key still work against the live API? It tells four stories apart,
/// each with its own exit code: works (0), works but expires soon (4), rejected (1), and
/// no verdict because the API did not answer usefully (3: never "your key is bad").
public enum Check {
    public struct Request: Sendable {
        public var baseURL: String
        public var endpoint: ThrustAPI.Endpoint
        public var token: String
        public var headers: [(name: String, value: String)]
        public var expiresWithin: Double?
        public var now: Double

        public init(baseURL: String, endpoint: ThrustAPI.Endpoint, token: String, headers: [(name: String, value: String)] = [],
                    expiresWithin: Double? = nil, now: Double = Clock.now()) {
            self.baseURL = baseURL
            self.endpoint = endpoint
            self.token = token
            self.headers = headers
            self.expiresWithin = expiresWithin
            self.now = now
        }

        public var url: String {
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            return base + "/" + endpoint.name
        }
    }

    public enum Story: String, Sendable { case works, expiring, rejected, noVerdict = "no_verdict" }

    public struct Report: Sendable {
        public let story: Story
        public let reason: String?
        public let detail: String
        /// The HTTP status the API answered, nil when nothing answered.
        public let status: Int?
        /// What the API answered to a non-2xx (documented or not); nil on 2xx and when nothing answered.
        public let answer: ClassifiedAnswer?
        public let latencyMS: Int?
        public let tokenKind: String?
        public let subject: String?
        public let expiresInSeconds: Int?
        public let warnings: [String]

        public var works: Bool { story == .works || story == .expiring }

        public var exitCode: Int32 {
            switch story {
            case .works: 0
            case .rejected: 1
            case .noVerdict: 3
            case .expiring: 4
            }
        }
    }

    /// What the local decode knows of the token.
    struct Local {
        let kind: String?
        let subject: String?
        let hasUsableSubject: Bool
        let isJWT: Bool
        let expiresAt: Double?
        let notBefore: Double?
        let issuedAt: Double?
        /// What the local decode alone can say is wrong, before any key: not a credential at
        /// all (`malformed`), a JWE (`encrypted`), `alg: none` or an unknown alg, `crit`, bad
        /// claim types. nil for an opaque key, which only its API can judge.
        let earlyRejection: Rejection?

        init(token: String, now: Double) {
            do {
                let i = try CredentialInspection(token, now: now)
                kind = i.kind.rawValue
                isJWT = i.kind == .jws
                let sub = i.claims?["sub"]
                subject = sub?.stringValue
                hasUsableSubject = sub?.stringValue.map { !$0.allSatisfy(\.isWhitespace) } ?? false
                expiresAt = i.expiresAt
                notBefore = i.notBefore
                issuedAt = i.issuedAt
                earlyRejection = i.kind == .opaque ? nil
                    : TokenVerifier.rejectionBeforeKeyLookup(token, policy: VerificationPolicy(requireSubject: false), now: now)?.rejection
            } catch {
                (kind, subject, hasUsableSubject, isJWT, expiresAt, notBefore, issuedAt) = (nil, nil, false, false, nil, nil, nil)
                earlyRejection = error
            }
        }
    }

    /// Calls the endpoint with the token and classifies the answer. `localVerification`, when
    /// given, must also pass (`verify` with `--jwks`/`--oidc`): its rejection or missing key set
    /// decides the story even when the API accepted the key.
    public static func run(_ request: Request, client: HTTPClient,
                           localVerification: (@Sendable (String) -> (result: VerificationResult?, unavailable: String?))? = nil) -> Report {
        let now = request.now
        let local = Local(token: request.token, now: now)
        let expiresIn = DurationText.wholeSeconds(until: local.expiresAt, now: now)
        var warnings: [String] = []
        func report(_ story: Story, _ reason: String?, _ detail: String, status: Int? = nil, answer: ClassifiedAnswer? = nil,
                    latency: Int? = nil) -> Report {
            Report(story: story, reason: reason, detail: detail, status: status, answer: answer, latencyMS: latency,
                   tokenKind: local.kind, subject: local.subject, expiresInSeconds: expiresIn, warnings: warnings)
        }

        var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json"),
                                                         ("Authorization", "Bearer \(request.token)")]
        headers += request.headers
        let started = Clock.now()
        let response: HTTPResponse
        do {
            response = try client.send(HTTPRequest(method: "POST", url: request.url, headers: headers, body: Array(request.endpoint.body.utf8)))
        } catch {
            let latency = Int(((Clock.now() - started) * 1000).rounded())
            if case .timeout = error {
                return report(.noVerdict, "timeout", "the API did not answer: \(request.endpoint.name) \(error); this says nothing about the key", latency: latency)
            }
            return report(.noVerdict, "unreachable", "the API is unreachable: \(error); this says nothing about the key", latency: latency)
        }
        let latency = Int((response.timings.total * 1000).rounded())
        let status = response.status
        if (200..<300).contains(status) {
            if let exp = local.expiresAt, exp <= now {
                warnings.append("the API accepted a token whose exp passed \(DurationText.describe(now - exp)) ago: is a clock skewed?")
            }
            if let verify = localVerification {
                let v = verify(request.token)
                if let why = v.unavailable {
                    return report(.noVerdict, "key_unavailable", "the API accepted the key, but local verification had no key set: \(why)",
                                  status: status, latency: latency)
                }
                if let r = v.result {
                    warnings += r.warnings
                    if let rej = r.rejection {
                        return report(.rejected, rej.reason.rawValue, "the API accepted the key, but it does not verify locally: \(rej.detail)",
                                      status: status, latency: latency)
                    }
                }
            }
            let lifetime = expiresIn.map { $0 > 0 ? "; it expires in \(DurationText.describe(Double($0)))" : "" }
                ?? (local.isJWT ? "; it has no exp" : "")
            if let window = request.expiresWithin, let exp = local.expiresAt, exp - now <= window {
                return report(.expiring, nil,
                              "\(request.endpoint.name) answered \(status) in \(latency) ms, but the key \(exp <= now ? "expired" : "expires") \(DurationText.relative(exp, now: now)) (within \(DurationText.describe(window)))",
                              status: status, latency: latency)
            }
            if request.expiresWithin != nil && local.expiresAt == nil {
                warnings.append(local.isJWT ? "the token has no exp, so --expires-within does not apply"
                                            : "an opaque key: its expiry cannot be seen locally, so --expires-within does not apply")
            }
            return report(.works, nil, "\(request.endpoint.name) answered \(status) in \(latency) ms\(lifetime)", status: status, latency: latency)
        }

        let answer = ClassifiedAnswer(status: status, headers: response.headers, body: response.body, latencyMS: latency)
        let said = answer.message.map { "\(status) \($0)" } ?? "\(status)"
        switch status {
        case 404:
            return report(.noVerdict, "not_found", "\(request.url) answered 404: the endpoint or --base-url is wrong, not the key",
                          status: status, answer: answer, latency: latency)
        case 408, 429:
            return report(.noVerdict, "rate_limited", "the API answered \(said): rate limited or overloaded; try again later",
                          status: status, answer: answer, latency: latency)
        case 500...599:
            return report(.noVerdict, "server_error", "the API is down: \(said) from \(request.endpoint.name); this says nothing about the key",
                          status: status, answer: answer, latency: latency)
        default:
            break
        }
        let origin = answer.origin == .gateway ? " (from Supabase's gateway\(answer.gatewayCode.map { ", \($0.stringValue ?? $0.serialized)" } ?? ""))" : ""
        guard let row = answer.row else {
            return report(.rejected, "undocumented_response", "the API answered \(said)\(origin), which is in no row of the documented error table",
                          status: status, answer: answer, latency: latency)
        }
        let reason: String
        var explanation = ""
        switch row {
        case ThrustAPI.missingAuthorization:
            reason = "missing_token"
            explanation = "the API saw no Authorization header (is a proxy stripping it?)"
        case ThrustAPI.noUserID:
            reason = "missing_sub"
            if local.isJWT && !local.hasUsableSubject { explanation = "the token has no usable sub claim" }
        case ThrustAPI.insufficientPermissions:
            reason = "insufficient_permissions"
            explanation = "the key is valid but not allowed to use \(request.endpoint.name)"
        default:
            if let early = local.earlyRejection {
                // The local decode explains it: not a credential at all, encrypted, alg none…
                reason = early.reason.rawValue
                explanation = "locally: \(early.detail)"
            } else if let exp = local.expiresAt, exp <= now {
                reason = "expired"
                explanation = "the token expired \(DurationText.describe(now - exp)) ago (\(RFC3339.format(exp)))"
            } else if let nbf = local.notBefore, nbf > now {
                reason = "not_yet_valid"
                explanation = "the token is not valid before \(RFC3339.format(nbf))"
            } else if let iat = local.issuedAt, iat > now {
                reason = "issued_in_future"
                explanation = "the token says it was issued \(RFC3339.format(iat)), \(DurationText.relative(iat, now: now))"
            } else if let verify = localVerification, let rej = verify(request.token).result?.rejection {
                reason = rej.reason.rawValue
                explanation = "locally: \(rej.detail)"
            } else {
                reason = "invalid_token"
            }
        }
        let detail = "the API answered \(status) \(row.message)\(origin)" + (explanation.isEmpty ? "" : ": \(explanation)")
        return report(.rejected, reason, detail, status: status, answer: answer, latency: latency)
    }
}
