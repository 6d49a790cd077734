import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerTesting
import Testing

/// Events are decoded on a second thread ahead of the caller; what the caller sees must be exactly what
/// one thread reading line by line would give, wherever it stops and however it fails.
@Suite("Journal reader: reading ahead on a second thread")
struct ReadAheadTests {
    /// A journal of `count` records (more than a few read-ahead batches).
    private static func journal(count: Int) throws -> (TemporaryFolder, DataFolder) {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder, clock: SteppingClock().now)
        _ = try writer.append(contentsOf: (0..<count).map { draft("c\($0 % 50)") })
        return (temp, folder)
    }

    /// Whether this process holds `path` open (Linux; false where /proc is missing).
    private static func holdsOpen(_ path: String) -> Bool {
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return descriptors.contains {
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)")) == path
        }
    }

    @Test(
        "stopping at any record gives the scan a single thread stopping there gives",
        arguments: [1, 255, 256, 257, 600, 1100])
    func stopAnywhere(stop: Int64) throws {
        let (temp, folder) = try Self.journal(count: 1100)
        _ = temp
        var seen: [Int64] = []
        let scan = try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            seen.append(event.seq)
            return event.seq < stop
        }
        #expect(seen == Array(1...stop))
        // The same journal cut right after that record, scanned in memory on one thread.
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        var lineEnds = bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        lineEnds.removeFirst()  // the header's
        let cut = Array(bytes[...lineEnds[Int(stop) - 1]])
        let single = JournalReader.scan(bytes: cut)
        #expect(scan == single)
        #expect(scan.head.seq == stop)
    }

    @Test("damage mid-journal: the events before it, then the damage or the decoding error, as one thread gives")
    func damageMidway() throws {
        let (temp, folder) = try Self.journal(count: 1100)
        _ = temp
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.journal)))
        let lineStarts = [0] + bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }.map { $0 + 1 }
        // Record 700 (line 701, after the header): its type name loses a letter, the line stays JSON.
        let line = Array(bytes[lineStarts[700]..<lineStarts[701]])
        let type = Array(#""webhook.received""#.utf8)
        let at = try #require((0...(line.count - type.count)).first { Array(line[$0..<$0 + type.count]) == type })
        bytes[lineStarts[700] + at + 1] = UInt8(ascii: "W")
        try Data(bytes).write(to: URL(fileURLWithPath: folder.journal))

        var seen: [Int64] = []
        let scan = try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, _ in
            seen.append(event.seq)
            return true
        }
        #expect(seen == Array(1...699))
        #expect(scan == JournalReader.scan(bytes: bytes))
        #expect(scan.damage?.offset == Int64(lineStarts[700]))

        // Unverified, the line is taken for a record and its event does not decode: the error comes
        // after exactly the events before it.
        seen = []
        #expect(throws: (any Error).self) {
            try JournalReader(folder: folder).forEachEvent(verify: false) { event, _, _ in
                seen.append(event.seq)
                return true
            }
        }
        #expect(seen == Array(1...699))
    }

    @Test("an error thrown by the caller comes out unchanged, and the reading thread lets go of the file")
    func callerThrows() throws {
        struct Refused: Error, Equatable { let seq: Int64 }
        let (temp, folder) = try Self.journal(count: 1100)
        _ = temp
        #expect(throws: Refused(seq: 300)) {
            try JournalReader(folder: folder).forEachEvent(verify: false) { event, _, _ in
                // The check below can see the file: it is open while events come.
                if event.seq == 1 {
                    #expect(Self.holdsOpen(folder.journal) || !FileManager.default.fileExists(atPath: "/proc"))
                }
                if event.seq == 300 { throw Refused(seq: 300) }
                return true
            }
        }
        #expect(!Self.holdsOpen(folder.journal))
        var count = 0
        let scan = try JournalReader(folder: folder).forEachEvent(verify: true) { _, _, _ in
            count += 1
            return true
        }
        #expect(count == 1100)
        #expect(scan.damage == nil)
    }
}
