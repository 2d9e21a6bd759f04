#if canImport(Glibc)
import Glibc
#endif
import ThrustJWT

/// Where output goes. Results go to stdout, warnings and errors to stderr (SPEC "Output streams").
/// Buffered, flushed on `flush()`; tests capture it by running the binary.
final class OutputStream: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    static let out = OutputStream(fd: 1)
    static let err = OutputStream(fd: 2)

    func write(_ s: String) {
        buffer.append(contentsOf: s.utf8)
        if buffer.count > 64 * 1024 { flush() }
    }

    func line(_ s: String = "") {
        buffer.append(contentsOf: s.utf8)
        buffer.append(0x0A)
        if buffer.count > 64 * 1024 { flush() }
    }

    func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count > 64 * 1024 { flush() }
    }

    func flush() {
        var offset = 0
        buffer.withUnsafeBytes { raw in
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { if errno == EINTR { continue } else { break } }
                offset += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Terminal facts and colour, decided once: colour only on a TTY and never with `NO_COLOR`.
struct Style: Sendable {
    let enabled: Bool

    static func detect(fd: Int32) -> Style {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) }.map { !$0.isEmpty } ?? false
        let dumb = getenv("TERM").map { String(cString: $0) } == "dumb"
        return Style(enabled: isatty(fd) == 1 && !noColor && !dumb)
    }

    private func wrap(_ s: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
    func bold(_ s: String) -> String { wrap(s, "1") }
    func dim(_ s: String) -> String { wrap(s, "2") }
    func green(_ s: String) -> String { wrap(s, "32") }
    func red(_ s: String) -> String { wrap(s, "31") }
    func yellow(_ s: String) -> String { wrap(s, "33") }
    func cyan(_ s: String) -> String { wrap(s, "36") }
}

enum Environment {
    static func get(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
    static var stdinIsTTY: Bool { isatty(0) == 1 }
    static var processorCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}

/// Pads `s` to `width` display columns (ASCII-aware; wide characters count as one).
func pad(_ s: String, _ width: Int) -> String {
    let n = s.count
    return n >= width ? s : s + String(repeating: " ", count: width - n)
}

/// A value from a token, made safe for one terminal line: control characters replaced, long
/// values cut.
func displayable(_ s: String, limit: Int = 120) -> String {
    var out = ""
    var count = 0
    for u in s.unicodeScalars {
        if count >= limit { return out + "…" }
        if u.value < 0x20 || u.value == 0x7F || (u.value >= 0x80 && u.value < 0xA0) { out.append("?") } else { out.unicodeScalars.append(u) }
        count += 1
    }
    return out
}
