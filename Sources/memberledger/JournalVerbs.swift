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
        details:
            "Every line is checked as replay reads it (hash, chain, strict decoding, canonical bytes). Exit 0 "
            + "intact, 1 damaged (first bad seq and byte offset; a torn tail too), 66 no journal, 74 unreadable.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        var expected: (seq: Int64, hash: String)?
        if let text = arguments.options["--expect-head"] {
            let parts = text.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let seq = Int64(parts[0]), seq >= 0 else {
                usageError(spec, "--expect-head takes SEQ:HASH, got \(text)")
            }
            expected = (seq, String(parts[1]))
        }
        let scan = verifyWhole(arguments)
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
            if !scan.lost.isEmpty {
                fields.append(
                    (
                        "lost",
                        .array(
                            scan.lost.map {
                                .object([
                                    ("from", .int($0.seqs.lowerBound)), ("through", .int($0.seqs.upperBound)),
                                    ("salvagedAt", .string($0.salvagedAt.rfc3339)), ("reason", .string($0.reason)),
                                ])
                            })
                    ))
            }
            printJSON(.object(fields))
        } else if let problem {
            say(problem)
            if scan.damage != nil { say("intact up to: \(scan.head)") }
        } else {
            let lost = scan.lost.reduce(Int64(0)) { $0 + Int64($1.seqs.count) }
            say(
                lost == 0
                    ? "intact: \(scan.head.seq) records, head \(scan.head)"
                    : "intact: \(scan.head.seq - lost) records (seqs 1–\(scan.head.seq), \(lost) of them lost), head \(scan.head)"
            )
        }
        if !arguments.json {
            for lost in scan.lost { say("missing from history: \(lost)") }
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
        summary:
            "Repair the journal keeping what is intact: a torn tail, or records restored from a replica or salvaged.",
        arguments: "", positionalCount: 0...0,
        options: [
            .data,
            OptionSpec(
                name: "--from", value: "REPLICA", help: "restore damaged or missing records from this replica or backup"
            ),
            OptionSpec(name: "--salvage", value: nil, help: "mark records no replica has as lost; keep all after them"),
            OptionSpec(name: "--force", value: nil, help: "instead quarantine everything from a corrupt record on"),
        ],
        details:
            "Without options only a torn tail is quarantined. Replaced bytes go to DIR/quarantine with a JSON "
            + "manifest; nothing is deleted. Snapshots the journal no longer backs are quarantined too. Needs the "
            + "writer's lock. Exit 1 when damage is left.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let replica = arguments.options["--from"].map { DataFolder(path: $0) }
        if let replica, !FileSystem.exists(replica.journal) {
            fail(
                "repair: no journal at \(replica.journal) (--from takes a replica's or backup's data folder)", .noInput)
        }
        guard FileSystem.exists(arguments.folder.journal) else {
            guard let replica else {
                fail("repair: no journal at \(arguments.folder.journal) (give a replica: --from DIR)", .noInput)
            }
            let now = SystemClock.now()
            report(
                attempt { try JournalSalvage(folder: arguments.folder).restoreMissing(from: replica, now: now) },
                from: replica)
        }
        if replica != nil || arguments.switches.contains("--salvage") {
            keepingIntact(arguments, replica: replica)
        }
        do {
            let writer = try JournalWriter(
                folder: arguments.folder, repair: arguments.switches.contains("--force") ? .force : .tornTailOnly)
            let head = writer.lastRecord
            say(writer.recovered.map { "repaired: \($0)" } ?? "nothing to repair")
            for moved in writer.snapshotsQuarantined { say(moved) }
            say("head: \(head)")
            exit(ExitCode.ok.rawValue)
        } catch .corrupt(let damage) {
            say(
                "not repaired: \(damage)\nrestore it from a replica (`repair --from DIR`), keep what is intact "
                    + "(`repair --salvage`), or quarantine everything from there on (`repair --force`)")
            exit(ExitCode.checkFailed.rawValue)
        } catch .locked(let path, let pid) {
            fail("repair: \(JournalError.locked(path: path, pid: pid))", .tempFail)
        } catch {
            fail("repair: \(error)", .ioError)
        }
    }

    /// `--from` and `--salvage`: rebuild the journal line by line, keeping every intact record.
    static func keepingIntact(_ arguments: ParsedArguments, replica: DataFolder?) -> Never {
        let salvage = arguments.switches.contains("--salvage")
        report(
            attempt {
                try JournalSalvage(folder: arguments.folder).repair(
                    from: replica, salvage: salvage, now: SystemClock.now())
            }, from: replica)
    }

    /// Runs a repair, stopping the verb on failure: 1 when damage is left, 75 when the folder is in use.
    static func attempt(_ body: () throws -> JournalSalvage.Report) -> JournalSalvage.Report {
        do {
            return try body()
        } catch let failure as JournalSalvage.Failure {
            say("not repaired: \(failure)")
            exit(ExitCode.checkFailed.rawValue)
        } catch let failure as JournalReplica.Failure {
            say("not repaired: \(failure)")
            exit(ExitCode.checkFailed.rawValue)
        } catch JournalError.locked(let path, let pid) {
            fail("repair: \(JournalError.locked(path: path, pid: pid))", .tempFail)
        } catch {
            fail("repair: \(error)", .ioError)
        }
    }

    /// Prints what a repair did, every seq restored and lost, and exits 0.
    static func report(_ report: JournalSalvage.Report, from replica: DataFolder?) -> Never {
        guard report.changed || !report.restored.isEmpty else {
            say("nothing to repair\nhead: \(report.head)")
            exit(ExitCode.ok.rawValue)
        }
        for seqs in report.restored {
            let which =
                seqs == 0...0
                ? "the header"
                : seqs.count == 1 ? "seq \(seqs.lowerBound)" : "seqs \(seqs.lowerBound)–\(seqs.upperBound)"
            say("restored \(which) byte for byte from \(replica?.path ?? "the replica")")
        }
        for lost in report.lost { say("marked lost: \(lost)") }
        if report.keptAfterDamage > 0 { say("kept \(report.keptAfterDamage) intact records after the damage") }
        for difference in report.differences { say(difference) }
        if let first = report.lost.first, report.differences.isEmpty {
            say(
                "no snapshot made after seq \(first.seqs.lowerBound) remains to compare with: what the lost records "
                    + "did is not known, and replay now leaves it out")
        }
        if let quarantined = report.quarantined { say("the journal as it was: \(quarantined.path)") }
        for moved in report.snapshotsQuarantined { say(moved) }
        say("head: \(report.head) (verified whole)")
        exit(ExitCode.ok.rawValue)
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
        summary: "Replay from seq 1 ignoring snapshots and compare with every snapshot; quarantine any that disagree.",
        arguments: "", positionalCount: 0...0, options: [.data, .json],
        details:
            "A disagreeing snapshot is evidence of another history: it is moved to DIR/quarantine (never replaced), "
            + "and rebuild exits 1 naming where history differs. Run `snapshot` for a new one.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let store = SnapshotStore(folder: arguments.folder)
        let snapshots = store.list()
        var verdicts: [(seq: Int64, verdict: String)] = []
        var lastAgreeing: Int64 = 0
        var firstDisagreeing: (seq: Int64, after: Int64)?
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
                lastAgreeing = step.event.seq
                return
            }
            if firstDisagreeing == nil { firstDisagreeing = (step.event.seq, lastAgreeing) }
            verdicts.append((step.event.seq, quarantine(snapshot.path, store: store, problem: problem)))
        }
        for snapshot in snapshots where snapshot.seq > result.state.lastSeq {
            verdicts.append((snapshot.seq, "beyond the journal's head \(result.state.lastSeq): not used"))
        }
        let differs = firstDisagreeing.map {
            "history differs from the snapshot's somewhere in seqs \($0.after + 1)–\($0.seq) "
                + "(the snapshot at \($0.seq) disagrees\($0.after > 0 ? ", the one at \($0.after) agrees" : ""))"
        }
        if arguments.json {
            var fields: [(key: String, value: JSONValue)] = [
                ("seq", .int(result.state.lastSeq)), ("stateDigest", .string(result.state.digest)),
                (
                    "snapshots",
                    .array(verdicts.map { .object([("seq", .int($0.seq)), ("verdict", .string($0.verdict))]) })
                ),
            ]
            if let firstDisagreeing {
                fields.append(("differsAfter", .int(firstDisagreeing.after)))
                fields.append(("differsBy", .int(firstDisagreeing.seq)))
            }
            printJSON(.object(fields))
        } else {
            say("replayed \(result.state.lastSeq) records from seq 1: state digest \(result.state.digest)")
            if verdicts.isEmpty { say("no snapshots") }
            for (seq, verdict) in verdicts { say("snapshot at seq \(seq): \(verdict)") }
            if let differs { say(differs) }
        }
        exit(firstDisagreeing == nil ? ExitCode.ok.rawValue : ExitCode.checkFailed.rawValue)
    }

    /// Moves a disagreeing snapshot to quarantine; the verdict says where it went.
    static func quarantine(_ path: String, store: SnapshotStore, problem: String) -> String {
        do {
            let kept = try store.quarantine(path, reason: "rebuild: \(problem)", at: SystemClock.now())
            return "disagrees (\(problem)): moved to \(kept)"
        } catch {
            return "disagrees (\(problem)) and could not be moved to quarantine: \(error)"
        }
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
        name: "replay",
        summary: "Fold a file of events, or a journal file, from an empty ledger and print the state digest.",
        arguments: "FILE.jsonl", positionalCount: 1...1,
        options: [OptionSpec(name: "--transcript", value: nil, help: "print what every event did instead")],
        details:
            "For fixtures, exports and journal files (whose header, hashes and chain are checked: exit 1 when "
            + "damaged): no data folder is touched.", run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let path = arguments.positional[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("replay: cannot read \(path)", .noInput)
        }
        let bytes = [UInt8](data)
        var events: [Event] = []
        var state = LedgerState()
        var outcomes: [Outcome] = []
        if bytes.starts(with: Array(#"{"format":"memberledger-journal""#.utf8)) {
            // A journal file: its header and chain are checked as `verify` checks them.
            let (entries, scan) = JournalReader.entries(inJournal: bytes)
            if let damage = scan.damage {
                fail("replay: \(path): the journal is damaged: \(damage)", .checkFailed)
            }
            for entry in entries {
                switch entry {
                case .event(let event):
                    events.append(event)
                    outcomes.append(state.apply(event))
                case .lost(let seqs): state.skipLost(seqs)
                }
            }
        } else {
            do {
                events = try EventLines.decode(bytes)
            } catch {
                fail("replay: \(path): \(error)", .badData)
            }
            (state, outcomes) = LedgerState().replaying(events)
        }
        if arguments.switches.contains("--transcript") {
            emit(1, Transcript.render(events: events, outcomes: outcomes, finalState: state))
        } else {
            say("events: \(events.count)\nhead seq: \(state.lastSeq)\nstate digest: \(state.digest)")
        }
        exit(ExitCode.ok.rawValue)
    }
}
