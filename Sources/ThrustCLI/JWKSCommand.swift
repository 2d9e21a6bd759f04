import ThrustHTTP
import ThrustJWT

/// `jwks SOURCE`: the keys of a set, their thumbprints, and what is wrong with them.
enum JWKSCommand {
    struct Listing {
        let source: String
        let keys: KeySet
        var keyWarnings: [[String]] = []
        var setWarnings: [String] = []
        var leaksPrivate = false
        /// How a remote set was obtained, and what HTTP said about caching it.
        var remote: RemoteDocument.Snapshot? = nil

        init(source: String, keys: KeySet) {
            self.source = source
            self.keys = keys
            var kidCounts: [String: Int] = [:]
            for k in keys.keys { if let kid = k.keyID { kidCounts[kid, default: 0] += 1 } }
            for k in keys.keys {
                var w: [String] = []
                if let reason = k.unusableReason { w.append("unusable: \(reason)") }
                if let priv = k.jwk?.privateMembers, !priv.isEmpty {
                    w.append("carries private members (\(priv.joined(separator: ", "))): a published set must hold no secrets")
                    leaksPrivate = true
                }
                if k.keyID == nil { w.append("no kid: tokens cannot name this key") }
                else if kidCounts[k.keyID!, default: 0] > 1 { w.append("duplicate kid: \(kidCounts[k.keyID!]!) keys share it") }
                keyWarnings.append(w)
            }
            if keys.keys.isEmpty { setWarnings.append("the set holds no usable entries") }
            for (kid, n) in kidCounts.sorted(by: { $0.key < $1.key }) where n > 1 {
                setWarnings.append("\(n) keys share kid \"\(displayable(kid, limit: 60))\"")
            }
            let missing = keys.keys.filter { $0.keyID == nil }.count
            if missing > 0 && keys.keys.count > 1 { setWarnings.append("\(missing) of \(keys.keys.count) keys have no kid") }
            if !keys.skipped.isEmpty { setWarnings.append("\(keys.skipped.count) entries skipped") }
        }

        var json: JSONValue {
            let list: [JSONValue] = keys.keys.enumerated().map { i, k in
                ["kid": J.str(k.keyID), "kty": .string(k.keyType.rawValue), "alg": J.str(k.pinnedAlgorithm), "use": J.str(k.use),
                 "bits": k.keyType == .ec || k.keyType == .okp ? .null : J.int(k.bits), "crv": J.str(k.curve),
                 "thumbprint": k.keyType == .oct ? .null : J.str(k.thumbprint), "warnings": J.strings(keyWarnings[i])]
            }
            let skipped: [JSONValue] = keys.skipped.map {
                ["index": .number(JSONNumber($0.index)), "kid": J.str($0.keyID), "reason": .string($0.reason)]
            }
            var o: JSONObject = JSONObject(["source": .string(source), "keys": .array(list), "skipped": .array(skipped),
                                            "warnings": J.strings(setWarnings)])
            if let r = remote {
                let d = r.document
                o.set("cache", ["state": .string(r.origin.rawValue), "stale": .bool(r.stale), "fetched_at": J.time(d.fetchedAt),
                                "fresh_until": J.time(d.freshUntil)])
                o.set("http", ["cache_control": J.str(d.cacheControl), "etag": J.str(d.etag), "last_modified": J.str(d.lastModified)])
            }
            return .object(o)
        }

        func human(style s: Style) -> String {
            var rows: [[String]] = [["KID", "KTY", "ALG", "USE", "SIZE", "THUMBPRINT"]]
            for k in keys.keys {
                let size = k.curve ?? k.bits.map { "\($0) bits" } ?? "-"
                rows.append([displayable(k.keyID ?? "-", limit: 40), k.keyType.rawValue, k.pinnedAlgorithm ?? "-", k.use ?? "-", size,
                             k.keyType == .oct ? "-" : (k.thumbprint ?? "-")])
            }
            let widths = (0..<6).map { c in rows.map { $0[c].count }.max() ?? 0 }
            var out = s.bold("\(keys.keys.count) key\(keys.keys.count == 1 ? "" : "s") in \(displayable(source, limit: 200))") + "\n"
            for (r, row) in rows.enumerated() {
                let line = "  " + row.enumerated().map { c, v in c == 5 ? v : pad(v, widths[c]) }.joined(separator: "  ")
                out += (r == 0 ? s.dim(line) : line) + "\n"
                if r > 0 {
                    for w in keyWarnings[r - 1] { out += "    " + s.yellow("! ") + w + "\n" }
                }
            }
            if let r = remote {
                let d = r.document, now = Clock.now()
                let state: String
                switch r.origin {
                case .cache: state = "from the disk cache"
                case .fetched: state = "fetched now"
                case .revalidated: state = "revalidated (304 Not Modified)"
                case .staleAfterError: state = s.yellow("STALE: the refetch failed")
                }
                out += "  " + s.dim("cache  ") + "\(state); fetched \(RFC3339.format(d.fetchedAt)), fresh \(d.freshUntil > now ? "for \(DurationText.describe(d.freshUntil - now))" : "no longer")\n"
                out += "  " + s.dim("http   ") + "Cache-Control: \(d.cacheControl ?? "-")  ETag: \(d.etag ?? "-")  Last-Modified: \(d.lastModified ?? "-")\n"
            }
            for sk in keys.skipped {
                out += "  " + s.dim("skipped entry \(sk.index)\(sk.keyID.map { " (kid \(displayable($0, limit: 40)))" } ?? ""): \(sk.reason)") + "\n"
            }
            return out
        }
    }

    static func run(_ args: ParsedArguments) throws(UsageError) -> ThrustCLI.ExitCode {
        guard let source = args.positionals.first else { throw UsageError("jwks needs a SOURCE: a JWKS file or URL") }
        _ = try Inputs.duration(args, "--timeout")
        let keys: KeySet
        var remote: RemoteDocument.Snapshot? = nil
        if URLPolicy.isHTTPURL(source) {
            let network = try NetworkOptions(args)
            try network.check(source, flag: "jwks")
            do {
                let fetched = try RemoteKeySet(url: source, client: network.client, cache: network.cache).current()
                keys = fetched.keys
                remote = fetched.snapshot
            } catch {
                let why = "cannot fetch the JWKS at \(source): \(error)"
                if args.json {
                    OutputStream.out.line((["source": .string(source), "keys": .array([]), "skipped": .array([]),
                                            "warnings": .array([]), "error": .string(why)] as JSONValue).serialized)
                }
                OutputStream.err.line("thrust-jwt: \(why)")
                return .noVerdict
            }
        } else {
            let bytes = try Inputs.readFile(source, what: "JWKS file")
            do { keys = try KeySet(jwks: bytes) } catch {
                throw UsageError("JWKS file '\(displayable(source, limit: 200))' is not a valid JWKS: \(error.message)")
            }
        }
        var listing = Listing(source: source, keys: keys)
        listing.remote = remote
        if let snap = remote, snap.stale, let error = snap.error {
            listing.setWarnings.append("stale: the refetch failed (\(error)); listing the copy fetched \(DurationText.describe(Clock.now() - snap.document.fetchedAt)) ago")
        }
        if args.json {
            OutputStream.out.line(listing.json.serialized)
        } else if !args.quiet {
            OutputStream.out.write(listing.human(style: Style.detect(fd: 1)))
            let warn = Style.detect(fd: 2)
            for w in listing.setWarnings { OutputStream.err.line(warn.yellow("warning: ") + w) }
        }
        if listing.leaksPrivate {
            if !args.json { OutputStream.err.line("thrust-jwt: the set leaks private key material") }
            return .rejected
        }
        return .success
    }
}
