#if canImport(Glibc)
import Glibc
#endif

/// Writing files the user asked for (reports, keys): atomically, temp file + rename.
enum FileOutput {
    static func write(_ path: String, _ contents: String, mode: mode_t = 0o644, what: String = "file") throws(UsageError) {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, mode)
        guard fd >= 0 else { throw UsageError("cannot write \(what) '\(displayable(path, limit: 200))': \(String(cString: strerror(errno)))") }
        let bytes = Array(contents.utf8)
        let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        fchmod(fd, mode)
        close(fd)
        guard n == bytes.count, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw UsageError("cannot write \(what) '\(displayable(path, limit: 200))': \(String(cString: strerror(errno)))")
        }
    }
}
