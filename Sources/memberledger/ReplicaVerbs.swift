import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `memberledger follow`: a byte-identical, verified copy of a running server's journal, kept up to date
/// over HTTP (`/api/journal/bytes`, the admin token). The copy's folder serves every read verb, and
/// `serve` on it promotes it once following stops.
enum FollowVerb {
    static let spec = VerbSpec(
        name: "follow", summary: "Keep a verified, byte-identical copy of a running server's journal (a replica).",
        arguments: "URL", positionalCount: 1...1,
        options: [
            .data,
            OptionSpec(name: "--every", value: "SECONDS", help: "how often to ask for new records (default 1)"),
            OptionSpec(name: "--once", value: nil, help: "catch up once, then exit"),
        ],
        details: """
            URL is the server's base URL (http://primary:8080). The admin token comes from
            MEMBERLEDGER_ADMIN_TOKEN, else from DIR/admin-token (never from the command line). Only records
            the primary made durable are copied, each checked as `verify` checks it; a line that does not
            continue the copy's chain stops following (exit 1). Resumes where it stopped. Prints its head
            and lag (records and seconds behind the primary) whenever they change.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let base =
            arguments.positional[0].hasSuffix("/")
            ? String(arguments.positional[0].dropLast()) : arguments.positional[0]
        guard base.hasPrefix("http://") || base.hasPrefix("https://") else {
            usageError(spec, "URL must start with http:// or https://, got \(base)")
        }
        let every = Double(arguments.options["--every"] ?? "1") ?? -1
        guard every > 0 else { usageError(spec, "--every takes a number of seconds > 0") }
        let folder = arguments.folder
        guard let token = adminToken(folder) else {
            fail("follow: no admin token: set MEMBERLEDGER_ADMIN_TOKEN or put it in \(folder.path)/admin-token", .usage)
        }
        let replica = openReplica(folder, verb: "follow")
        let transport = URLSessionTransport(timeout: 30)
        var shown = ""
        while true {
            let response: CRMResponse
            do {
                response = try transport.send(
                    CRMRequest(
                        method: "GET", url: "\(base)/api/journal/bytes?from=\(replica.length)",
                        headers: [("Authorization", "Bearer \(token)")]))
            } catch {
                if arguments.switches.contains("--once") { fail("follow: \(base): \(error)", .unavailable) }
                warn("\(base): \(error); trying again in \(every) s")
                usleep(UInt32(every * 1_000_000))
                continue
            }
            guard response.status == 200, let journalID = response.header("X-Journal-Id") else {
                let text = String(decoding: response.body.prefix(500), as: UTF8.self)
                fail(
                    "follow: \(base) answered \(response.status): \(text)",
                    response.status == 401 ? .usage : .checkFailed)
            }
            let durable = response.header("X-Journal-Durable-Length").flatMap(Int64.init) ?? replica.length
            do {
                if try replica.append(response.body, journalID: journalID) == 0 && replica.length < durable {
                    fail("follow: \(base) sent no whole line at byte \(replica.length)", .checkFailed)
                }
            } catch {
                fail("follow: \(error)", .checkFailed)
            }
            let primary =
                response.header("X-Journal-Head").flatMap { Int64($0.prefix { $0 != ":" }) } ?? replica.head.seq
            let primaryAt = response.header("X-Journal-Head-Recorded-At").flatMap(Timestamp.init(rfc3339:))
            let lagSeconds =
                primaryAt.map { max(0, Double($0.microseconds - replica.head.recordedAt.microseconds) / 1e6) } ?? 0
            let status =
                "head \(replica.head), lag \(max(0, primary - replica.head.seq)) records, "
                + String(format: "%.1f s", lagSeconds)
            if status != shown {
                say("\(ISO8601DateFormatter().string(from: Date())) \(status)")
                shown = status
            }
            if replica.length < durable { continue }
            if arguments.switches.contains("--once") {
                replica.noteVerified(at: SystemClock.now())
                exit(ExitCode.ok.rawValue)
            }
            usleep(UInt32(every * 1_000_000))
        }
    }

    /// The admin token from the environment or the folder's file.
    static func adminToken(_ folder: DataFolder) -> String? {
        if let token = ProcessInfo.processInfo.environment["MEMBERLEDGER_ADMIN_TOKEN"], !token.isEmpty { return token }
        return (try? FileSystem.readFile("\(folder.path)/admin-token")).map {
            String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}

/// Opens a replica's folder for a verb, or stops it with the reason (75 when another process holds it).
func openReplica(_ folder: DataFolder, verb: String) -> JournalReplica {
    do {
        return try JournalReplica(folder: folder)
    } catch .journal(.locked(let path, let pid)) {
        fail("\(verb): \(JournalError.locked(path: path, pid: pid)) (a server or another copy)", .tempFail)
    } catch .damaged(let damage) {
        refuseDamaged(verb, damage, foundBy: nil)
    } catch {
        fail("\(verb): \(error)", .ioError)
    }
}

/// `memberledger backup --to DIR`: a verified copy of a data folder's journal and snapshots, made or
/// brought up to date offline; `repair --from DIR` restores from it.
enum BackupVerb {
    static let spec = VerbSpec(
        name: "backup",
        summary: "Copy the journal and snapshots to another folder, verified (or bring a copy up to date).",
        arguments: "", positionalCount: 0...0,
        options: [.data, OptionSpec(name: "--to", value: "DIR", help: "the backup's folder (required)")],
        details:
            "Every line is checked before it is copied and the copy is verified whole; an existing backup of the "
            + "same journal grows from where it ends. Exit 1 when the journal is damaged.",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        guard let target = arguments.options["--to"] else { usageError(spec, "give the backup's folder with --to DIR") }
        let source = arguments.folder
        let scan = verifyWhole(arguments)
        if let damage = scan.damage, case .corrupt = damage { refuseDamaged("backup", damage, foundBy: nil) }
        guard let journalID = scan.journalID else { fail("backup: the journal has no header", .badData) }
        let copy = DataFolder(path: target)
        let replica = openReplica(copy, verb: "backup")
        do {
            try replica.copy(from: source, through: scan.goodLength, journalID: journalID)
        } catch let failure as JournalReplica.Failure {
            fail("backup: \(failure)", .checkFailed)
        } catch {
            fail("backup: \(error)", .ioError)
        }
        var snapshots = 0
        for listing in SnapshotStore(folder: source).list() where listing.seq <= replica.head.seq {
            let name = listing.path.split(separator: "/").last.map(String.init) ?? ""
            let destination = "\(copy.snapshots)/\(name)"
            guard !FileSystem.exists(destination), let bytes = try? FileSystem.readFile(listing.path) else { continue }
            do {
                try FileSystem.writeDurably(bytes, to: destination)
                snapshots += 1
            } catch {
                warn("snapshot \(listing.path) not copied: \(error)")
            }
        }
        do {
            let check = try JournalReader(folder: copy).verify()
            guard check.damage == nil, check.head == replica.head else {
                fail(
                    "backup: the copy does not verify: \(check.damage.map { "\($0)" } ?? "head \(check.head)")",
                    .ioError)
            }
            VerificationRecord(check, verifiedAt: SystemClock.now()).save(in: copy)
        } catch {
            fail("backup: \(error)", .ioError)
        }
        say("backup of \(source.path) in \(copy.path): \(replica.head.seq) records, head \(replica.head), verified")
        if snapshots > 0 { say("snapshots copied: \(snapshots)") }
        exit(ExitCode.ok.rawValue)
    }
}

/// `memberledger restore --snapshot FILE`: with the journal lost and no replica, a folder the admin can
/// read again, from a snapshot alone and clearly marked so.
enum RestoreVerb {
    static let spec = VerbSpec(
        name: "restore",
        summary: "With the journal lost, make a folder readable from a snapshot alone (marked restored).",
        arguments: "", positionalCount: 0...0,
        options: [.data, OptionSpec(name: "--snapshot", value: "FILE", help: "the snapshot file (required)")],
        details:
            "The folder must have no journal. Read verbs then answer as of the snapshot's seq, each answer marked; "
            + "nothing can be written until `repair --from REPLICA` brings the journal back (which must hold the "
            + "snapshot's record).",
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        guard let path = arguments.options["--snapshot"] else {
            usageError(spec, "give the snapshot with --snapshot FILE")
        }
        let folder = arguments.folder
        guard !FileSystem.exists(folder.journal) else {
            fail(
                "restore: \(folder.journal) exists: a journal is never replaced by a snapshot (see `repair`)",
                .usage)
        }
        do {
            let marker = try SnapshotRestore(folder: folder).restore(snapshot: path, now: SystemClock.now())
            say(
                "restored \(folder.path) from the snapshot at seq \(marker.record.seq) (record hash "
                    + "\(marker.record.hash), recorded \(marker.record.recordedAt.rfc3339))")
            say("read verbs answer as of seq \(marker.record.seq), marked RESTORED; history before it is gone")
            say("to take writes again: memberledger repair --from REPLICA --data \(folder.path)")
            exit(ExitCode.ok.rawValue)
        } catch let error as SystemError {
            fail("restore: \(error)", .noInput)
        } catch {
            fail("restore: \(path): \(error)", .badData)
        }
    }
}
