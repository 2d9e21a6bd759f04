// swift-tools-version: 6.0
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "thrust-jwt",
    products: [
        .library(name: "ThrustJWT", targets: ["ThrustJWT"]),
        .library(name: "ThrustHTTP", targets: ["ThrustHTTP"]),
        .executable(name: "thrust-jwt", targets: ["thrust-jwt"]),
    ],
    targets: [
        // OpenSSL 3 through pkg-config; Debian's libssl-dev provides it.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        // C glue over EVP: key building, per-key verify contexts, signing, key generation.
        .target(name: "CThrustCrypto", dependencies: ["COpenSSL"]),
        // The JOSE core: parsing, keys, verification policy. No networking, no Foundation.
        .target(name: "ThrustJWT", dependencies: ["CThrustCrypto"], swiftSettings: upcoming),
        // libcurl and libmicrohttpd glue; both are dlopen'ed on first use, so offline commands never load them.
        .target(name: "CThrustNet"),
        // HTTP client on libcurl, remote JWKS with caching and rotation, OIDC discovery.
        .target(name: "ThrustHTTP", dependencies: ["ThrustJWT", "CThrustNet"], swiftSettings: upcoming),
        // A small HTTP server on libmicrohttpd (the mock API and the tests' loopback servers).
        .target(name: "ThrustServer", dependencies: ["CThrustNet"], swiftSettings: upcoming),
        // check and probe: the live API's answers held against its documented error table.
        .target(name: "ThrustProbe", dependencies: ["ThrustJWT", "ThrustHTTP"], swiftSettings: upcoming),
        // The local Thrust API emulator that enforces the documented table.
        .target(name: "ThrustMock", dependencies: ["ThrustJWT", "ThrustServer"], swiftSettings: upcoming),
        // Commands, argument parsing and terminal output, testable in-process.
        .target(name: "ThrustCLI", dependencies: ["ThrustJWT", "ThrustHTTP", "ThrustServer", "ThrustProbe", "ThrustMock"],
                swiftSettings: upcoming),
        .executableTarget(name: "thrust-jwt", dependencies: ["ThrustCLI"], swiftSettings: upcoming),
        .executableTarget(name: "thrust-bench", dependencies: ["ThrustJWT"], path: "Benchmarks/thrust-bench",
                          swiftSettings: upcoming),
        // libFuzzer harness (`make fuzz`); a plain build replays files for regressions.
        .executableTarget(name: "thrust-fuzz", dependencies: ["ThrustJWT", "ThrustHTTP", "ThrustProbe"], path: "Benchmarks/thrust-fuzz", swiftSettings: upcoming),
        .testTarget(name: "ThrustJWTTests", dependencies: ["ThrustJWT"], swiftSettings: upcoming),
        .testTarget(name: "ThrustHTTPTests", dependencies: ["ThrustHTTP", "ThrustServer", "ThrustJWT"], swiftSettings: upcoming),
        .testTarget(name: "ThrustCLITests", dependencies: ["thrust-jwt", "ThrustJWT", "ThrustServer", "ThrustMock"], swiftSettings: upcoming),
    ]
)
