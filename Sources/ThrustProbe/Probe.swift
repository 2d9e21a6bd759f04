import ThrustHTTP
import ThrustJWT

/// `probe`: the auth behaviour of every endpoint, held against the documented error table
/// (SPEC "probe"). Each endpoint × case is one cell with a verdict: `match`, `mismatch`
/// (documentation drift), `security` (a forged credential was accepted) or `error`.
public enum Probe {
    /// The cases, in SPEC order; raw values are the stable case ids.
    public enum Case: String, Sendable, CaseIterable {
        case noHeader = "no_header"
        case emptyBearer = "empty_bearer"
        case notAJWT = "not_a_jwt"
        case algNone = "alg_none"
        case foreignKey = "foreign_key"
        case realToken = "real_token"
        case alteredSignature = "altered_signature"
        case alteredPayload = "altered_payload"
        case expiredToken = "expired_token"

        /// A 2xx to these is a security hole (on an optional endpoint: unless it is the anonymous answer).
        var isForgery: Bool { [.algNone, .foreignKey, .alteredSignature, .alteredPayload].contains(self) }
    }

    /// One acceptable answer; `message` nil when any message will do.
    public struct Expectation: Sendable, Hashable {
        public let status: Int
        public let message: String?

        func accepts(_ answer: ClassifiedAnswer) -> Bool {
            answer.status == status && (message == nil || ThrustAPI.matches(answer.message, ThrustAPI.row(status: status, message: message)!))
        }
    }

    /// The documented expectation table (SPEC "probe"), first entry the one reported as `expected`.
    public static func expectations(_ c: Case, auth: ThrustAPI.AuthMode) -> [Expectation] {
        let missing = Expectation(status: 401, message: ThrustAPI.missingAuthorization.message)
        let invalid = Expectation(status: 401, message: ThrustAPI.invalidToken.message)
        let ok = Expectation(status: 200, message: nil)
        switch (c, auth) {
        case (.noHeader, .required): return [missing]
        case (.noHeader, .optional): return [ok]
        case (.emptyBearer, .required): return [missing, invalid]
        case (.emptyBearer, .optional): return [ok, missing, invalid]
        case (.realToken, _): return [ok]
        default: return [invalid]
        }
    }

    public enum Verdict: String, Sendable { case match, mismatch, security, error }

    public struct Cell: Sendable {
        public let endpoint: ThrustAPI.Endpoint
        public let testCase: Case
        public let expected: [Expectation]
        public let answer: ClassifiedAnswer?
        /// Why nothing usable answered (timeout, unreachable), for `error` cells.
        public let failure: String?
        public let verdict: Verdict
        /// Why the verdict is what it is, for people.
        public let note: String

        /// The client contract for this cell: judged against the expected row (so an
        /// `expired_token` answer that does not say "expired" fails it). nil for non-401 answers.
        public var clientContract: Bool? {
            let row = expected.first.flatMap { e in e.message.flatMap { ThrustAPI.row(status: e.status, message: $0) } }
            return answer?.clientContract(expecting: expected.count == 1 ? row : nil)
        }
    }

    public struct Configuration: Sendable {
        public var baseURL: String
        public var endpoints: [ThrustAPI.Endpoint]
        public var token: String?
        public var expiredToken: String?
        public var headers: [(name: String, value: String)]
        public var concurrency: Int
        public var now: Double

        public init(baseURL: String, endpoints: [ThrustAPI.Endpoint] = ThrustAPI.endpoints, token: String? = nil, expiredToken: String? = nil,
                    headers: [(name: String, value: String)] = [], concurrency: Int = 8, now: Double = Clock.now()) {
            self.baseURL = baseURL
            self.endpoints = endpoints
            self.token = token
            self.expiredToken = expiredToken
            self.headers = headers
            self.concurrency = concurrency
            self.now = now
        }
    }

    public struct Report: Sendable {
        public let baseURL: String
        public let cells: [Cell]
        public let skipped: Int
        public let warnings: [String]

        public func count(_ v: Verdict) -> Int { cells.filter { $0.verdict == v }.count }

        public var exitCode: Int32 {
            if count(.mismatch) > 0 || count(.security) > 0 { return 1 }
            return count(.error) > 0 ? 3 : 0
        }
    }

    /// The credentials each case sends; nil when the case cannot run (its token was not given).
    struct Credentials {
        let values: [Case: String?]

        init(_ config: Configuration) throws(CryptoError) {
            let now = config.now.rounded(.down)
            // Forged tokens carry a sub, the real token's iss and an exp an hour ahead, so only the
            // signature can be the reason to refuse them (SPEC "Verification rules").
            var claims = JSONObject()
            claims.set("sub", "thrust-probe-user")
            if let iss = config.token.flatMap({ try? CompactToken($0) }).flatMap({ try? $0.claims().issuer }) {
                claims.set("iss", .string(iss))
            }
            claims.set("iat", .number(JSONNumber(now)))
            claims.set("exp", .number(JSONNumber(now + 3600)))
            let claimText = Base64URL.encode(JSONValue.object(claims).serializedBytes)
            let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let foreign = try AsymmetricKey.generateRSA(bits: 2048)
            let foreignToken = try TokenSigner.sign(claims: claims, algorithm: .rs256, key: .asymmetric(foreign), keyID: "thrust-probe-foreign")
            var v: [Case: String?] = [
                .noHeader: nil, .emptyBearer: "", .notAJWT: "not-a-jwt",
                .algNone: "\(noneHeader).\(claimText).", .foreignKey: foreignToken,
            ]
            v[.realToken] = .some(config.token)
            v[.alteredSignature] = .some(config.token.map(Credentials.alterSignature))
            v[.alteredPayload] = .some(config.token.flatMap(Credentials.alterPayload))
            v[.expiredToken] = .some(config.expiredToken)
            values = v
        }

        /// Does the case run, and with which Authorization header (nil: none at all)?
        func header(for c: Case) -> (runs: Bool, authorization: String?) {
            switch c {
            case .noHeader: return (true, nil)
            case .emptyBearer: return (true, "Bearer ")
            default:
                guard let token = values[c] ?? nil else { return (false, nil) }
                return (true, "Bearer \(token)")
            }
        }

        /// The token with its signature changed: the first decoded byte flipped (for an opaque
        /// key, its last character changed).
        static func alterSignature(_ token: String) -> String {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 3, var sig = Base64URL.decode(parts[2]), !sig.isEmpty {
                sig[0] ^= 0x01
                return parts[0] + "." + parts[1] + "." + Base64URL.encode(sig)
            }
            guard let last = token.last else { return token }
            return String(token.dropLast()) + (last == "A" ? "B" : "A")
        }

        /// The token with its `sub` changed and the old signature kept; nil when it is not a JWT.
        static func alterPayload(_ token: String) -> String? {
            let parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
                  case .object(var claims)? = try? StrictJSON.parse(payload) else { return nil }
            let sub = claims["sub"]?.stringValue ?? ""
            claims.set("sub", .string(sub == "admin" ? "root" : "admin"))
            return parts[0] + "." + Base64URL.encode(JSONValue.object(claims).serializedBytes) + "." + parts[2]
        }
    }

    /// Runs every endpoint × case concurrently (up to `concurrency` at once), so the whole matrix
    /// takes about as long as the slowest request.
    public static func run(_ config: Configuration, client: HTTPClient) throws(CryptoError) -> Report {
        let credentials = try Credentials(config)
        var plan: [(ThrustAPI.Endpoint, Case, String?)] = []
        var skipped = 0
        for endpoint in config.endpoints {
            for c in Case.allCases {
                let h = credentials.header(for: c)
                if h.runs { plan.append((endpoint, c, h.authorization)) } else { skipped += 1 }
            }
        }
        var trimmed = config.baseURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        let base = trimmed
        let answers = Slots<(ClassifiedAnswer?, String?)>(count: plan.count, initial: (nil, nil))
        let requests = plan
        let extraHeaders = config.headers
        ConcurrentWork.forEach(count: requests.count, width: config.concurrency) { i in
            let (endpoint, _, authorization) = requests[i]
            var headers: [(name: String, value: String)] = [("Content-Type", "application/json"), ("Accept", "application/json")]
            if let authorization { headers.append(("Authorization", authorization)) }
            headers += extraHeaders
            do {
                let r = try client.send(HTTPRequest(method: "POST", url: base + "/" + endpoint.name, headers: headers,
                                                    body: Array(endpoint.body.utf8)))
                answers.set(i, (ClassifiedAnswer(status: r.status, headers: r.headers, body: r.body,
                                                 latencyMS: Int((r.timings.total * 1000).rounded())), nil))
            } catch {
                answers.set(i, (nil, "\(error)"))
            }
        }
        // The anonymous answer per endpoint, to tell "treated as anonymous" from "accepted".
        var anonymous: [String: ClassifiedAnswer] = [:]
        for (i, p) in requests.enumerated() where p.1 == .noHeader {
            if let a = answers.get(i).0 { anonymous[p.0.name] = a }
        }
        var cells: [Cell] = []
        for (i, (endpoint, c, _)) in requests.enumerated() {
            let (answer, failure) = answers.get(i)
            let expected = expectations(c, auth: endpoint.auth)
            cells.append(judge(endpoint: endpoint, testCase: c, expected: expected, answer: answer, failure: failure,
                               anonymous: anonymous[endpoint.name]))
        }
        var warnings: [String] = []
        let answered = cells.compactMap(\.answer)
        if !answered.isEmpty && answered.allSatisfy({ $0.origin == .gateway }) {
            warnings.append("every answer came from Supabase's gateway: the function was never exercised (is the gateway's JWT check on? it can never accept Ory's RS256 tokens)")
        }
        if config.token == nil { warnings.append("no token given (--token-env): real_token, altered_signature and altered_payload were skipped") }
        return Report(baseURL: config.baseURL, cells: cells, skipped: skipped, warnings: warnings)
    }

    static func judge(endpoint: ThrustAPI.Endpoint, testCase c: Case, expected: [Expectation], answer: ClassifiedAnswer?,
                      failure: String?, anonymous: ClassifiedAnswer?) -> Cell {
        func cell(_ v: Verdict, _ note: String) -> Cell {
            Cell(endpoint: endpoint, testCase: c, expected: expected, answer: answer, failure: failure, verdict: v, note: note)
        }
        guard let answer else { return cell(.error, failure ?? "no answer") }
        if (500..<600).contains(answer.status) { return cell(.error, "the API answered \(answer.status)") }
        if c.isForgery && (200..<300).contains(answer.status) {
            if endpoint.auth == .required {
                return cell(.security, "a forged credential (\(c.rawValue)) was ACCEPTED with \(answer.status) on an endpoint that requires auth")
            }
            if let anon = anonymous, sameBody(anon, answer) {
                return cell(.mismatch, "answered \(answer.status) with the anonymous data: the forged token was treated as no token, where the table says 401")
            }
            return cell(.security, "a forged credential (\(c.rawValue)) was ACCEPTED: the answer differs from the anonymous one")
        }
        if expected.contains(where: { $0.accepts(answer) }) { return cell(.match, "as documented") }
        let want = expected.map { "\($0.status)\($0.message.map { " \($0)" } ?? "")" }.joined(separator: " or ")
        return cell(.mismatch, "documented: \(want); answered \(answer.status) \(answer.message ?? "(no message)")")
    }

    /// A forged copy of `token` (sub changed, old signature kept), for the demo's story.
    public static func alterPayloadForDemo(_ token: String) -> String { Credentials.alterPayload(token) ?? token }

    /// Bodies compared as parsed JSON, or as bytes when not JSON (SPEC).
    static func sameBody(_ a: ClassifiedAnswer, _ b: ClassifiedAnswer) -> Bool {
        if let x = a.json, let y = b.json { return x.isEquivalent(to: y) }
        return a.body == b.body
    }
}
