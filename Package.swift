// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MemberLedger",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "MemberLedgerCore", targets: ["MemberLedgerCore"]),
        .library(name: "MemberLedgerJournal", targets: ["MemberLedgerJournal"]),
        .library(name: "MemberLedgerTesting", targets: ["MemberLedgerTesting"]),
        .executable(name: "memberledger", targets: ["memberledger"]),
    ],
    targets: [
        .target(name: "MemberLedgerCore"),
        .target(name: "MemberLedgerJournal", dependencies: ["MemberLedgerCore"]),
        .target(name: "MemberLedgerTesting", dependencies: ["MemberLedgerCore"]),
        .executableTarget(name: "memberledger", dependencies: ["MemberLedgerCore", "MemberLedgerJournal"]),
        .executableTarget(name: "memberledger-torture", dependencies: ["MemberLedgerCore", "MemberLedgerJournal"]),
        .executableTarget(name: "memberledger-bench", dependencies: ["MemberLedgerCore", "MemberLedgerJournal"]),
        .testTarget(
            name: "MemberLedgerCoreTests",
            dependencies: ["MemberLedgerCore", "MemberLedgerTesting"]
        ),
        .testTarget(
            name: "MemberLedgerJournalTests",
            dependencies: ["MemberLedgerCore", "MemberLedgerJournal", "MemberLedgerTesting", "memberledger", "memberledger-torture"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
