import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// The auditor's and admin's verbs on the journal itself: verify, repair, snapshot, rebuild, export,
/// and replay of an event file.
enum VerifyVerb {
    static let spec = VerbSpec(
        name: "verify", summary: "Check the journal: header, every hash, the chain, seq without gaps.", arguments: "",
        positionalCount: 0...0,
        options: [
            .data,
            OptionSpec(name: "--expect-head", value: "SEQ:HASH", help: "also prove that record SEQ still has HASH"),
            .json,
        ],
        details: "Exit 0 intact, 1 damaged (first bad seq and byte offset), 2 cannot open.", run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        var expected: (seq: Int64, hash: String)?
        if let text = arguments.options["--expect-head"] {
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let seq = Int64(parts[0]), seq >= 0 else {
                usageError(spec, "--expect-head takes SEQ:HASH, got \(text)")
            }
            expected = (seq, String(parts[1]))
        }
        let scan: JournalScan
        let size =
            (try? FileManager.default.attributesOfItem(atPath: arguments.folder.journal)[.size] as? Int).map(Int64.init)
            ?? 0
        let progress = Progress("verify", total: size, unit: "records")
        do {
            scan = try JournalReader(folder: arguments.folder).verify { bytes, records in
                progress.update(done: bytes, items: records)
            }
            progress.finish()
        } catch {
            progress.finish()
            fail("verify: \(error)", .cannotOpen)
        }
        var problem: String?
        if let damage = scan.damage {
            problem = "damaged: \(damage)"
        } else if let expected {
            let found =
                expected.seq == scan.head.seq
                ? scan.head.hash
                : (expected.seq < scan.head.seq ? try? recordHash(seq: expected.seq, in: arguments.folder) : nil)
            if found != expected.hash {
                problem =
                    "head check failed: record \(expected.seq) has hash \(found ?? "(none)"), expected \(expected.hash)"
            }
        }
        if arguments.json {
            var fields: [(key: String, value: JSONValue)] = [
                ("intact", .bool(problem == nil)), ("seq", .int(scan.head.seq)), ("hash", .string(scan.head.hash)),
            ]
            if let damage = scan.damage {
                fields.append(("damage", .string(damage.description))); fields.append(("offset", .int(damage.offset)))
            }
            if let problem, scan.damage == nil { fields.append(("problem", .string(problem))) }
            printJSON(.object(fields))
        } else if let problem {
            say(problem)
            if scan.damage != nil { say("intact up to: \(scan.head)") }
        } else {
            say("intact: \(scan.head.seq) records, head \(scan.head)")
        }
        exit(problem == nil ? ExitCode.ok.rawValue : ExitCode.checkFailed.rawValue)
    }

    /// The hash of record `seq`, read from the journal.
    static func recordHash(seq: Int64, in folder: DataFolder) throws -> String? {
        var hash: String?
        try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, after in
            if event.seq == seq { hash = after.head.hash }
            return event.seq < seq
        }
        return hash
    }
}

enum RepairVerb {
    static let spec = VerbSpec(
        name: "repair",
        summary: "Quarantine a torn tail of the journal (with --force, everything from the first corrupt record on).",
        arguments: "", positionalCount: 0...0,
        options: [.data, OptionSpec(name: "--force", value: nil, help: "also quarantine from a corrupt record on")],
        details:
            "Quarantined bytes go to DIR/quarantine with a JSON manifest; nothing is deleted. Needs the writer's lock.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        guard FileSystem.exists(arguments.folder.journal) else {
            fail("repair: no journal at \(arguments.folder.journal)", .noInput)
        }
        do {
            let writer = try JournalWriter(
                folder: arguments.folder, repair: arguments.switches.contains("--force") ? .force : .tornTailOnly)
            say(writer.recovered.map { "repaired: \($0)" } ?? "nothing to repair")
            say("head: \(writer.lastRecord)")
            exit(ExitCode.ok.rawValue)
        } catch .corrupt(let damage) {
            say("not repaired: \(damage)\nrun `memberledger repair --force` to quarantine everything from there on")
            exit(ExitCode.checkFailed.rawValue)
        } catch .locked(let path, let pid) {
            fail("repair: \(JournalError.locked(path: path, pid: pid))", .tempFail)
        } catch {
            fail("repair: \(error)", .ioError)
        }
    }
}

enum SnapshotVerb {
    static let spec = VerbSpec(
        name: "snapshot", summary: "Write a snapshot of the current state, so replay starts from here.", arguments: "",
        positionalCount: 0...0, options: [.data], details: "Works while a server is writing.", run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let result = replay(arguments, target: .end)
        guard result.state.lastSeq > 0 else { fail("snapshot: the journal has no records yet", .badData) }
        do {
            let path = try SnapshotStore(folder: arguments.folder).write(
                result.state, at: result.position, recordOffset: result.recordOffset)
            say("snapshot at seq \(result.state.lastSeq): \(path)\nstate digest: \(result.state.digest)")
            exit(ExitCode.ok.rawValue)
        } catch {
            fail("snapshot: \(error)", .ioError)
        }
    }
}

enum RebuildVerb {
    static let spec = VerbSpec(
        name: "rebuild",
        summary: "Replay from seq 1 ignoring snapshots, compare with every snapshot, replace any that disagree.",
        arguments: "", positionalCount: 0...0, options: [.data, .json], details: "", run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let store = SnapshotStore(folder: arguments.folder)
        let snapshots = store.list()
        var verdicts: [(seq: Int64, verdict: String)] = []
        let bySeq = Dictionary(snapshots.map { ($0.seq, $0) }, uniquingKeysWith: { first, _ in first })
        let result = replay(arguments, target: .end, useSnapshots: false) { step in
            guard let snapshot = bySeq[step.event.seq] else { return }
            // Agreement is the whole binding replay checks: same state, journal, record hash and offset.
            let problem =
                snapshot.problem
                ?? (snapshot.digest != step.state.digest
                    ? "its state differs from replay"
                    : snapshot.journalID != step.position.journalID
                        ? "it belongs to journal \(snapshot.journalID)"
                        : snapshot.chainHash != step.position.head.hash
                            ? "its record hash differs from the journal's"
                            : snapshot.recordOffset != step.recordOffset
                                ? "its record offset differs from the journal's" : nil)
            guard let problem else {
                verdicts.append((step.event.seq, "agrees"))
                return
            }
            do {
                try store.write(step.state, at: step.position, recordOffset: step.recordOffset)
                verdicts.append((step.event.seq, "replaced (\(problem))"))
            } catch {
                verdicts.append((step.event.seq, "could not be replaced: \(error)"))
            }
        }
        for snapshot in snapshots where snapshot.seq > result.state.lastSeq {
            verdicts.append((snapshot.seq, "beyond the journal's head \(result.state.lastSeq): not used"))
        }
        if arguments.json {
            printJSON(
                .object([
                    ("seq", .int(result.state.lastSeq)), ("stateDigest", .string(result.state.digest)),
                    (
                        "snapshots",
                        .array(verdicts.map { .object([("seq", .int($0.seq)), ("verdict", .string($0.verdict))]) })
                    ),
                ]))
        } else {
            say("replayed \(result.state.lastSeq) records from seq 1: state digest \(result.state.digest)")
            if verdicts.isEmpty { say("no snapshots") }
            for (seq, verdict) in verdicts { say("snapshot at seq \(seq): \(verdict)") }
        }
        exit(ExitCode.ok.rawValue)
    }
}

enum ExportVerb {
    static let spec = VerbSpec(
        name: "export",
        summary: "Write the journal's events as NDJSON on stdout (for Kafka, Vector or any log engine).",
        arguments: "", positionalCount: 0...0,
        options: [.data, OptionSpec(name: "--from", value: "SEQ", help: "start at this seq (default 1)")],
        details: "Each line is an event in the format of Docs/events.md, without the journal's prev and hash.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let from = arguments.integer("--from", minimum: 1) ?? 1
        guard FileSystem.exists(arguments.folder.journal) else {
            fail("export: no journal at \(arguments.folder.journal)", .noInput)
        }
        var buffer: [UInt8] = []
        do {
            let scan = try JournalReader(folder: arguments.folder).forEachEvent(verify: true) { event, _, _ in
                guard event.seq >= from else { return true }
                buffer += Array(event.jsonLine.utf8)
                buffer.append(UInt8(ascii: "\n"))
                if buffer.count > 1 << 20 {
                    emit(1, buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
                return true
            }
            emit(1, buffer)
            if let damage = scan.damage { warn("stopped at the journal's damage: \(damage)") }
        } catch {
            fail("export: \(error)", .ioError)
        }
        exit(ExitCode.ok.rawValue)
    }
}

enum ReplayFileVerb {
    static let spec = VerbSpec(
        name: "replay", summary: "Fold a JSON Lines file of events from an empty ledger and print the state digest.",
        arguments: "FILE.jsonl", positionalCount: 1...1,
        options: [OptionSpec(name: "--transcript", value: nil, help: "print what every event did instead")],
        details: "For fixtures and exports: no data folder is touched.", run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let path = arguments.positional[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("replay: cannot read \(path)", .noInput)
        }
        let events: [Event]
        do {
            events = try EventLines.decode([UInt8](data))
        } catch {
            fail("replay: \(path): \(error)", .badData)
        }
        let (state, outcomes) = LedgerState().replaying(events)
        if arguments.switches.contains("--transcript") {
            emit(1, Transcript.render(events: events, outcomes: outcomes, finalState: state))
        } else {
            say("events: \(events.count)\nhead seq: \(state.lastSeq)\nstate digest: \(state.digest)")
        }
        exit(ExitCode.ok.rawValue)
    }
}
