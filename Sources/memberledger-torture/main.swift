import Foundation
import MemberLedgerCampaigns
import MemberLedgerCore
import MemberLedgerJournal

// The reliability campaigns' executable.
//
// usage:
//   memberledger-torture append DIR [THREADS]
//       append from many threads forever, printing "ack SEQ HASH" per acknowledged append, to be SIGKILLed
//       (the crash tests use it)
//   memberledger-torture campaign [--quick] [--seed N]
//       every campaign of Docs/reliability.md (long by default), one summary line each; exit 1 on a failure
//   memberledger-torture faults --seed N
//       replays one storage-fault run and prints what failed
//   memberledger-torture fuzz-server [--inputs N] [--seed N]
//       the loopback server fuzzing campaign alone, at any size (10^6 for Docs/reliability.md)

/// Writes a line to stdout at once (unbuffered), so a kill loses no acknowledgement already printed.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func usage() -> Never {
    FileHandle.standardError.write(
        Data(
            """
            usage: memberledger-torture append DIR [THREADS]
                   memberledger-torture campaign [--quick] [--seed N]
                   memberledger-torture faults --seed N
                   memberledger-torture fuzz-server [--inputs N] [--seed N]

            """.utf8))
    exit(64)
}

let arguments = CommandLine.arguments
guard arguments.count >= 2 else { usage() }

/// The value after `--seed`, or `fallback`.
func seed(default fallback: UInt64) -> UInt64 {
    guard let index = arguments.firstIndex(of: "--seed") else { return fallback }
    guard index + 1 < arguments.count, let value = UInt64(arguments[index + 1]) else { usage() }
    return value
}

switch arguments[1] {
case "append":
    guard arguments.count >= 3 else { usage() }
    appendForever(folder: DataFolder(path: arguments[2]), threads: arguments.count > 3 ? Int(arguments[3]) ?? 8 : 8)
case "campaign":
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("memberledger-campaign-\(getpid())")
        .path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    let quick = arguments.contains("--quick")
    let first = seed(default: 20_261_129)
    say("reliability campaign (\(quick ? "quick" : "long")), seed \(first), started \(Date())")
    var failed = false
    try ReliabilityRun(scale: quick ? .quick : .long, seed: first, scratch: scratch).run { report in
        say(report.summary)
        for failure in report.failures.prefix(20) { say("  FAILED \(failure)") }
        for note in report.notes { say("  note: \(note)") }
        failed = failed || !report.failures.isEmpty
    }
    say("finished \(Date())")
    // exit() skips defers: the scratch folder (the crash loop's journal, tens of MB) goes first.
    try? FileManager.default.removeItem(atPath: scratch)
    exit(failed ? 1 : 0)
case "faults":
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("memberledger-faults-\(getpid())").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    let one = seed(default: 1)
    let report = StorageFaultCampaign(scratch: scratch).run(seeds: [one])
    try? FileManager.default.removeItem(atPath: scratch)
    say(report.summary)
    for failure in report.failures { say("FAILED \(failure)") }
    exit(report.failures.isEmpty ? 0 : 1)
case "fuzz-server":
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("memberledger-fuzz-\(getpid())").path
    try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    var inputs = 1_000_000
    if let index = arguments.firstIndex(of: "--inputs") {
        guard index + 1 < arguments.count, let value = Int(arguments[index + 1]), value > 0 else { usage() }
        inputs = value
    }
    say("server fuzzing, \(inputs) inputs, started \(Date())")
    let report = try ReliabilityRun.serverFuzz(inputs: inputs, seed: seed(default: 20_261_129), scratch: scratch)
    try? FileManager.default.removeItem(atPath: scratch)
    say(report.summary)
    for failure in report.failures.prefix(20) { say("FAILED \(failure)") }
    say("finished \(Date())")
    exit(report.failures.isEmpty ? 0 : 1)
default:
    usage()
}

/// Appends from `threads` threads forever.
func appendForever(folder: DataFolder, threads: Int) -> Never {
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
}
