/// The Thrust API as documented, written down once: base URL, endpoints and the error table.
///
/// The verifier's reason → error mapping, and later `check`, `probe` and `mock`, all read this one
/// description, so when the API's documentation changes, this file changes.
public enum ThrustAPI {
    public static let documentedBaseURL = "https://yppncslmsswqydhhgygz.supabase.co/functions/v1"

    /// One row of the documented error table.
    public struct DocumentedError: Sendable, Hashable {
        public let status: Int
        public let message: String
        public let meaning: String
    }

    public static let missingAuthorization = DocumentedError(
        status: 401, message: "Missing authorization header", meaning: "no `Authorization: Bearer` header")
    public static let invalidToken = DocumentedError(
        status: 401, message: "Invalid or expired authentication token", meaning: "bad signature, expired, malformed…")
    public static let noUserID = DocumentedError(
        status: 401, message: "No user ID in token", meaning: "token verifies but has no usable sub")
    public static let insufficientPermissions = DocumentedError(
        status: 403, message: "Insufficient permissions", meaning: "valid user, resource not allowed")

    /// The table, in documentation order.
    public static let errorTable: [DocumentedError] = [missingAuthorization, invalidToken, noUserID, insufficientPermissions]

    /// The documented row with this status and message (compared case-insensitively after
    /// trimming, as SPEC "Classifying a response" says), or nil when the answer is in no row.
    public static func row(status: Int, message: String?) -> DocumentedError? {
        guard let m = message?.trimmingSpaces.lowercased() else { return nil }
        return errorTable.first { $0.status == status && $0.message.lowercased() == m }
    }

    /// Whether `message` is this row's sentence (case-insensitive, trimmed).
    public static func matches(_ message: String?, _ row: DocumentedError) -> Bool {
        message?.trimmingSpaces.lowercased() == row.message.lowercased()
    }

    public enum AuthMode: String, Sendable { case optional, required }

    public struct Endpoint: Sendable, Hashable {
        public let name: String
        public let auth: AuthMode
        /// The documented JSON request body.
        public let body: String

        public init(name: String, auth: AuthMode, body: String) {
            self.name = name
            self.auth = auth
            self.body = body
        }
    }

    public static func endpoint(named name: String) -> Endpoint? { endpoints.first { $0.name == name } }

    /// The endpoint `check` calls by default: it requires auth, "the documented way to test a key".
    public static let checkEndpoint = "get-notifications"

    public static let endpoints: [Endpoint] = [
        Endpoint(name: "get-tokens", auth: .optional, body: #"{"filter":"trending","limit":20}"#),
        Endpoint(name: "get-posts", auth: .optional, body: "{}"),
        Endpoint(name: "get-topics", auth: .optional, body: "{}"),
        Endpoint(name: "get-notifications", auth: .required, body: #"{"limit":1}"#),
    ]
}
