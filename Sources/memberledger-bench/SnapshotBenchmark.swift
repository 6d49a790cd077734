import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// A state of `members` members, each imported with an email, two tags and a field, as one would hold.
func stateOfMembers(_ members: Int) -> LedgerState {
    var state = LedgerState()
    let start = Timestamp(seconds: 1_790_000_000)
    for index in 0..<members {
        let contact = ContactData(
            contactID: String(1_000_000 + index), email: "member\(index)@example.com", firstName: "First\(index)",
            tags: ["Gold", index % 3 == 0 ? "Trial" : "Newsletter"], fields: ["member_points": String(index % 977)])
        state.apply(
            Event(
                seq: Int64(index + 1), recordedAt: start.adding(seconds: Int64(index / 1000)),
                payload: .memberImported(MemberImported(contact: contact))))
    }
    return state
}

/// Scenario 3: write and load the state of a million members.
func snapshotBenchmark(members: Int) {
    say("== snapshot (\(members) members) ==")
    let state = stateOfMembers(members)
    let folder = temporaryFolder("snapshot")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let data = DataFolder(path: folder)
    try! FileSystem.makeDirectory(folder)
    let position = JournalReader.Position(
        journalID: "bench",
        head: JournalHead(
            seq: state.lastSeq, hash: String(repeating: "0", count: 64), recordedAt: state.lastRecordedAt),
        offset: 0)
    let writeStart = now()
    let path = try! SnapshotStore(folder: data).write(state, at: position, recordOffset: 0)
    let writeSeconds = now() - writeStart
    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    report("snapshot write (encode, fsync, rename)", writeSeconds, "s", versus: "", ratio: nil)
    say(String(format: "    %.0f MB", Double(size) / 1e6))
    let loadStart = now()
    let bytes = try! FileSystem.readFile(path)
    let readSeconds = now() - loadStart
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))!
    let stateBytes = Array(bytes[(newline + 1)...])
    let decodeStart = now()
    let loaded = try! LedgerState(canonicalBytes: stateBytes)
    let loadSeconds = now() - loadStart
    say(String(format: "    read %.2f s, decode and rebuild %.2f s", readSeconds, now() - decodeStart))
    precondition(loaded.digest == state.digest, "a loaded snapshot is the state written")
    report(
        "snapshot load (read, decode, rebuild tables)", loadSeconds, "s", versus: "the 1 s target",
        ratio: 1 / loadSeconds)
}
