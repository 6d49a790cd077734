import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

@Suite("Crash safety")
struct CrashTests {
    /// Runs the torture child against a folder, reads its acknowledgements until `count` arrived, then
    /// kills it with SIGKILL in the middle of whatever it was doing. Returns seq → content hash.
    static func killAfter(acks count: Int, folder: DataFolder) throws -> [Int64: String] {
        let executable = try #require(BuiltProduct.path("memberledger-torture"), "memberledger-torture is not built")
        let child = try ChildProcess(executable, ["append", folder.path, "16"], output: .pipe)
        defer {
            child.send(SIGKILL)
            child.wait()
        }
        child.killAfter(120)
        var acknowledged: [Int64: String] = [:]
        child.forEachOutputLine { line in
            let parts = line.split(separator: " ")
            if parts.count == 3, parts[0] == "ack", let seq = Int64(parts[1]) {
                acknowledged[seq] = String(parts[2])
            }
            return acknowledged.count < count
        }
        child.send(SIGKILL)
        #expect(child.wait().signal == SIGKILL)
        return acknowledged
    }

    @Test("SIGKILL mid-append loses no acknowledged record, round after round")
    func killLoop() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        var allAcknowledged: [Int64: String] = [:]
        for round in 0..<4 {
            let acknowledged = try Self.killAfter(acks: 200 + 150 * round, folder: folder)
            #expect(acknowledged.count >= 200)
            allAcknowledged.merge(acknowledged) { first, _ in first }
            // Reopening runs recovery (a torn tail is quarantined); then every acknowledged record is there.
            let writer = try JournalWriter(folder: folder)
            var found: [Int64: String] = [:]
            try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
                found[event.seq] = Hex.encode(SHA256.hash(JournalFormat.recordLine(event, previousHash: "").line))
                return true
            }
            for (seq, hash) in allAcknowledged {
                #expect(found[seq] == hash, "round \(round): acknowledged seq \(seq) lost or changed")
            }
            #expect(try JournalReader(folder: folder).verify().damage == nil)
            #expect(writer.lastRecord.seq == Int64(found.count))
        }
    }
}
