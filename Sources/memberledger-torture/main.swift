import Foundation
import MemberLedgerCore
import MemberLedgerJournal

// A process to be killed: it appends to a journal from many threads forever and prints one line per
// acknowledged append ("ack SEQ HASH-OF-RECORD"), flushing each, so that the crash tests and the
// reliability campaigns can SIGKILL it at any moment and check that every acknowledged record survived.
//
// usage: memberledger-torture append DIR [THREADS]

/// Writes a line to stdout at once (unbuffered), so a kill loses no acknowledgement already printed.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments[1] == "append" else {
    FileHandle.standardError.write(Data("usage: memberledger-torture append DIR [THREADS]\n".utf8))
    exit(64)
}
let folder = DataFolder(path: arguments[2])
let threads = arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8
let writer: JournalWriter
do {
    writer = try JournalWriter(folder: folder)
} catch {
    FileHandle.standardError.write(Data("memberledger-torture: \(error)\n".utf8))
    exit(74)
}
let output = NSLock()
say("ready \(writer.lastRecord.seq)")
for thread in 0..<threads {
    Thread.detachNewThread {
        var count = 0
        while true {
            count += 1
            let contact = ContactData(contactID: "t\(thread)-\(count)", tags: ["Torture", "Thread \(thread)"])
            let draft = EventDraft(
                .webhookReceived(WebhookReceived(command: WebhookCommand(.updateUser, contact: contact))))
            do {
                let event = try writer.append(draft)
                let line = JournalFormat.recordLine(event, previousHash: "").line
                output.lock()
                say("ack \(event.seq) \(Hex.encode(SHA256.hash(line)))")
                output.unlock()
            } catch {
                FileHandle.standardError.write(Data("memberledger-torture: \(error)\n".utf8))
                exit(74)
            }
        }
    }
}
while true { sleep(60) }
