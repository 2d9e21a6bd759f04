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
        .executable(name: "thrust-jwt", targets: ["thrust-jwt"]),
    ],
    targets: [
        // OpenSSL 3 through pkg-config; Debian's libssl-dev provides it.
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        // C glue over EVP: key building, per-key verify contexts, signing, key generation.
        .target(name: "CThrustCrypto", dependencies: ["COpenSSL"]),
        // The JOSE core: parsing, keys, verification policy. No networking, no Foundation.
        .target(name: "ThrustJWT", dependencies: ["CThrustCrypto"], swiftSettings: upcoming),
        // Commands, argument parsing and terminal output, testable in-process.
        .target(name: "ThrustCLI", dependencies: ["ThrustJWT"], swiftSettings: upcoming),
        .executableTarget(name: "thrust-jwt", dependencies: ["ThrustCLI"], swiftSettings: upcoming),
        .executableTarget(name: "thrust-bench", dependencies: ["ThrustJWT"], path: "Benchmarks/thrust-bench",
                          swiftSettings: upcoming),
        .testTarget(name: "ThrustJWTTests", dependencies: ["ThrustJWT"], swiftSettings: upcoming),
        .testTarget(name: "ThrustCLITests", dependencies: ["thrust-jwt", "ThrustJWT"], swiftSettings: upcoming),
    ]
)
