// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MemberLedger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MemberLedgerCore", targets: ["MemberLedgerCore"]),
        .library(name: "MemberLedgerJournal", targets: ["MemberLedgerJournal"]),
        .library(name: "MemberLedgerSystem", targets: ["MemberLedgerSystem"]),
        .library(name: "MemberLedgerHTTP", targets: ["MemberLedgerHTTP"]),
        .library(name: "MemberLedgerWebhooks", targets: ["MemberLedgerWebhooks"]),
        .library(name: "MemberLedgerCRM", targets: ["MemberLedgerCRM"]),
        .library(name: "MemberLedgerQuery", targets: ["MemberLedgerQuery"]),
        .library(name: "MemberLedgerServer", targets: ["MemberLedgerServer"]),
        .library(name: "MemberLedgerTesting", targets: ["MemberLedgerTesting"]),
        .executable(name: "memberledger", targets: ["memberledger"]),
    ],
    targets: [
        // SHA-256 on the CPU's SHA instructions; see Sources/CMemberLedgerSHA/SHA256Hardware.c for why.
        .target(name: "CMemberLedgerSHA"),
        // epoll, eventfd and accept4, which Swift's Glibc module does not expose; see its header.
        .target(name: "CMemberLedgerSystem"),
        // Counts allocations by interposing malloc and friends; linked into memberledger-bench only.
        .target(name: "CMemberLedgerAllocationCount"),
        .target(name: "MemberLedgerSystem", dependencies: ["CMemberLedgerSystem"]),
        .target(name: "MemberLedgerCore", dependencies: ["CMemberLedgerSHA"]),
        .target(name: "MemberLedgerJournal", dependencies: ["MemberLedgerCore", "MemberLedgerSystem"]),
        .target(name: "MemberLedgerHTTP", dependencies: ["MemberLedgerSystem", "CMemberLedgerSystem"]),
        .target(name: "MemberLedgerWebhooks", dependencies: ["MemberLedgerCore"]),
        .target(name: "MemberLedgerQuery", dependencies: ["MemberLedgerCore", "MemberLedgerJournal"]),
        .target(name: "MemberLedgerCRM", dependencies: ["MemberLedgerCore", "MemberLedgerJournal"]),
        .target(
            name: "MemberLedgerServer",
            dependencies: [
                "MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerHTTP", "MemberLedgerWebhooks",
                "MemberLedgerCRM", "MemberLedgerQuery", "MemberLedgerSystem",
            ]
        ),
        .target(
            name: "MemberLedgerTesting", dependencies: ["MemberLedgerCore", "MemberLedgerHTTP", "MemberLedgerSystem"]),
        .target(
            name: "MemberLedgerCampaigns",
            dependencies: [
                "MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerHTTP", "MemberLedgerWebhooks",
                "MemberLedgerServer", "MemberLedgerTesting", "MemberLedgerSystem",
            ]
        ),
        .executableTarget(
            name: "memberledger",
            dependencies: [
                "MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerHTTP", "MemberLedgerServer",
                "MemberLedgerWebhooks",
                "MemberLedgerCRM", "MemberLedgerQuery",
            ]
        ),
        .executableTarget(
            name: "memberledger-torture",
            dependencies: ["MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerCampaigns"]
        ),
        .executableTarget(
            name: "memberledger-bench",
            dependencies: [
                "MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerHTTP", "MemberLedgerServer", "MemberLedgerCRM",
                "MemberLedgerSystem", "MemberLedgerTesting", "CMemberLedgerAllocationCount",
            ]
        ),
        .testTarget(
            name: "MemberLedgerCoreTests",
            dependencies: ["MemberLedgerCore", "MemberLedgerTesting"]
        ),
        .testTarget(
            name: "MemberLedgerJournalTests",
            dependencies: [
                "MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerQuery", "MemberLedgerTesting", "memberledger",
                "memberledger-torture",
            ]
        ),
        .testTarget(
            name: "MemberLedgerHTTPTests",
            dependencies: ["MemberLedgerHTTP", "MemberLedgerSystem", "MemberLedgerTesting"]
        ),
        .testTarget(
            name: "MemberLedgerCRMTests", dependencies: ["MemberLedgerCRM", "MemberLedgerCore", "MemberLedgerTesting"]
        ),
        .testTarget(name: "MemberLedgerWebhooksTests", dependencies: ["MemberLedgerWebhooks", "MemberLedgerTesting"]),
        .testTarget(
            name: "MemberLedgerServerTests",
            dependencies: [
                "MemberLedgerServer", "MemberLedgerJournal", "MemberLedgerCore", "MemberLedgerTesting", "memberledger",
            ]
        ),
        .testTarget(
            name: "MemberLedgerReliabilityTests",
            dependencies: ["MemberLedgerCampaigns", "MemberLedgerJournal", "MemberLedgerTesting", "memberledger"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
