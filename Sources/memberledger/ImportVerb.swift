import Foundation
import MemberLedgerCore
import MemberLedgerJournal

/// `memberledger import FILE`: bulk migration of members without webhooks.
enum ImportVerb {
    static let spec = VerbSpec(
        name: "import",
        summary: "Import members from a CSV (header contactId,email,firstName,lastName,tags) or JSON Lines file.",
        arguments: "FILE", positionalCount: 1...1, options: [.data, .json],
        details: """
            Each row becomes a member.imported event: new contacts become members (without a password: they
            set one through the site), existing members are updated and never get a new password. CSV tags
            are one comma-separated field ("Gold, Trial"); other columns become custom fields. A JSON line is
            {"contactId":…,"email":…,"firstName":…,"lastName":…,"tags":[…],"fields":{…}}. Every row is checked
            before anything is written. Needs the writer's lock.
            """,
        run: run)

    static func run(_ arguments: ParsedArguments) -> Never {
        let path = arguments.positional[0]
        guard let data = FileManager.default.contents(atPath: path) else {
            fail("import: cannot read \(path)", .noInput)
        }
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }  // a UTF-8 byte-order mark
        var contacts: [ContactData]
        do {
            contacts =
                bytes.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\n") }) == UInt8(ascii: "{")
                ? try jsonLines(bytes) : try CSV.contacts(bytes)
        } catch {
            fail("import: \(path): \(error)", .badData)
        }
        // Password columns are never stored; rows too large to be a record are refused before anything is written.
        contacts = contacts.map(\.withoutSecretFields)
        for (index, contact) in contacts.enumerated() {
            let size = JournalFormat.tail(
                of: EventDraft(.memberImported(MemberImported(contact: contact))).stamped(
                    seq: 1, at: Timestamp(microseconds: 0))
            ).count
            if size > JournalFormat.maximumTailBytes {
                fail(
                    "import: \(path): row \(index + 1) (contact \(contact.contactID)) is \(size) bytes, over the \(JournalFormat.maximumTailBytes)-byte limit",
                    .badData)
            }
        }
        let writer = OfflineWriter.open(arguments, verb: "import")
        var state: LedgerState
        do {
            state = try LedgerReplay(folder: arguments.folder).state().state
        } catch {
            fail("import: \(error)", .ioError)
        }
        let progress = Progress("import", total: Int64(contacts.count), unit: "rows")
        var counts: [Outcome.Status: Int] = [:]
        var created = 0
        var first: Int64?
        for start in stride(from: 0, to: contacts.count, by: 10_000) {
            let batch = contacts[start..<min(start + 10_000, contacts.count)].map {
                EventDraft(.memberImported(MemberImported(contact: $0)))
            }
            do {
                for event in try writer.append(contentsOf: batch) {
                    first = first ?? event.seq
                    let outcome = state.apply(event)
                    counts[outcome.status, default: 0] += 1
                    if outcome.effects.first.map({ if case .memberCreated = $0 { true } else { false } }) == true {
                        created += 1
                    }
                }
            } catch {
                progress.finish()
                fail("import: \(error) (rows before \(start + 1) are recorded)", .ioError)
            }
            progress.update(done: Int64(start + batch.count), items: Int64(start + batch.count))
        }
        progress.finish()
        let updated = (counts[.applied] ?? 0) - created
        let value: JSONValue = .object([
            ("rows", .int(contacts.count)), ("created", .int(created)), ("updated", .int(updated)),
            ("unchanged", .int(counts[.unchanged] ?? 0)), ("firstSeq", first.map { .int($0) } ?? .null),
            ("lastSeq", .int(writer.lastRecord.seq)),
        ])
        arguments.json
            ? printJSON(value)
            : say(
                "imported \(contacts.count) rows: \(created) created, \(updated) updated, \(counts[.unchanged] ?? 0) unchanged (head seq \(writer.lastRecord.seq))"
            )
        exit(ExitCode.ok.rawValue)
    }

    /// One contact per JSON line, read with the same strict rules as a posted `member.imported` event.
    static func jsonLines(_ bytes: [UInt8]) throws -> [ContactData] {
        var contacts: [ContactData] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated()
        where line.contains(where: { $0 > 0x20 }) {
            do {
                let value = try JSONParser.parse(line)
                let request = try SiteEventRequest(json: .object([("type", "member.imported"), ("contact", value)]))
                guard case .memberImported(let imported) = request.payload else {
                    preconditionFailure("member.imported")
                }
                contacts.append(imported.contact)
            } catch {
                throw ImportError(line: index + 1, message: "\(error)")
            }
        }
        return contacts
    }
}

/// A row that cannot be imported, by its line.
struct ImportError: Error, CustomStringConvertible {
    let line: Int
    let message: String
    var description: String { "line \(line): \(message)" }
}

/// RFC 4180 CSV: comma-separated, fields optionally in double quotes (a quote inside doubled), LF or
/// CRLF line ends.
enum CSV {
    static func rows(_ bytes: [UInt8]) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var index = 0
        var line = 1
        func endField() throws {
            guard let text = String(validating: field, as: UTF8.self) else {
                throw ImportError(line: line, message: "not UTF-8")
            }
            row.append(text)
            field.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == UInt8(ascii: "\"") {
                    if index < bytes.count && bytes[index] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\"") where field.isEmpty: quoted = true
            case UInt8(ascii: ","): try endField()
            case UInt8(ascii: "\r"): continue
            case UInt8(ascii: "\n"):
                try endField()
                if row != [""] { rows.append(row) }
                row = []
                line += 1
            default: field.append(byte)
            }
        }
        guard !quoted else { throw ImportError(line: line, message: "a quoted field is not closed") }
        if !field.isEmpty || !row.isEmpty {
            try endField()
            rows.append(row)
        }
        return rows
    }

    static func contacts(_ bytes: [UInt8]) throws -> [ContactData] {
        let rows = try rows(bytes)
        guard let header = rows.first else { throw ImportError(line: 1, message: "empty file") }
        guard let idColumn = header.firstIndex(of: "contactId") else {
            throw ImportError(
                line: 1, message: "the header needs a contactId column (contactId,email,firstName,lastName,tags)")
        }
        let known = ["contactId", "email", "firstName", "lastName", "tags"]
        var contacts: [ContactData] = []
        for (offset, row) in rows.dropFirst().enumerated() {
            guard row.count == header.count else {
                throw ImportError(line: offset + 2, message: "\(row.count) fields, the header has \(header.count)")
            }
            func value(_ name: String) -> String? {
                header.firstIndex(of: name).map { row[$0] }.flatMap { $0.isEmpty ? nil : $0 }
            }
            let id = row[idColumn].trimmingCharacters(in: .whitespaces)
            guard !id.isEmpty else { throw ImportError(line: offset + 2, message: "empty contactId") }
            var fields: [String: String] = [:]
            for (column, name) in header.enumerated() where !known.contains(name) && !row[column].isEmpty {
                fields[name] = row[column]
            }
            contacts.append(
                ContactData(
                    contactID: id, email: value("email"), firstName: value("firstName"), lastName: value("lastName"),
                    tags: value("tags").map {
                        $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    },
                    fields: fields))
        }
        return contacts
    }
}
