// swift-tools-version: 6.1
import PackageDescription

// Defined above `let package` on purpose (SwiftPM#6597: settings declared after it are silently ignored).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Every service links the same shared libraries; a service's own extras are added per call.
func service(_ module: String, extra: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: module,
        dependencies: [
            "AttendanceDomain", "Events", "Messaging", "Storage", "ServiceRuntime",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ] + extra,
        path: "Services/\(module)",
        swiftSettings: swiftSettings
    )
}

let package = Package(
    name: "attendance-pathway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "register-ingest", targets: ["RegisterIngest"]),
        .executable(name: "absence-detector", targets: ["AbsenceDetector"]),
        .executable(name: "pathway-coordinator", targets: ["PathwayCoordinator"]),
        .executable(name: "notification", targets: ["NotificationService"]),
        .executable(name: "meeting-scheduler", targets: ["MeetingScheduler"]),
        .executable(name: "la-portal", targets: ["LAPortal"]),
        .executable(name: "messaging-benchmark", targets: ["MessagingBenchmark"]),
        .executable(name: "ingest-benchmark", targets: ["IngestBenchmark"]),
        .executable(name: "detector-benchmark", targets: ["DetectorBenchmark"]),
        .executable(name: "pipeline-benchmark", targets: ["PipelineBenchmark"]),
        .executable(name: "la-feed", targets: ["LAFeed"]),
        .executable(name: "producer-race-check", targets: ["ProducerRaceCheck"]),
    ],
    // Each dependency narrowed to the minor version it is tested with (Package.resolved cannot be committed on these
    // machines: their package copies carry other commit ids than GitHub's), so an image built elsewhere resolves the same.
    dependencies: [
        .package(url: "https://github.com/apple/swift-log.git", .upToNextMinor(from: "1.16.2")),
        .package(url: "https://github.com/apple/swift-metrics.git", .upToNextMinor(from: "2.13.0")),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", .upToNextMinor(from: "2.4.1")),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", .upToNextMinor(from: "2.13.0")),
        .package(url: "https://github.com/apple/swift-nio.git", .upToNextMinor(from: "2.101.3")),
        .package(url: "https://github.com/vapor/postgres-nio.git", .upToNextMinor(from: "1.33.2")),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", .upToNextMinor(from: "2.28.1")),
        .package(url: "https://github.com/apple/swift-crypto.git", .upToNextMinor(from: "4.5.2")),
        // Identity: signed tokens (JWT, EdDSA) and Hummingbird's authentication middleware protocols.
        .package(url: "https://github.com/vapor/jwt-kit.git", .upToNextMinor(from: "5.8.0")),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", .upToNextMinor(from: "2.5.0")),
        // Benchmarks and the demo's feed post over HTTP; HummingbirdTesting builds it for the tests anyway.
        .package(url: "https://github.com/swift-server/async-http-client.git", .upToNextMinor(from: "1.37.0")),
        // notification: its SMTP client's STARTTLS, and its templates.
        .package(url: "https://github.com/apple/swift-nio-ssl.git", .upToNextMinor(from: "2.37.6")),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", .upToNextMinor(from: "2.1.1")),
        // la-portal: its pages' security headers.
        .package(url: "https://github.com/apple/swift-http-types.git", .upToNextMinor(from: "1.8.0")),
    ],
    targets: [
        // MARK: Shared libraries
        .target(name: "AttendanceDomain", path: "Shared/AttendanceDomain", swiftSettings: swiftSettings),
        .target(name: "Events", path: "Shared/Events", swiftSettings: swiftSettings),
        // A seedable synthetic LA (schools, pupils, families, a term of registers) for the demo and benchmarks.
        .target(name: "SyntheticLA", dependencies: ["AttendanceDomain", "Events"], path: "Shared/SyntheticLA", swiftSettings: swiftSettings),
        .systemLibrary(
            name: "CRdKafka",
            path: "Shared/CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "Messaging",
            dependencies: [
                "CRdKafka", "Events",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/Messaging",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Shared/Storage",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceRuntime",
            dependencies: [
                "AttendanceDomain", "Messaging", "Storage",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Shared/ServiceRuntime",
            swiftSettings: swiftSettings
        ),

        // MARK: Services
        service("RegisterIngest", extra: [.product(name: "NIOCore", package: "swift-nio")]),
        service("AbsenceDetector"),
        service("PathwayCoordinator"),
        service("NotificationService", extra: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "JWTKit", package: "jwt-kit"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        service("MeetingScheduler"),
        // The LA's web portal: sign-in and sessions, pages rendered from the services' APIs.
        service("LAPortal", extra: [
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
        ]),

        // MARK: Benchmarks (commands that print figures)
        .executableTarget(
            name: "MessagingBenchmark",
            dependencies: ["Messaging", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Benchmarks/MessagingBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ProducerRaceCheck",
            dependencies: ["Messaging", .product(name: "Logging", package: "swift-log")],
            path: "Tests/Tools/ProducerRaceCheck",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BenchmarkSupport",
            dependencies: [
                "Events", "Messaging", "Storage",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Benchmarks/BenchmarkSupport",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "IngestBenchmark",
            dependencies: [
                "BenchmarkSupport", "AttendanceDomain", "Events", "Messaging",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Benchmarks/IngestBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "DetectorBenchmark",
            dependencies: [
                "BenchmarkSupport", "AttendanceDomain", "Events", "Messaging", "Storage", "SyntheticLA",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/Benchmarks/DetectorBenchmark",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "PipelineBenchmark",
            dependencies: [
                "BenchmarkSupport", "AttendanceDomain", "Events", "Messaging", "Storage", "SyntheticLA",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            path: "Tests/Benchmarks/PipelineBenchmark",
            swiftSettings: swiftSettings
        ),

        // MARK: Tools
        .executableTarget(
            name: "LAFeed",
            dependencies: [
                "SyntheticLA", "AttendanceDomain", "Events",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/Tools/LAFeed",
            swiftSettings: swiftSettings
        ),

        // MARK: Tests
        .target(
            name: "TestSupport",
            dependencies: [
                "Storage", "Messaging", "ServiceRuntime",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AttendanceDomainTests",
            dependencies: ["AttendanceDomain"],
            path: "Tests/AttendanceDomainTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SyntheticLATests",
            dependencies: ["SyntheticLA", "AttendanceDomain", "Events"],
            path: "Tests/SyntheticLATests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventsTests",
            dependencies: ["Events"],
            path: "Tests/EventsTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MessagingTests",
            dependencies: [
                "Messaging", "Events", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Tests/MessagingTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "RegisterIngestTests",
            dependencies: [
                "RegisterIngest", "AttendanceDomain", "Events", "Messaging", "ServiceRuntime", "Storage", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/RegisterIngestTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AbsenceDetectorTests",
            dependencies: [
                "AbsenceDetector", "RegisterIngest", "PathwayCoordinator", "NotificationService", "MeetingScheduler", "LAPortal",
                "AttendanceDomain", "Events", "Messaging", "ServiceRuntime", "Storage", "SyntheticLA", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/AbsenceDetectorTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: [
                "Storage", "TestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/StorageTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceRuntimeTests",
            dependencies: [
                "ServiceRuntime", "Storage", "Messaging", "Events", "TestSupport",
                "RegisterIngest", "AbsenceDetector", "PathwayCoordinator", "NotificationService", "MeetingScheduler",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ServiceRuntimeTests",
            swiftSettings: swiftSettings
        ),
    ]
)
