import Foundation
import MemberLedgerCore

// The `memberledger` command. This first version replays event files, which is what developers and
// auditors need while the journal and server are being built; every other verb says where it stands.

let usage = """
    usage: memberledger <verb> [arguments]

    verbs:
      replay FILE.jsonl [--transcript]   fold the events of a JSON Lines file from an empty ledger and print
                                         the state digest (with --transcript, what every event did)
      serve                              run the webhook server (not available yet: see README.md)
      help                               show this text

    """

/// Exit codes after sysexits.h.
enum ExitCode: Int32 {
    case ok = 0
    case usage = 64
    case badData = 65
    case noInput = 66
    case unavailable = 69
}

func fail(_ message: String, _ code: ExitCode) -> Never {
    FileHandle.standardError.write(Data("memberledger: \(message)\n".utf8))
    exit(code.rawValue)
}

func replay(_ arguments: [String]) -> Never {
    let flags = arguments.filter { $0.hasPrefix("-") }
    let paths = arguments.filter { !$0.hasPrefix("-") }
    if let unknown = flags.first(where: { $0 != "--transcript" }) {
        fail("replay: unknown option \(unknown) (did you mean --transcript?)\n\n\(usage)", .usage)
    }
    guard paths.count == 1, let path = paths.first else { fail("replay takes one FILE.jsonl\n\n\(usage)", .usage) }
    guard let data = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)", .noInput) }
    let events: [Event]
    do {
        events = try EventLines.decode([UInt8](data))
    } catch {
        fail("\(path): \(error)", .badData)
    }
    let (state, outcomes) = LedgerState().replaying(events)
    if flags.contains("--transcript") {
        print(Transcript.render(events: events, outcomes: outcomes, finalState: state), terminator: "")
    } else {
        print("events: \(events.count)\nhead seq: \(state.lastSeq)\nstate digest: \(state.digest)")
    }
    exit(ExitCode.ok.rawValue)
}

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "replay":
    replay(Array(arguments.dropFirst()))
case "serve":
    fail("the webhook server is not built yet (it needs the journal first); see README.md", .unavailable)
case "help", "--help", "-h", nil:
    print(usage, terminator: "")
case let verb?:
    fail("unknown verb \(verb)\n\n\(usage)", .usage)
}
