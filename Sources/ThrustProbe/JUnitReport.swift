/// JUnit XML, the report format CI systems show (one `testcase` per check or probe cell).
public struct JUnitReport: Sendable {
    public struct TestCase: Sendable {
        public enum Outcome: Sendable { case passed, failed(String), error(String), skipped(String) }
        public let className: String
        public let name: String
        public let seconds: Double
        public let outcome: Outcome
        public let output: String?

        public init(className: String, name: String, seconds: Double, outcome: Outcome, output: String? = nil) {
            self.className = className
            self.name = name
            self.seconds = seconds
            self.outcome = outcome
            self.output = output
        }
    }

    public let suite: String
    public let cases: [TestCase]

    public init(suite: String, cases: [TestCase]) {
        self.suite = suite
        self.cases = cases
    }

    public var xml: String {
        func count(_ p: (TestCase.Outcome) -> Bool) -> Int { cases.filter { p($0.outcome) }.count }
        let failures = count { if case .failed = $0 { true } else { false } }
        let errors = count { if case .error = $0 { true } else { false } }
        let skipped = count { if case .skipped = $0 { true } else { false } }
        let total = cases.reduce(0.0) { $0 + $1.seconds }
        var s = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        s += #"<testsuites name="thrust-jwt" tests="\#(cases.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)" time="\#(seconds(total))">"# + "\n"
        s += #"  <testsuite name="\#(escape(suite))" tests="\#(cases.count)" failures="\#(failures)" errors="\#(errors)" skipped="\#(skipped)" time="\#(seconds(total))">"# + "\n"
        for c in cases {
            s += #"    <testcase classname="\#(escape(c.className))" name="\#(escape(c.name))" time="\#(seconds(c.seconds))""#
            switch c.outcome {
            case .passed where c.output == nil:
                s += "/>\n"
                continue
            default:
                s += ">\n"
            }
            switch c.outcome {
            case .passed: break
            case .failed(let m): s += #"      <failure message="\#(escape(m))">\#(escape(m))</failure>"# + "\n"
            case .error(let m): s += #"      <error message="\#(escape(m))">\#(escape(m))</error>"# + "\n"
            case .skipped(let m): s += #"      <skipped message="\#(escape(m))"/>"# + "\n"
            }
            if let out = c.output { s += "      <system-out>\(escape(out))</system-out>\n" }
            s += "    </testcase>\n"
        }
        s += "  </testsuite>\n</testsuites>\n"
        return s
    }

    private func seconds(_ s: Double) -> String {
        let ms = Int((s * 1000).rounded())
        return "\(ms / 1000).\(String(repeating: "0", count: 3 - String(ms % 1000).count))\(ms % 1000)"
    }

    /// XML 1.0 text/attribute escaping; characters XML cannot carry become U+FFFD.
    func escape(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n", "\t", "\r": out.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(u) }
            }
        }
        return out
    }
}
