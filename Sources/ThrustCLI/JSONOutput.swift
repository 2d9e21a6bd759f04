import ThrustJWT

/// Small constructors for JSON output with nulls for absent values.
enum J {
    static func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    static func int(_ n: Int?) -> JSONValue { n.map { .number(JSONNumber($0)) } ?? .null }
    static func num(_ d: Double?) -> JSONValue { d.map { .number(JSONNumber($0)) } ?? .null }
    static func strings(_ list: [String]) -> JSONValue { .array(list.map(JSONValue.string)) }
    static func object(_ o: JSONObject?) -> JSONValue { .object(o ?? JSONObject()) }
    static func time(_ t: Double?) -> JSONValue { t.map { .string(RFC3339.format($0)) } ?? .null }
    static func apiError(_ e: ThrustAPI.DocumentedError?) -> JSONValue {
        guard let e else { return .null }
        return ["status": .number(JSONNumber(e.status)), "message": .string(e.message)]
    }

    /// Seconds until `exp`, floored to an integer (negative once expired).
    static func secondsUntil(_ exp: Double?, now: Double) -> Int? { DurationText.wholeSeconds(until: exp, now: now) }
}
