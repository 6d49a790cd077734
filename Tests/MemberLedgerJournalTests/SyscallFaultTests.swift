import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerSystem
import MemberLedgerTesting
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The syscall fault seam: a rule installed for this test's own paths makes the named calls fail as the
/// kernel would, and the layers above report it as they would a real failure.
@Suite("Syscall faults")
struct SyscallFaultTests {
    @Test("a failed fdatasync stops the journal (fail-stop): the append is refused, and so is every later one")
    func failedSyncStopsTheJournal() throws {
        let temp = TemporaryFolder()
        let folder = DataFolder(path: temp.appending("data"))
        let writer = try JournalWriter(folder: folder)
        _ = try writer.append(EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "1")))))
        let rule = SyscallFaults.install { operation, subject in
            operation == "fdatasync" && subject.hasPrefix(temp.path) ? Errno(EIO) : nil
        }
        defer { SyscallFaults.remove(rule) }
        let draft = EventDraft(.memberImported(MemberImported(contact: ContactData(contactID: "2"))))
        let first = Result { () throws(JournalError) in try writer.append(draft) }
        guard case .failure(let error) = first else { return #expect(Bool(false), "the append was acknowledged") }
        #expect(
            "\(error)".contains("Input/output error") || "\(error)".contains("EIO") || "\(error)".contains("errno 5"))
        SyscallFaults.remove(rule)
        // Fail-stop: even with the disk back, this writer appends nothing after a failed sync.
        #expect(throws: JournalError.self) { try writer.append(draft) }
        #expect(writer.lastRecord.seq == 1)
    }

    @Test("an open that fails with ENOSPC names the path and the errno; other paths are untouched")
    func failedOpenNamesThePath() throws {
        let temp = TemporaryFolder()
        let target = temp.appending("full.txt")
        let rule = SyscallFaults.install { operation, subject in
            operation == "open" && subject == target ? Errno(ENOSPC) : nil
        }
        defer { SyscallFaults.remove(rule) }
        #expect(throws: SystemError(operation: "open", subject: target, code: ENOSPC)) {
            try FileDescriptor.open(target, O_WRONLY | O_CREAT)
        }
        let other = try FileDescriptor.open(temp.appending("other.txt"), O_WRONLY | O_CREAT)
        other.close()
    }
}
