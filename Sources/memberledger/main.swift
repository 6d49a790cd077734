import Foundation
import MemberLedgerCore
import MemberLedgerHTTP
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerWebhooks

// The `memberledger` command. This version covers what auditors and admins need around the journal:
// verify, repair, snapshot, digest, and replay of event files, and runs the webhook server.

let usage = """
    usage: memberledger <verb> [options]

    verbs:
      verify [--data DIR] [--expect-head SEQ:HASH]
                         check header, every hash, the chain and seq; exit 0 intact, 1 damaged, 2 cannot open
      repair [--data DIR] [--force]
                         quarantine a torn tail (with --force, everything from the first corrupt record on)
      snapshot [--data DIR]
                         write a snapshot of the current state
      digest [--data DIR]
                         print head seq, chain hash and state digest (what an auditor records)
      replay FILE.jsonl [--transcript]
                         fold the events of a JSON Lines file from an empty ledger and print the digest
                         (with --transcript, what every event did)
      serve [--data DIR] [--host 127.0.0.1] [--port 8080] [--catalog FILE]
                         run the webhook server; the handshake comes from MEMBERLEDGER_HANDSHAKE or DIR/handshake
      help               show this text

    --data DIR defaults to ./ledger-data.

    """

/// Exit codes after sysexits.h (and 1 for a check that found damage).
enum ExitCode: Int32 {
    case ok = 0
    case checkFailed = 1
    case cannotOpen = 2
    case usage = 64
    case badData = 65
    case noInput = 66
    case unavailable = 69
    case ioError = 74
    case tempFail = 75
}

func fail(_ message: String, _ code: ExitCode) -> Never {
    FileHandle.standardError.write(Data("memberledger: \(message)\n".utf8))
    exit(code.rawValue)
}

/// A verb's arguments: `--name value` options, `--flag` switches, and positional words.
struct Arguments {
    var options: [String: String] = [:]
    var switches: Set<String> = []
    var positional: [String] = []

    init(_ words: [String], verb: String, options allowedOptions: Set<String>, switches allowedSwitches: Set<String>) {
        var index = 0
        while index < words.count {
            let word = words[index]
            index += 1
            if allowedOptions.contains(word) {
                guard index < words.count else { fail("\(verb): \(word) needs a value\n\n\(usage)", .usage) }
                options[word] = words[index]
                index += 1
            } else if allowedSwitches.contains(word) {
                switches.insert(word)
            } else if word.hasPrefix("-") {
                let known = (allowedOptions.union(allowedSwitches)).sorted()
                let hint = known.first { $0.hasPrefix(String(word.prefix(4))) }.map { " (did you mean \($0)?)" } ?? ""
                fail("\(verb): unknown option \(word)\(hint)\n\n\(usage)", .usage)
            } else {
                positional.append(word)
            }
        }
    }

    var folder: DataFolder { DataFolder(path: options["--data"] ?? DataFolder.defaultPath) }
}

func verify(_ words: [String]) -> Never {
    let arguments = Arguments(words, verb: "verify", options: ["--data", "--expect-head"], switches: [])
    var expected: (seq: Int64, hash: String)?
    if let text = arguments.options["--expect-head"] {
        let parts = text.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let seq = Int64(parts[0]), seq >= 0 else {
            fail("verify: --expect-head takes SEQ:HASH, got \(text)", .usage)
        }
        expected = (seq, String(parts[1]))
    }
    let scan: JournalScan
    do {
        scan = try JournalReader(folder: arguments.folder).verify()
    } catch {
        fail("verify: \(error)", .cannotOpen)
    }
    if let damage = scan.damage {
        print("damaged: \(damage)\nintact up to: \(scan.head)")
        exit(ExitCode.checkFailed.rawValue)
    }
    if let expected {
        var found: String?
        if expected.seq == scan.head.seq {
            found = scan.head.hash
        } else if expected.seq < scan.head.seq {
            found = try? recordHash(seq: expected.seq, in: arguments.folder)
        }
        guard found == expected.hash else {
            print("head check failed: record \(expected.seq) has hash \(found ?? "(none)"), expected \(expected.hash)")
            exit(ExitCode.checkFailed.rawValue)
        }
    }
    print("intact: \(scan.head.seq) records, head \(scan.head)")
    exit(ExitCode.ok.rawValue)
}

/// The hash of record `seq`, read from the journal.
func recordHash(seq: Int64, in folder: DataFolder) throws -> String? {
    var hash: String?
    try JournalReader(folder: folder).forEachEvent(verify: true) { event, _, after in
        if event.seq == seq { hash = after.head.hash }
        return event.seq < seq
    }
    return hash
}

func repair(_ words: [String]) -> Never {
    let arguments = Arguments(words, verb: "repair", options: ["--data"], switches: ["--force"])
    guard FileSystem.exists(arguments.folder.journal) else {
        fail("repair: no journal at \(arguments.folder.journal)", .noInput)
    }
    do {
        let writer = try JournalWriter(
            folder: arguments.folder, repair: arguments.switches.contains("--force") ? .force : .tornTailOnly)
        if let record = writer.recovered {
            print("repaired: \(record)")
        } else {
            print("nothing to repair")
        }
        print("head: \(writer.lastRecord)")
        exit(ExitCode.ok.rawValue)
    } catch .corrupt(let damage) {
        print("not repaired: \(damage)\nrun `memberledger repair --force` to quarantine everything from there on")
        exit(ExitCode.checkFailed.rawValue)
    } catch .locked(let path, let pid) {
        fail("repair: \(JournalError.locked(path: path, pid: pid))", .tempFail)
    } catch {
        fail("repair: \(error)", .ioError)
    }
}

func replayFolder(_ folder: DataFolder) -> LedgerReplay.Result {
    guard FileSystem.exists(folder.journal) else { fail("no journal at \(folder.journal)", .noInput) }
    do {
        let result = try LedgerReplay(folder: folder).state()
        for warning in result.warnings {
            FileHandle.standardError.write(Data("memberledger: warning: \(warning)\n".utf8))
        }
        if let damage = result.damage {
            FileHandle.standardError.write(
                Data(
                    "memberledger: warning: journal damaged, state is up to \(result.position.head.seq): \(damage)\n"
                        .utf8))
        }
        return result
    } catch {
        fail("\(error)", .ioError)
    }
}

func snapshot(_ words: [String]) -> Never {
    let arguments = Arguments(words, verb: "snapshot", options: ["--data"], switches: [])
    let result = replayFolder(arguments.folder)
    guard result.state.lastSeq > 0 else { fail("snapshot: the journal has no records yet", .badData) }
    do {
        let path = try SnapshotStore(folder: arguments.folder).write(
            result.state, at: result.position, recordOffset: result.recordOffset)
        print("snapshot at seq \(result.state.lastSeq): \(path)\nstate digest: \(result.state.digest)")
        exit(ExitCode.ok.rawValue)
    } catch {
        fail("snapshot: \(error)", .ioError)
    }
}

func digest(_ words: [String]) -> Never {
    let arguments = Arguments(words, verb: "digest", options: ["--data"], switches: [])
    let result = replayFolder(arguments.folder)
    print(
        "head seq: \(result.position.head.seq)\nchain hash: \(result.position.head.hash)\nstate digest: \(result.state.digest)"
    )
    exit(ExitCode.ok.rawValue)
}

func replay(_ words: [String]) -> Never {
    let arguments = Arguments(words, verb: "replay", options: [], switches: ["--transcript"])
    guard arguments.positional.count == 1, let path = arguments.positional.first else {
        fail("replay takes one FILE.jsonl\n\n\(usage)", .usage)
    }
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)", .noInput) }
    let events: [Event]
    do {
        events = try EventLines.decode([UInt8](data))
    } catch {
        fail("\(path): \(error)", .badData)
    }
    let (state, outcomes) = LedgerState().replaying(events)
    if arguments.switches.contains("--transcript") {
        print(Transcript.render(events: events, outcomes: outcomes, finalState: state), terminator: "")
    } else {
        print("events: \(events.count)\nhead seq: \(state.lastSeq)\nstate digest: \(state.digest)")
    }
    exit(ExitCode.ok.rawValue)
}

/// Writes a line to stdout at once (stdout to a pipe is otherwise buffered until exit).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func serve(_ words: [String]) -> Never {
    let arguments = Arguments(
        words, verb: "serve", options: ["--data", "--host", "--port", "--catalog", "--password-iterations"],
        switches: [])
    let folder = arguments.folder
    var http = HTTPServerConfiguration()
    http.host = arguments.options["--host"] ?? "127.0.0.1"
    if let text = arguments.options["--port"] {
        guard let port = Int(text), (0...65535).contains(port) else {
            fail("serve: --port takes 0 to 65535, got \(text)", .usage)
        }
        http.port = port
    }
    var catalog: Catalog?
    if let path = arguments.options["--catalog"] {
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("serve: cannot read \(path)", .noInput)
        }
        do {
            catalog = try Catalog(jsonText: String(decoding: data, as: UTF8.self))
        } catch {
            fail("serve: \(path): \(error)", .badData)
        }
    }
    var iterations = DjangoPasswordHash.defaultIterations
    if let text = arguments.options["--password-iterations"] {
        guard let value = Int(text), value >= 1 else {
            fail("serve: --password-iterations takes a positive number", .usage)
        }
        iterations = value
    }
    let handshake: String
    do {
        handshake = try Handshake.load(folder: folder, environment: ProcessInfo.processInfo.environment)
    } catch {
        fail("serve: handshake: \(error)", .ioError)
    }
    // SIGINT and SIGTERM are blocked before any thread starts (threads inherit the mask), so they stay
    // pending until the main thread takes them with sigwait and shuts down in order.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    sigaddset(&stopSignals, SIGINT)
    sigaddset(&stopSignals, SIGTERM)
    pthread_sigmask(SIG_BLOCK, &stopSignals, nil)
    let configuration = ServerConfiguration(
        folder: folder, http: http, handshake: handshake, catalog: catalog, passwordIterations: iterations,
        accessLog: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
    let server: WebhookServer
    do {
        server = try WebhookServer(configuration: configuration) { error in
            FileHandle.standardError.write(
                Data("memberledger: journal stopped: \(error); exiting so that a restart recovers it\n".utf8))
            exit(ExitCode.ioError.rawValue)
        }
        try server.start()
    } catch let error as JournalError {
        if case .locked = error { fail("serve: \(error)", .tempFail) }
        if case .corrupt = error { fail("serve: \(error)", .badData) }
        fail("serve: \(error)", .ioError)
    } catch {
        fail("serve: \(error)", .ioError)
    }
    let base = "http://\(http.host):\(server.port)"
    say("listening on \(base) (data \(folder.path), head \(server.head.seq))")
    say("webhook URLs (keep them secret: they carry the handshake):")
    for operation in WebhookOperation.allCases {
        say("  \(WebhookURL.make(operation, base: base, handshake: handshake))")
    }
    say("site events: POST \(base)/events with Authorization: Bearer <handshake>")
    var received: Int32 = 0
    sigwait(&stopSignals, &received)
    say("shutting down: finishing requests in flight")
    server.shutdown()
    do {
        if let path = try server.writeSnapshot() { say("snapshot written: \(path)") }
    } catch {
        FileHandle.standardError.write(Data("memberledger: warning: no snapshot written: \(error)\n".utf8))
    }
    say("stopped at seq \(server.head.seq)")
    exit(ExitCode.ok.rawValue)
}

let words = Array(CommandLine.arguments.dropFirst())
let rest = Array(words.dropFirst())
switch words.first {
case "verify": verify(rest)
case "repair": repair(rest)
case "snapshot": snapshot(rest)
case "digest": digest(rest)
case "replay": replay(rest)
case "serve": serve(rest)
case "help", "--help", "-h", nil: print(usage, terminator: "")
case let verb?: fail("unknown verb \(verb)\n\n\(usage)", .usage)
}
