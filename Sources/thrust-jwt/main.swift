import ThrustCLI
#if canImport(Glibc)
import Glibc
#endif

exit(ThrustCLI.run(Array(CommandLine.arguments.dropFirst())))
