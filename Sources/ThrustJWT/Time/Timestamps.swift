#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock time as NumericDate seconds (RFC 7519 §2), without Foundation on the hot path.
public enum Clock {
    /// Seconds since the Unix epoch, from `CLOCK_REALTIME`.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// RFC 3339 timestamps in UTC (`2026-12-01T10:00:00Z`), formatting and parsing.
public enum RFC3339 {
    /// Formats seconds since the epoch; fractions are shown to the millisecond when present.
    /// Written digit by digit into one buffer: verdicts format times for every token in a batch.
    public static func format(_ seconds: Double) -> String {
        let whole = seconds.rounded(.down)
        guard whole.isFinite, whole > -62_135_596_800, whole < 253_402_300_800 else { return "\(seconds)" }  // years 1…9999
        let secs = Int64(whole)
        let days = secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400
        let rem = secs - days * 86_400
        let (y, m, d) = civil(fromDays: days)
        var out = [UInt8]()
        out.reserveCapacity(24)
        func digits(_ v: Int64, _ width: Int) {
            var div: Int64 = 1
            for _ in 1..<width { div *= 10 }
            var x = v
            while div > 0 {
                out.append(UInt8(48 + x / div % 10))
                x %= div
                div /= 10
            }
        }
        digits(y, 4); out.append(45); digits(m, 2); out.append(45); digits(d, 2); out.append(84)
        digits(rem / 3600, 2); out.append(58); digits(rem / 60 % 60, 2); out.append(58); digits(rem % 60, 2)
        let millis = Int64(((seconds - whole) * 1000).rounded())
        if millis > 0 && millis < 1000 { out.append(46); digits(millis, 3) }
        out.append(90)
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)`; nil when it is not RFC 3339.
    public static func parse(_ text: String) -> Double? {
        let b = Array(text.utf8)
        func num(_ start: Int, _ count: Int) -> Int64? {
            guard start + count <= b.count else { return nil }
            var v: Int64 = 0
            for i in start..<(start + count) {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int64(b[i] - 48)
            }
            return v
        }
        guard b.count >= 20, let y = num(0, 4), b[4] == 45, let mo = num(5, 2), b[7] == 45, let d = num(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32, let h = num(11, 2), b[13] == 58, let mi = num(14, 2),
              b[16] == 58, let s = num(17, 2)
        else { return nil }
        guard (1...12).contains(mo), (1...daysIn(month: mo, year: y)).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            if i == start { return nil }
        }
        guard i < b.count else { return nil }
        var offset: Int64 = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard let oh = num(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = num(i + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == 43 ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        let days = days(fromCivil: y, mo, d)
        return Double(days * 86_400 + h * 3600 + mi * 60 + s - offset) + fraction
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}

/// Durations as SPEC writes them: `90` (seconds), `90s`, `15m`, `12h`, `7d`, `2w`, `1h30m`.
public enum DurationText {
    /// The longest duration accepted: 100 years (anything longer is a typo, and would overflow
    /// the integer conversions a timeout needs).
    public static let maximum: Double = 100 * 365 * 86_400

    /// Parses a duration into seconds; nil when it is not one (or longer than `maximum`).
    public static func parse(_ text: String) -> Double? {
        guard let d = parseUnbounded(text), d.isFinite, d <= maximum else { return nil }
        return d
    }

    static func parseUnbounded(_ text: String) -> Double? {
        let t = text.trimmingSpaces
        guard !t.isEmpty else { return nil }
        if let n = Double(t), n >= 0, t.allSatisfy({ $0.isNumber || $0 == "." }) { return n }
        var total = 0.0
        var digits = ""
        let chars = Array(t)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            i += 1
            if c.isASCII && (c.isNumber || c == ".") {
                digits.append(c)
                continue
            }
            guard let n = Double(digits) else { return nil }
            let unit: Double
            switch c {
            case "s": unit = 1
            case "m" where i < chars.count && chars[i] == "s":
                i += 1
                unit = 0.001
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            total += n * unit
            digits = ""
        }
        return digits.isEmpty ? total : nil
    }

    /// A compact human form of a span: `45s`, `59m`, `2h 5m`, `12d`, `3d 4h`.
    public static func describe(_ seconds: Double) -> String {
        let magnitude = abs(seconds)
        guard magnitude.isFinite, magnitude < 3e15 else { return "over 95 million years" }
        if magnitude < 10 && magnitude != magnitude.rounded() {
            let tenths = (magnitude * 10).rounded()
            return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))s" : "\(tenths / 10)s"
        }
        let s = Int64(magnitude.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return s % 60 == 0 || s >= 600 ? "\(s / 60)m" : "\(s / 60)m \(s % 60)s" }
        if s < 86_400 {
            let h = s / 3600, m = s / 60 % 60
            return m == 0 ? "\(h)h" : "\(h)h \(m)m"
        }
        let d = s / 86_400, h = s / 3600 % 24
        if d >= 7 && d < 365 { return "\(Int((Double(s) / 86_400).rounded()))d" }
        if d >= 365 { return d % 365 == 0 ? "\(d / 365)y" : "\(d / 365)y \(d % 365)d" }
        return h == 0 || d >= 7 ? "\(d)d" : "\(d)d \(h)h"
    }

    /// Whole seconds from `now` until `instant`, floored (negative once past); nil when absent
    /// or too far to be an integer (a claim may say `1e300`).
    public static func wholeSeconds(until instant: Double?, now: Double) -> Int? {
        guard let instant else { return nil }
        let d = (instant - now).rounded(.down)
        return d.magnitude < 9e15 ? Int(d) : nil
    }

    /// "in 59m" for a future instant, "2d ago" for a past one, relative to `now`.
    public static func relative(_ instant: Double, now: Double) -> String {
        let delta = instant - now
        if abs(delta) < 1 { return "now" }
        return delta > 0 ? "in \(describe(delta))" : "\(describe(delta)) ago"
    }
}

/// Instants as SPEC accepts them: RFC 3339, or Unix seconds written `@1735689600`.
public enum InstantText {
    /// Parses an instant; `allowBareSeconds` accepts `1735689600` too (as `--now` does).
    public static func parse(_ text: String, allowBareSeconds: Bool = false) -> Double? {
        let t = text.trimmingSpaces
        // Years 1 to 9999, as RFC 3339 can write them.
        func inRange(_ v: Double) -> Double? { v.isFinite && v > -62_135_596_800 && v < 253_402_300_800 ? v : nil }
        if t.hasPrefix("@") { return Double(t.dropFirst()).flatMap(inRange) }
        if allowBareSeconds, let n = Double(t), t.first != "+" { return inRange(n) }
        return RFC3339.parse(t)
    }
}

extension String {
    /// Trims ASCII and Unicode whitespace from both ends (Foundation-free).
    public var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
