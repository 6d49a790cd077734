import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// Replays a data folder's journal for a read verb, with a progress line, notes on stderr, and the exit
/// codes every verb shares (`Docs/cli.md`, "Exit codes"): 66 no journal, 74 unreadable, 1 damaged.
///
/// Reads are honest: a journal with damage to acknowledged records (found now, or by the last
/// verification and not cleared since) is refused, naming seq and byte offset; an answer that starts
/// from a snapshot says from which seq, and when the journal behind it was last verified whole.
func replay(
    _ arguments: ParsedArguments, target: LedgerReplay.Target? = nil, useSnapshots: Bool = true,
    observe: ((LedgerReplay.Step) -> Void)? = nil, lost: ((ClosedRange<Int64>) -> Void)? = nil
) -> LedgerReplay.Result {
    let folder = arguments.folder
    let verb = arguments.verb.name
    if !FileSystem.exists(folder.journal),
        let restored = restoredAnswer(arguments, target: target, history: !useSnapshots || observe != nil)
    {
        return restored
    }
    guard FileSystem.exists(folder.journal) else {
        fail("\(verb): no journal at \(folder.journal) (is --data right?)", .noInput)
    }
    let verification = VerificationRecord.load(folder)
    if let verification, let damage = verification.damage { refuseDamaged(verb, damage, foundBy: verification) }
    let size = (try? FileManager.default.attributesOfItem(atPath: folder.journal)[.size] as? Int).map(Int64.init) ?? 0
    let progress = Progress("replay", total: size)
    do {
        let result = try LedgerReplay(folder: folder).state(
            asOf: target ?? arguments.target, useSnapshots: useSnapshots,
            observe: { step in
                observe?(step)
                progress.update(done: step.position.offset, items: step.event.seq)
            }, lost: { seqs, _ in lost?(seqs) })
        progress.finish()
        for warning in result.warnings { warn(warning) }
        switch result.damage {
        case .corrupt?: refuseDamaged(verb, result.damage!, foundBy: nil)
        case .tornTail?:
            warn(
                "the journal ends in a torn tail (an interrupted append, no acknowledged record in it); what follows "
                    + "is as of seq \(result.position.head.seq): \(result.damage!)")
        case nil: break
        }
        if let seq = result.snapshotSeq {
            let freshness =
                verification?.summary ?? "the journal has never been verified whole (run `memberledger verify`)"
            note("answered from the snapshot at seq \(seq) and the records after it; \(freshness)")
        }
        return result
    } catch {
        progress.finish()
        fail("\(verb): \(error)", .ioError)
    }
}

/// The answer of a folder restored from a snapshot alone: the state at the snapshot's seq, marked as such;
/// any other point in history is refused, for its records are gone.
private func restoredAnswer(
    _ arguments: ParsedArguments, target: LedgerReplay.Target?, history: Bool
) -> LedgerReplay.Result? {
    let restored: (LedgerReplay.Result, SnapshotRestore.Marker)?
    do {
        restored = try LedgerReplay(folder: arguments.folder).restoredState()
    } catch {
        fail("\(arguments.verb.name): the restored snapshot does not check out: \(error)", .badData)
    }
    guard let (result, marker) = restored else { return nil }
    let seq = marker.record.seq
    // Verbs that walk history (log, history, rebuild, snapshot) have nothing to walk.
    if history || arguments.verb.name == "snapshot" {
        fail(
            "\(arguments.verb.name): this folder was restored from the snapshot at seq \(seq) alone: its history is "
                + "gone until `repair --from REPLICA` brings the journal back", .noInput)
    }
    switch target ?? arguments.target {
    case .end, .seq(seq): break
    default:
        fail(
            "\(arguments.verb.name): this folder was restored from the snapshot at seq \(seq) alone: only the state "
                + "at that seq is known", .noInput)
    }
    warn(
        "RESTORED FROM A SNAPSHOT: this is the state at seq \(seq) (\(marker.record.recordedAt.rfc3339)), restored "
            + "\(marker.restoredAt.rfc3339); the journal is lost, so no history and nothing after it")
    return result
}

/// Stops a verb on damage to acknowledged records: exit 1, naming where, and what to do.
func refuseDamaged(_ verb: String, _ damage: JournalDamage, foundBy verification: VerificationRecord?) -> Never {
    let source = verification.map { "the verification of \($0.verifiedAt.rfc3339) found the journal damaged" }
    fail(
        "\(verb): refused: \(source ?? "the journal is damaged"): \(damage)\nanswers would leave out acknowledged "
            + "history; see Docs/recovery.md (`memberledger repair --from REPLICA`, or `repair --salvage`)",
        .checkFailed)
}

/// Stops a verb whose writer could not open: damage exits 1 as on every verb, a held lock 75, the rest 74.
func writerFailed(_ verb: String, _ error: JournalError) -> Never {
    switch error {
    case .corrupt(let damage): refuseDamaged(verb, damage, foundBy: nil)
    case .locked: fail("\(verb): \(error)", .tempFail)
    case .restoredFromSnapshot: fail("\(verb): \(error)", .noInput)
    default: fail("\(verb): \(error)", .ioError)
    }
}

/// Reads the whole journal and checks every line (hash, chain, strict decoding, canonical bytes), with a
/// progress line, and keeps the verdict in the folder for later reads. Exits 66 when there is no
/// journal, 74 when it cannot be read.
func verifyWhole(_ arguments: ParsedArguments) -> JournalScan {
    let folder = arguments.folder
    guard FileSystem.exists(folder.journal) else {
        fail("\(arguments.verb.name): no journal at \(folder.journal) (is --data right?)", .noInput)
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: folder.journal)[.size] as? Int).map(Int64.init) ?? 0
    let progress = Progress("verify", total: size, unit: "records")
    do {
        let scan = try JournalReader(folder: folder).verify { bytes, records in
            progress.update(done: bytes, items: records)
        }
        progress.finish()
        VerificationRecord(scan, verifiedAt: SystemClock.now()).save(in: folder)
        return scan
    } catch {
        progress.finish()
        fail("\(arguments.verb.name): \(error)", .ioError)
    }
}

/// Writes a note (not a warning: nothing is wrong) to stderr.
func note(_ line: String) {
    emit(2, "memberledger: note: \(line)\n")
}

/// Prints one JSON value on a line.
func printJSON(_ value: JSONValue) {
    say(JSONWriter.string(value))
}
