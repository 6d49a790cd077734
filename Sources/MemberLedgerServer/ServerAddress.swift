import MemberLedgerJournal

/// Where a running server listens, kept in `DIR/server.url` while it runs, so that admin verbs that must
/// record an event (`outbox retry`, `password reset`) can hand it to the server holding the writer's lock.
public enum ServerAddress {
    /// The file's path.
    public static func path(_ folder: DataFolder) -> String { "\(folder.path)/server.url" }

    /// Notes the base URL (`http://127.0.0.1:8080`).
    public static func write(_ baseURL: String, in folder: DataFolder) throws(SystemError) {
        try FileSystem.writeDurably(Array((baseURL + "\n").utf8), to: path(folder))
    }

    /// The base URL of the server writing to the folder, if one noted it.
    public static func read(_ folder: DataFolder) -> String? {
        guard let bytes = try? FileSystem.readFile(path(folder)) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).filter { !$0.isWhitespace }
        return text.isEmpty ? nil : text
    }

    /// Removes the note (at shutdown).
    public static func remove(from folder: DataFolder) {
        try? FileSystem.remove(path(folder))
    }
}
