// swift-tools-version: 6.2
import PackageDescription

/// One set of settings for every target of ours: Swift 6 mode, strict concurrency,
/// upcoming features the house relies on, and no warnings.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .treatAllWarnings(as: .error),
]

let package = Package(
    name: "StrokePath",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "strokepath", targets: ["strokepath"]),
        .executable(name: "strokepath-bench", targets: ["strokepath-bench"]),
    ],
    traits: [
        .trait(
            name: "OpenTelemetry",
            description: "serve exports traces over OTLP/HTTP (swift-otel). Off by default: it adds minutes to every build."
        )
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Clinical",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AcuteCare",
            dependencies: ["Clinical"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Rehabilitation",
            dependencies: ["Clinical", .product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Recovery",
            dependencies: ["Clinical"],
            // The band simulates thousands of parameter sets: unoptimised, a projection takes
            // seconds and the tests (debug builds) would wait on it; optimised even in debug.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "Reporting",
            dependencies: ["Clinical"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ProtocolLibrary",
            dependencies: ["AcuteCare", "Recovery", "Rehabilitation", "Reporting"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                "AcuteCare",
                "Clinical",
                "Postgres",
                "Rehabilitation",
                "Recovery",
                "Reporting",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Seed",
            dependencies: [
                "Clinical",
                "Postgres",
                "Storage",
                "Rehabilitation",
                "Recovery",
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Server",
            dependencies: [
                "AcuteCare",
                "Clinical",
                "Postgres",
                "ProtocolLibrary",
                "Recovery",
                "Reporting",
                "Rehabilitation",
                "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "strokepath",
            dependencies: [
                "AcuteCare",
                "Clinical",
                "ProtocolLibrary",
                "Recovery",
                "Reporting",
                "Rehabilitation",
                "Postgres",
                "Seed",
                "Server",
                "Storage",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel", condition: .when(traits: ["OpenTelemetry"])),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "strokepath-bench",
            dependencies: [
                "AcuteCare",
                "Clinical",
                "ProtocolLibrary",
                "Seed",
                "Recovery",
                "Reporting",
                "Postgres",
                "Server",
                "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresTestSupport",
            dependencies: ["Clinical", "Postgres", "ProtocolLibrary", "Storage", "Seed", "Rehabilitation", "Recovery", "Reporting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresIntegrationTests",
            dependencies: ["Postgres", "PostgresTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AcuteCareTests",
            dependencies: ["AcuteCare", "Clinical", "ProtocolLibrary"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RehabilitationTests",
            dependencies: ["Rehabilitation", "Clinical", "ProtocolLibrary"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RecoveryTests",
            dependencies: ["Recovery", "Clinical", "ProtocolLibrary"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportingTests",
            dependencies: ["Reporting", "Clinical", "ProtocolLibrary"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Clinical", "Postgres", "ProtocolLibrary", "Storage", "Seed", "Rehabilitation", "Recovery", "PostgresTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["Clinical", "Postgres", "PostgresTestSupport", "Rehabilitation", "Reporting", "Seed", "Storage"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "AcuteCare", "Clinical", "Postgres", "ProtocolLibrary", "Recovery", "Seed", "Storage", "Rehabilitation", "PostgresTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "InMemoryLogging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
