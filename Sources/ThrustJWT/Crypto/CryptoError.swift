internal import CThrustCrypto

/// A failure inside OpenSSL or a refusal of key material, with OpenSSL's own message when it gave one.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let openSSLMessage: String?

    public init(_ operation: String, openSSLMessage: String? = nil) {
        self.operation = operation
        self.openSSLMessage = openSSLMessage
    }

    /// Captures (and clears) the calling thread's OpenSSL error queue.
    static func drain(_ operation: String) -> CryptoError {
        var buf = [CChar](repeating: 0, count: 256)
        let has = thrust_last_error(&buf, buf.count) == 1
        let message = has ? buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : nil
        return CryptoError(operation, openSSLMessage: message)
    }

    public var description: String {
        guard let m = openSSLMessage else { return operation }
        // "error:0800006B:elliptic curve routines::point is not on curve" → the last part.
        let tail = m.split(separator: ":", omittingEmptySubsequences: false).last.map(String.init) ?? m
        return "\(operation): \(tail)"
    }
}
