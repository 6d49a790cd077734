import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// Scenario 2: replay a realistic journal, and read the same events back from SQLite and PostgreSQL.
/// Scenario 3 (second half): a snapshot 10 000 events before the end plus that tail, against full replay.
func replayBenchmark(events: Int) {
    say("== replay (\(events) events over \(min(100_000, events / 2)) members, fixed seed) ==")
    let folder = temporaryFolder("replay")
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let generateStart = now()
    generateJournal(at: folder, events: events, members: min(100_000, events / 2))
    let bytes = (try? FileManager.default.attributesOfItem(atPath: "\(folder)/journal.jsonl")[.size] as? Int) ?? 0
    report("generated (bulk append, durable)", Double(events) / (now() - generateStart), "events/s")
    var unverifiedRate = 0.0
    for verify in [false, true] {
        var members = 0
        let elapsed = medianOfThree {
            let start = now()
            let result = try! LedgerReplay(folder: DataFolder(path: folder)).state(verify: verify, useSnapshots: false)
            members = result.state.members.count
            return now() - start
        }
        let rate = Double(events) / elapsed.median
        if !verify { unverifiedRate = rate }
        report(
            "replay \(verify ? "with" : "without") hash verification, median of 3", rate, "events/s",
            versus: "the target of \(verify ? "1M" : "2M")/s", ratio: rate / (verify ? 1e6 : 2e6))
        say(
            String(
                format: "    %.0f MB/s, %d members; range %.0f–%.0f events/s", Double(bytes) / elapsed.median / 1e6,
                members, Double(events) / elapsed.high, Double(events) / elapsed.low))
    }
    // The reading side alone (read, check, decode on the read-ahead thread; nothing applied): when replay
    // runs at this rate, decoding is what bounds it, not the reducer.
    for verify in [false, true] {
        let elapsed = medianOfThree {
            let start = now()
            try! JournalReader(folder: DataFolder(path: folder)).forEachEvent(verify: verify) { _, _, _ in true }
            return now() - start
        }
        report(
            "read and decode only, \(verify ? "with" : "without") hash verification, median of 3",
            Double(events) / elapsed.median, "events/s")
    }
    report("peak RSS so far", Double(peakRSS()) / 1e6, "MB")
    peerReadBack(folder: folder, events: events, ours: unverifiedRate)
    snapshotTail(folder: folder, events: events)
}

/// The same events as rows, read back in order by SQLite (WAL) and PostgreSQL (COPY TO STDOUT).
private func peerReadBack(folder: String, events: Int, ours: Double) {
    var ascii: [UInt8] = []
    var copyText: [UInt8] = []
    try! JournalReader(folder: DataFolder(path: folder)).forEachEvent(verify: false) { event, _, _ in
        let line = Array(event.jsonLine.utf8)
        ascii += Array(String(event.seq).utf8) + [0x1F] + line + [0x1E]
        copyText += Array(String(event.seq).utf8) + [0x09]
        for byte in line {
            if byte == UInt8(ascii: "\\") { copyText.append(byte) }
            copyText.append(byte)
        }
        copyText.append(0x0A)
        return true
    }
    let rowsFile = "\(folder)/rows.ascii"
    let copyFile = "\(folder)/rows.copy"
    _ = FileManager.default.createFile(atPath: rowsFile, contents: Data(ascii))
    _ = FileManager.default.createFile(atPath: copyFile, contents: Data(copyText))
    shell("chmod 644 \(copyFile) && chmod 755 \(folder)")
    if installed("sqlite3") {
        let database = "\(folder)/events.sqlite"
        shell("sqlite3 \(database) 'PRAGMA journal_mode=WAL; CREATE TABLE events(seq INTEGER PRIMARY KEY, body TEXT);'")
        shell("sqlite3 \(database) '.mode ascii' '.import \(rowsFile) events'")
        let read = shell("sqlite3 \(database) 'SELECT body FROM events ORDER BY seq' > /dev/null")
        reportPeer("SQLite (WAL) reading the same rows in order", rows: events, seconds: read.seconds, ours: ours)
    } else {
        skipped("peer: SQLite", needs: "sqlite3")
    }
    if let postgres = ScratchPostgres() {
        postgres.psql("CREATE TABLE events(seq bigint PRIMARY KEY, body text)")
        postgres.psql("\\\\copy events FROM '\(copyFile)'")
        let read = shell(
            "psql \(postgres.connection) -X -q -c 'COPY (SELECT body FROM events ORDER BY seq) TO STDOUT' postgres > /dev/null"
        )
        reportPeer("PostgreSQL COPY ... TO STDOUT of the same rows", rows: events, seconds: read.seconds, ours: ours)
    } else {
        skipped("peer: PostgreSQL", needs: "postgresql (initdb, pg_ctl)")
    }
}

/// One peer's read-back rate beside ours.
private func reportPeer(_ name: String, rows: Int, seconds: Double, ours: Double) {
    let rate = Double(rows) / seconds
    let peer = name.prefix { $0 != " " }
    report("peer: \(name)", rate, "rows/s", versus: "ours / \(peer)", ratio: ours / rate)
}

/// Snapshot at `events - 10 000`, then time replay from it against full replay.
private func snapshotTail(folder: String, events: Int) {
    let data = DataFolder(path: folder)
    let cut = Int64(max(1, events - 10_000))
    let atCut = try! LedgerReplay(folder: data).state(asOf: .seq(cut), verify: false, useSnapshots: false)
    try! SnapshotStore(folder: data).write(atCut.state, at: atCut.position, recordOffset: atCut.recordOffset)
    let fullStart = now()
    let full = try! LedgerReplay(folder: data).state(verify: false, useSnapshots: false)
    let fullSeconds = now() - fullStart
    let tailStart = now()
    let tail = try! LedgerReplay(folder: data).state(verify: true, useSnapshots: true)
    let tailSeconds = now() - tailStart
    precondition(tail.state.digest == full.state.digest, "snapshot plus tail must equal full replay")
    report(
        "snapshot + 10k-event tail (verified)", tailSeconds * 1000, "ms", versus: "full replay time / this",
        ratio: fullSeconds / tailSeconds)
}
