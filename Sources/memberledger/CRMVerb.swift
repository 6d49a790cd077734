import Foundation
import MemberLedgerCRM
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerWebhooks

/// `memberledger crm`: connect the ledger to a CRM account, show or remove the connection, and manage
/// Kit's webhooks (which Kit's own screens cannot create).
enum CRMVerb {
    static let spec = VerbSpec(
        name: "crm", summary: "Connect a CRM (connect, status, disconnect) and register Kit webhooks (kit-webhook).",
        arguments: "connect NAME | status | disconnect | kit-webhook [COMMAND]", positionalCount: 1...2,
        options: [
            .data, .json,
            OptionSpec(
                name: "--base-url", value: "URL", help: "the CRM's API address (ActiveCampaign: your account's)"),
            OptionSpec(
                name: "--key-file", value: "FILE", help: "a file holding the API key (never pass the key itself)"),
            OptionSpec(name: "--account", value: "ID", help: "Drip's account id"),
            OptionSpec(name: "--app-id", value: "ID", help: "Ontraport's App ID"),
            OptionSpec(name: "--password-field", value: "FIELD", help: "the CRM field that receives new passwords"),
            OptionSpec(name: "--rate", value: "N", help: "requests per second (default: the CRM's documented limit)"),
            OptionSpec(name: "--tag", value: "NAME", help: "kit-webhook: the tag whose adding fires the webhook"),
            OptionSpec(name: "--url", value: "BASE", help: "kit-webhook: the site's public base URL"),
            OptionSpec(name: "--remove", value: "ID", help: "kit-webhook: remove this webhook"),
        ],
        details: """
            NAME is activecampaign, keap, ontraport, kit or drip. `connect` checks the key with one authenticated
            read and refuses with the CRM's own words when it fails; it then writes DIR/crm.json and DIR/crm.key
            (0600). `serve` loads the connection at start and records the link in the journal. Without
            --password-field, new members' passwords are not written back (only the genpass answer carries them).
            `kit-webhook COMMAND --tag NAME --url BASE` registers a subscriber.tag_add webhook that calls the
            command's URL; `kit-webhook` alone lists them, `--remove ID` removes one. See Docs/crm.md.
            """,
        run: run)

    /// The address a CRM's API has unless told otherwise (ActiveCampaign's is per account).
    static func defaultBaseURL(_ kind: CRMKind) -> String? {
        switch kind {
        case .activeCampaign: nil
        case .keap: "https://api.infusionsoft.com"
        case .ontraport: "https://api.ontraport.com"
        case .kit: "https://api.kit.com"
        case .drip: "https://api.getdrip.com"
        }
    }

    static func run(_ arguments: ParsedArguments) -> Never {
        switch arguments.positional[0] {
        case "connect": connect(arguments)
        case "status": status(arguments)
        case "disconnect": disconnect(arguments)
        case "kit-webhook": kitWebhook(arguments)
        case let other:
            let hint =
                ParsedArguments.suggestion(for: other, among: ["connect", "status", "disconnect", "kit-webhook"])
                .map { " (did you mean \($0)?)" } ?? ""
            usageError(spec, "unknown action \(other)\(hint)")
        }
    }

    private static func connect(_ arguments: ParsedArguments) -> Never {
        guard arguments.positional.count == 2 else { usageError(spec, "connect needs a CRM name") }
        let name = arguments.positional[1]
        guard let kind = CRMKind(rawValue: name.lowercased()) else {
            usageError(
                spec, "unknown CRM \(name); use one of \(CRMKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let baseURL = (arguments.options["--base-url"] ?? defaultBaseURL(kind)).map(trimmedURL) else {
            usageError(
                spec, "\(kind.displayName) needs --base-url (your account's API URL, e.g. https://ACCOUNT.api-us1.com)")
        }
        guard baseURL.hasPrefix("https://") || baseURL.hasPrefix("http://") else {
            usageError(spec, "--base-url must start with https:// (or http:// for a local test server), got \(baseURL)")
        }
        guard let keyFile = arguments.options["--key-file"] else { usageError(spec, "connect needs --key-file FILE") }
        guard let keyBytes = FileManager.default.contents(atPath: keyFile) else {
            fail("crm connect: cannot read the key file \(keyFile)", .noInput)
        }
        let key = String(decoding: keyBytes, as: UTF8.self).filter { !$0.isWhitespace }
        guard !key.isEmpty else { fail("crm connect: the key file \(keyFile) is empty", .badData) }
        if kind == .ontraport && arguments.options["--app-id"] == nil { usageError(spec, "Ontraport needs --app-id") }
        if kind == .drip && arguments.options["--account"] == nil { usageError(spec, "Drip needs --account") }
        var rate: Double?
        if let text = arguments.options["--rate"] {
            guard let value = Double(text), value > 0 else { usageError(spec, "--rate takes a positive number") }
            rate = value
        }
        let connection = CRMConnection(
            kind: kind, baseURL: baseURL, account: arguments.options["--account"], appID: arguments.options["--app-id"],
            passwordField: arguments.options["--password-field"], requestsPerSecond: rate)
        let account: String
        do throws(CRMError) {
            account = try CRMClients.make(connection, key: key).verify()
        } catch {
            let code: ExitCode = error.status == nil ? .unavailable : .checkFailed
            let what =
                error.status == nil ? "could not reach \(kind.displayName)" : "\(kind.displayName) refused the key"
            fail("crm connect: \(what): \(error)", code)
        }
        do {
            try ConnectionFile.save(connection, key: key, in: arguments.folder)
        } catch {
            fail("crm connect: \(error)", .ioError)
        }
        say("connected to \(kind.displayName) at \(baseURL): \(account)")
        say(
            "saved in \(ConnectionFile.settingsPath(arguments.folder)) (key in \(ConnectionFile.keyPath(arguments.folder)), 0600)"
        )
        if let field = connection.passwordField {
            say("new members' passwords are written to the CRM field \(field), then removed from this machine")
        } else {
            say(
                "passwords are not written back (no --password-field): the genpass answer is the only place a new "
                    + "password appears, as with AccessAlly's \"do not store passwords\"")
        }
        if isServerRunning(arguments.folder) {
            say("a server is running on this folder: restart it to use the connection")
        } else {
            say("`memberledger serve` records the link and starts delivering at its next start")
        }
        exit(ExitCode.ok.rawValue)
    }

    private static func status(_ arguments: ParsedArguments) -> Never {
        let saved: (CRMConnection, key: String)?
        do {
            saved = try ConnectionFile.load(arguments.folder)
        } catch {
            fail("crm status: \(error)", .badData)
        }
        let state = FileSystem.exists(arguments.folder.journal) ? replay(arguments).state : LedgerState()
        let pending = state.crm.pending
        let dead = state.crm.dead
        if arguments.json {
            var fields: [(key: String, value: JSONValue)] = [("connection", saved.map { $0.0.json } ?? .null)]
            fields.append(("linked", state.crm.link.map { .string($0.kind.rawValue) } ?? .null))
            fields += [("pending", .int(pending.count)), ("dead", .int(dead.count))]
            fields.append(("oldestPending", pending.map(\.since).min().map { .string($0.rfc3339) } ?? .null))
            printJSON(.object(fields))
            exit(ExitCode.ok.rawValue)
        }
        if let (connection, _) = saved {
            say("connection: \(connection.kind.displayName) at \(connection.baseURL)")
            if let account = connection.account { say("account: \(account)") }
            if let appID = connection.appID { say("app id: \(appID)") }
            say("password field: \(connection.passwordField ?? "none (passwords are not written back)")")
            say("key: saved in \(ConnectionFile.keyPath(arguments.folder))")
        } else {
            say("connection: none (memberledger crm connect NAME ...)")
        }
        say("journal: \(state.crm.link.map { "linked to \($0.kind.displayName)" } ?? "no CRM linked")")
        say(
            "outbox: \(pending.count) pending, \(dead.count) dead\(pending.map(\.since).min().map { ", oldest queued \($0)" } ?? "")"
        )
        if let last = (pending + dead).compactMap({ item in item.lastError.map { (item, $0) } }).last {
            say("last error: item #\(last.0.id): \(last.1)")
        }
        exit(ExitCode.ok.rawValue)
    }

    private static func disconnect(_ arguments: ParsedArguments) -> Never {
        guard FileSystem.exists(ConnectionFile.settingsPath(arguments.folder)) else {
            say("no connection saved in \(arguments.folder.path)")
            exit(ExitCode.ok.rawValue)
        }
        do {
            try ConnectionFile.remove(from: arguments.folder)
        } catch {
            fail("crm disconnect: \(error)", .ioError)
        }
        say("connection and key removed; `memberledger serve` records the unlink at its next start")
        say("(undelivered outbox items are dropped then; `memberledger outbox` lists them now)")
        exit(ExitCode.ok.rawValue)
    }

    private static func kitWebhook(_ arguments: ParsedArguments) -> Never {
        let saved: (CRMConnection, key: String)?
        do {
            saved = try ConnectionFile.load(arguments.folder)
        } catch {
            fail("crm kit-webhook: \(error)", .badData)
        }
        guard let (connection, key) = saved, connection.kind == .kit else {
            fail("crm kit-webhook: no Kit connection saved (memberledger crm connect kit --key-file FILE)", .noInput)
        }
        let client = KitClient(connection: connection, key: key, transport: URLSessionTransport())
        do throws(CRMError) {
            if let id = arguments.options["--remove"] {
                try client.removeWebhook(id: id)
                say("removed Kit webhook \(id)")
            } else if arguments.positional.count == 2 {
                guard
                    let operation = WebhookOperation(rawValue: "aal_" + arguments.positional[1])
                        ?? WebhookOperation(rawValue: arguments.positional[1])
                else {
                    usageError(spec, "unknown command \(arguments.positional[1]); e.g. updateuser or aal_genpass")
                }
                guard let tag = arguments.options["--tag"] else {
                    usageError(spec, "kit-webhook COMMAND needs --tag NAME")
                }
                guard let base = arguments.options["--url"].map(trimmedURL) else {
                    usageError(spec, "kit-webhook COMMAND needs --url BASE (the site's public address)")
                }
                let handshake = loadHandshake("crm kit-webhook", folder: arguments.folder)
                let target = WebhookURL.make(operation, base: base, handshake: handshake)
                let webhook = try client.registerWebhook(targetURL: target, tagName: tag)
                say(
                    "registered Kit webhook \(webhook.id): when tag \"\(tag)\" is added, Kit calls \(operation.rawValue)"
                )
            } else {
                let webhooks = try client.webhooks()
                for webhook in webhooks {
                    if arguments.json {
                        printJSON(
                            .object([
                                ("id", .string(webhook.id)), ("event", .string(webhook.eventName)),
                                ("tagId", webhook.tagID.map { .string($0) } ?? .null),
                                ("command", .string(commandName(in: webhook.targetURL))),
                            ]))
                    } else {
                        say(
                            "\(webhook.id)  \(webhook.eventName)  tag \(webhook.tagID ?? "-")  \(commandName(in: webhook.targetURL))"
                        )
                    }
                }
                if webhooks.isEmpty && !arguments.json { say("no Kit webhooks") }
            }
        } catch {
            fail("crm kit-webhook: Kit refused: \(error)", error.status == nil ? .unavailable : .checkFailed)
        }
        exit(ExitCode.ok.rawValue)
    }

    /// The `aal_` command a webhook URL calls, never the URL itself (it carries the handshake).
    private static func commandName(in url: String) -> String {
        guard let query = url.split(separator: "?", maxSplits: 1).dropFirst().first else { return "-" }
        return query.split(separator: "&").lazy.map { String($0.prefix { $0 != "=" }) }.first { $0.hasPrefix("aal_") }
            ?? "-"
    }

    private static func trimmedURL(_ url: String) -> String {
        var url = url
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    private static func isServerRunning(_ folder: DataFolder) -> Bool {
        ServerAddress.read(folder) != nil
    }
}
