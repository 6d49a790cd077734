import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// `memberledger catalog show|apply`: read the catalog in force, or record a new one offline.
enum CatalogVerb {
    static let spec = VerbSpec(
        name: "catalog", summary: "Show the catalog in force, or apply a new one from a file (validated, with a diff).",
        arguments: "show | apply FILE", positionalCount: 1...2, options: [.data, .asOf, .seq, .json],
        details: """
            `apply` needs the writer's lock: with a server running, post {"type":"catalog.updated","catalog":{...}}
            to its /events endpoint instead. See Docs/catalog.md for the format.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        switch (arguments.positional[0], arguments.positional.count) {
        case ("show", 1): show(arguments)
        case ("apply", 2): apply(arguments, path: arguments.positional[1])
        default: usageError(spec, "use `catalog show` or `catalog apply FILE`")
        }
    }

    static func show(_ arguments: ParsedArguments) -> Never {
        let catalog = replay(arguments).state.catalog
        if arguments.json {
            printJSON(catalog.json)
        } else {
            for line in summary(catalog) { say(line) }
        }
        exit(ExitCode.ok.rawValue)
    }

    static func summary(_ catalog: Catalog) -> [String] {
        catalog.customOperations.map {
            "custom operation \($0.id): \($0.name) (\($0.actions.count) actions\($0.then.map { ", then \($0)" } ?? ""))"
        }
            + catalog.teamPrograms.map {
                "team program \($0.id): \($0.name), \($0.seats) seats, \($0.interactions.count) interactions"
            }
            + catalog.products.map { "product \($0.id): \($0.name), every \($0.period)" }
            + catalog.promos.map {
                "promo \($0.id): \($0.name), \($0.percentOff)% off for \($0.validDays) days, code in \($0.field)"
            }
            + ["dedup window: \(catalog.dedupWindowSeconds) s"]
    }

    static func apply(_ arguments: ParsedArguments, path: String) -> Never {
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("catalog apply: cannot read \(path)", .noInput)
        }
        let catalog: Catalog
        do {
            catalog = try Catalog(jsonText: String(decoding: data, as: UTF8.self))
        } catch {
            fail("catalog apply: \(path): \(error)", .badData)
        }
        let writer = OfflineWriter.open(arguments, verb: "catalog apply")
        let current = replay(arguments, target: .end).state.catalog
        let before = Set(summary(current))
        let after = Set(summary(catalog))
        for line in summary(current) where !after.contains(line) { say("- \(line)") }
        for line in summary(catalog) where !before.contains(line) { say("+ \(line)") }
        guard catalog != current else {
            say("catalog unchanged; nothing recorded")
            exit(ExitCode.ok.rawValue)
        }
        OfflineWriter.record(EventDraft(.catalogUpdated(catalog)), with: writer, json: arguments.json)
    }
}

/// Writing to the journal without a server (catalog apply, record, import): takes the writer's lock,
/// and when a server holds it says so and points to its `/events` endpoint.
enum OfflineWriter {
    static func open(_ arguments: ParsedArguments, verb: String) -> JournalWriter {
        do {
            return try JournalWriter(folder: arguments.folder)
        } catch .locked(_, let pid) {
            fail(
                "\(verb): a server\(pid.map { " (pid \($0))" } ?? "") is writing to \(arguments.folder.path); "
                    + "send the event to its /events endpoint instead (see Docs/http.md)", .tempFail)
        } catch {
            writerFailed(verb, error)
        }
    }

    /// Records one event against the state the journal holds, prints its outcome, exits 0 (1 if rejected).
    static func record(_ draft: EventDraft, with writer: JournalWriter, json: Bool) -> Never {
        record(with: writer, json: json) { _ in draft }
    }

    /// Records the event `makeDraft` makes from the state the journal holds (it may fail the command),
    /// prints its outcome, exits 0 (1 if rejected).
    static func record(with writer: JournalWriter, json: Bool, _ makeDraft: (LedgerState) -> EventDraft) -> Never {
        do {
            writer.keep(try LedgerReplay(folder: writer.folder).state().state)
            let draft = writer.read(makeDraft)
            let (event, applied) = try writer.append(draft)
            guard let outcome = applied else { preconditionFailure("the writer keeps the state") }
            if json {
                printJSON(outcome.json(seq: event.seq))
            } else {
                say(
                    "#\(event.seq) \(event.payload.typeName): \(outcome.status.rawValue)\(outcome.reason.map { ": \($0)" } ?? "")"
                )
                for effect in outcome.effects { say("    \(effect)") }
            }
            exit(outcome.status == .rejected ? ExitCode.checkFailed.rawValue : ExitCode.ok.rawValue)
        } catch {
            fail("\(error)", .ioError)
        }
    }

    /// Prints an outcome as a running server answered it: the JSON, or `#SEQ TYPE: STATUS` and its
    /// effects (as the server's JSON: the server sends no English descriptions).
    static func printOutcome(_ answer: JSONValue, json: Bool, type: String) {
        if json {
            printJSON(answer)
            return
        }
        let seq = answer["seq"]?.int64Value.map { "#\($0) " } ?? ""
        let reason = answer["reason"]?.stringValue.map { ": \($0)" } ?? ""
        say("\(seq)\(type): \(answer["outcome"]?.stringValue ?? "?")\(reason)")
        for effect in answer["effects"]?.arrayValue ?? [] { say("    \(JSONWriter.string(effect))") }
        if let password = answer["password"]?.stringValue {
            say("new password (no CRM field receives it: give it to the member yourself): \(password)")
        }
    }
}

enum RecordVerb {
    static let spec = VerbSpec(
        name: "record", summary: "Append a site event from a JSON file to the journal, offline.",
        arguments: "EVENT.json",
        positionalCount: 1...1, options: [.data, .json],
        details: """
            The file holds one site event as posted to /events, e.g.
            {"type":"order.completed","contactId":"42","productId":"11","gateway":"stripe","amount":4900,"currency":"USD"}.
            Needs the writer's lock: with a server running, post it to /events instead. Exit 1 if a rule rejects it.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let path = arguments.positional[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("record: cannot read \(path)", .noInput)
        }
        let request: SiteEventRequest
        do {
            request = try SiteEventRequest(json: try JSONParser.parse([UInt8](data)))
        } catch {
            fail("record: \(path): \(error)", .badData)
        }
        if case .catalogUpdated(let catalog) = request.payload {
            do throws(CatalogError) { try catalog.validate() } catch { fail("record: \(path): \(error)", .badData) }
        }
        let writer = OfflineWriter.open(arguments, verb: "record")
        OfflineWriter.record(
            EventDraft(
                request.payload.withoutSecretFields,
                fingerprint: request.idempotencyKey.map(Fingerprint.of(idempotencyKey:)),
                occurredAt: request.occurredAt),
            with: writer, json: arguments.json)
    }
}
