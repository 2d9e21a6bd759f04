import ThrustCLI
#if canImport(Glibc)
import Glibc
#endif

// `run` flushes stdout and stderr itself; `_exit` then skips OpenSSL's atexit clean-up, which
// costs a measurable share of a one-token process for memory the kernel frees anyway.
_exit(ThrustCLI.run(Array(CommandLine.arguments.dropFirst())))
