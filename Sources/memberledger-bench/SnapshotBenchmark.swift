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
    // Each load in a fresh process, as after a restart: in this process the state's pages would come
    // from memory the write just freed, and the load would look twice as fast as a restart sees it.
    var lastRun = ""
    let load = medianOfThree {
        let result = shell("'\(CommandLine.arguments[0])' snapshot-load '\(path)' \(state.digest)")
        lastRun = result.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard result.status == 0, let seconds = Double(lastRun.split(separator: " ").first ?? "") else {
            fatalError("snapshot-load failed: \(result.output)")
        }
        return seconds
    }
    let parts = lastRun.split(separator: " ")
    if parts.count == 3 { say("    last of three: read \(parts[1]) s, decode and rebuild \(parts[2]) s") }
    report(
        "snapshot load (read, decode, rebuild tables; fresh process), median of 3", load.median, "s",
        versus: "the 1 s target", ratio: 1 / load.median)
    say(String(format: "    range %.2f–%.2f s", load.low, load.high))
}

/// Run in a fresh process: loads a snapshot file as a restart does, checks its digest, and prints the
/// seconds in all, reading, and decoding.
func snapshotLoadProbe(path: String, digest: String) {
    let start = now()
    let bytes = try! FileSystem.readFile(path)
    let read = now() - start
    // The header line, then the canonical state (Docs/journal-format.md).
    let newline = bytes.firstIndex(of: UInt8(ascii: "\n"))!
    let state = try! LedgerState(canonicalBytes: Array(bytes[(newline + 1)...]))
    let total = now() - start
    precondition(state.digest == digest, "a loaded snapshot is the state written")
    say(String(format: "%.3f %.2f %.2f", total, read, total - read))
}
