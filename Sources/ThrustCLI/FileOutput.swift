#if canImport(Glibc)
import Glibc
#endif

/// Writing files the user asked for (reports, keys): atomically, temp file + rename.
enum FileOutput {
    /// Fails early (before any request is sent) when `path` cannot be written: its directory is
    /// missing or not writable, or the file exists and is not writable.
    static func checkWritable(_ path: String, what: String) throws(UsageError) {
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var st = stat()
        guard stat(dir.isEmpty ? "/" : dir, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw UsageError("cannot write \(what) '\(displayable(path, limit: 200))': its directory does not exist")
        }
        if access(dir.isEmpty ? "/" : dir, W_OK) != 0 || (access(path, F_OK) == 0 && access(path, W_OK) != 0) {
            throw UsageError("cannot write \(what) '\(displayable(path, limit: 200))': permission denied")
        }
    }

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
