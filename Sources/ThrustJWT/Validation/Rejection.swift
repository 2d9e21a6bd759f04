/// Why a token was refused: one SPEC reason code, a human detail, and the documented API answer
/// the live API would give for the same fault.
public struct Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable reason codes of SPEC "Reason codes". Their raw values are the JSON `reason`.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        case missingToken = "missing_token"
        case malformed
        case encrypted
        case unsupportedAlgorithm = "unsupported_alg"
        case unsupportedCritical = "unsupported_critical"
        case keyNotFound = "key_not_found"
        case badSignature = "bad_signature"
        case expired
        case notYetValid = "not_yet_valid"
        case issuedInFuture = "issued_in_future"
        case tooOld = "too_old"
        case wrongIssuer = "wrong_issuer"
        case wrongAudience = "wrong_audience"
        case missingSubject = "missing_sub"
        case insufficientPermissions = "insufficient_permissions"

        /// The documented row this fault maps to (SPEC "Reason codes", last column).
        public var apiError: ThrustAPI.DocumentedError {
            switch self {
            case .missingToken: ThrustAPI.missingAuthorization
            case .missingSubject: ThrustAPI.noUserID
            case .insufficientPermissions: ThrustAPI.insufficientPermissions
            default: ThrustAPI.invalidToken
            }
        }
    }

    public let reason: Reason
    /// One line for people: what was wrong, never the token itself.
    public let detail: String

    public init(_ reason: Reason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }

    public var apiError: ThrustAPI.DocumentedError { reason.apiError }
    public var description: String { "\(reason.rawValue): \(detail)" }
}
