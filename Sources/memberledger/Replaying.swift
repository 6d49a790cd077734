import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// Replays a data folder's journal for a read verb, with a progress line, warnings on stderr, and the
/// exit codes every verb shares (66 no journal, 74 unreadable).
func replay(
    _ arguments: ParsedArguments, target: LedgerReplay.Target? = nil, useSnapshots: Bool = true,
    observe: ((LedgerReplay.Step) -> Void)? = nil
) -> LedgerReplay.Result {
    let folder = arguments.folder
    guard FileSystem.exists(folder.journal) else {
        fail("\(arguments.verb.name): no journal at \(folder.journal) (is --data right?)", .noInput)
    }
    let size = (try? FileManager.default.attributesOfItem(atPath: folder.journal)[.size] as? Int).map(Int64.init) ?? 0
    let progress = Progress("replay", total: size)
    do {
        let result = try LedgerReplay(folder: folder).state(
            asOf: target ?? arguments.target, useSnapshots: useSnapshots
        ) { step in
            observe?(step)
            progress.update(done: step.position.offset, items: step.event.seq)
        }
        progress.finish()
        for warning in result.warnings { warn(warning) }
        if let damage = result.damage {
            warn("the journal is damaged; what follows is as of seq \(result.position.head.seq): \(damage)")
        }
        return result
    } catch {
        progress.finish()
        fail("\(arguments.verb.name): \(error)", .ioError)
    }
}

/// Prints one JSON value on a line.
func printJSON(_ value: JSONValue) {
    say(JSONWriter.string(value))
}
