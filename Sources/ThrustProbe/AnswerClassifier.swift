import ThrustHTTP
import ThrustJWT

/// What an API answer says, read the way SPEC "Classifying a response" prescribes.
public struct ClassifiedAnswer: Sendable {
    public enum Origin: String, Sendable { case function, gateway }

    public let status: Int
    /// The first string among `error`, `message`, `msg`, `error_description` (a leading
    /// `Error: ` dropped, trimmed), or nil.
    public let message: String?
    public let origin: Origin
    /// The `sb-error-code` header, else the body's `code` as found (string or number).
    public let gatewayCode: JSONValue?
    /// The documented row the answer is in, if any.
    public let row: ThrustAPI.DocumentedError?
    /// The body parsed as JSON, when it is JSON.
    public let json: JSONValue?
    public let body: [UInt8]
    public let latencyMS: Int

    public init(status: Int, headers: HTTPHeaders, body: [UInt8], latencyMS: Int) {
        self.status = status
        self.body = body
        self.latencyMS = latencyMS
        let json = try? StrictJSON.parse(body)
        self.json = json
        let object = json?.objectValue
        var message: String? = nil
        for name in ["error", "message", "msg", "error_description"] {
            if let s = object?[name]?.stringValue {
                var m = s.trimmingSpaces
                if m.lowercased().hasPrefix("error:") { m = String(m.dropFirst(6)).trimmingSpaces }
                message = m
                break
            }
        }
        self.message = message
        let sbCode = headers["sb-error-code"]
        let hasError = object?.contains("error") ?? false
        let gatewayBody = (object?.contains("code") ?? false || object?.contains("msg") ?? false) && !hasError
        origin = sbCode != nil || gatewayBody ? .gateway : .function
        gatewayCode = sbCode.map(JSONValue.string) ?? object?["code"]
        row = ThrustAPI.row(status: status, message: message)
    }

    /// The documented client contract for a 401: the body's `error` is a string (so
    /// `response.error.includes(...)` cannot throw), and, where the answer is — or should be —
    /// the documented expired/invalid row, it includes "expired" (case-sensitive, as JavaScript's
    /// `includes`). nil for any other status.
    static func contract(status: Int, object: JSONObject?, message: String?, expected: ThrustAPI.DocumentedError?) -> Bool? {
        guard status == 401 else { return nil }
        guard let error = object?["error"]?.stringValue else { return false }
        if ThrustAPI.matches(message, ThrustAPI.invalidToken) || expected == ThrustAPI.invalidToken {
            return error.contains("expired")
        }
        return true
    }

    /// The contract judged against the row a probe case expects.
    public func clientContract(expecting row: ThrustAPI.DocumentedError?) -> Bool? {
        ClassifiedAnswer.contract(status: status, object: json?.objectValue, message: message, expected: row)
    }

    /// The message shortened for a table cell.
    public var shortMessage: String { message.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } ?? "-" }
}
