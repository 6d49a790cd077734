/// The folder that holds one site's ledger: `journal.jsonl`, `snapshots/`, `quarantine/`, `verified.json`
/// and the writer's `lock` file. The folder and its subfolders are created 0700, every file 0600: handshakes and password
/// hashes live here.
public struct DataFolder: Sendable, Hashable {
    /// The folder's path.
    public var path: String

    /// The folder used when none is given: `./ledger-data`.
    public static let defaultPath = "ledger-data"

    /// A data folder at a path (nothing is created until a writer opens it).
    public init(path: String = DataFolder.defaultPath) {
        self.path = path
    }

    /// The journal file.
    public var journal: String { "\(path)/journal.jsonl" }
    /// Where snapshots are kept.
    public var snapshots: String { "\(path)/snapshots" }
    /// Where bytes removed by recovery or repair are kept.
    public var quarantine: String { "\(path)/quarantine" }
    /// The last whole-journal verification (`VerificationRecord`).
    public var verification: String { "\(path)/verified.json" }
    /// Says the folder was restored from a snapshot alone (`SnapshotRestore`).
    public var restoredMarker: String { "\(path)/restored.json" }
    /// The writer's lock file (holds the writer's pid).
    public var lock: String { "\(path)/lock" }

    /// Creates the folder and its subfolders if missing.
    func create() throws(SystemError) {
        try FileSystem.makeDirectory(path)
        try FileSystem.makeDirectory(snapshots)
        try FileSystem.makeDirectory(quarantine)
    }
}
