import Foundation
import MemberLedgerCore
import MemberLedgerJournal
import MemberLedgerServer
import MemberLedgerWebhooks

/// `memberledger webhook-url`: AccessAlly's Webhook Generator, with each CRM's setup steps.
enum WebhookURLVerb {
    /// The flags for each parameter a command may need.
    static let parameterFlags: [(flag: String, parameter: String)] = [
        ("--team", "teamId"), ("--change", "change"), ("--operation", "operationId"), ("--op", "opId"),
        ("--promo", "promoId"), ("--product", "productId"),
    ]

    static let spec = VerbSpec(
        name: "webhook-url", summary: "Print the webhook URL for a command, and how to set it up in each CRM.",
        arguments: "COMMAND", positionalCount: 1...1,
        options: [.data] + parameterFlags.map { OptionSpec(name: $0.flag, value: "ID", help: "\($0.parameter)") } + [
            OptionSpec(
                name: "--crm", value: "NAME", help: "keap, ontraport, activecampaign, kit or drip (default: all)"),
            OptionSpec(
                name: "--base", value: "URL", help: "the site's public base URL (default http://127.0.0.1:8080)"),
        ],
        details: """
            COMMAND is aal_genpass, genpass, updateteam, ... The handshake comes from MEMBERLEDGER_HANDSHAKE or
            DIR/handshake. Required parameters must be given: aal_updateteam needs --team and --change.
            """,
        run: run)

    static let instructions: [(crm: String, steps: String)] = [
        (
            "keap",
            "Keap: in the Campaign Builder add a \"Send HTTP Post\" step with this POST URL. Keap sends the contact id itself; add name/value pairs (Email, FirstName, ...) for anything else to sync."
        ),
        (
            "ontraport",
            "Ontraport: add a \"Send a Webhook\" step with this URL and the post data contactId=[Contact ID]. (A trailing newline after it, which breaks AccessAlly, is accepted here.)"
        ),
        (
            "activecampaign",
            "ActiveCampaign: in an automation add Conditions and Workflow > Webhook with this URL. It posts contact[id], email, tags and fields, and gives up after 5 s: MemberLedger answers as soon as the event is durable."
        ),
        (
            "kit",
            "Kit: a rule cannot call a URL directly; create a tag used only for this command and a Rule \"when the tag is added, send a webhook to this URL\". Kit's v4 webhook endpoints work too (each event id is an idempotency key)."
        ),
        (
            "drip",
            "Drip: in a workflow add \"Send an HTTP Post\" (JSON) with this URL; parameters may also go in the post's custom data."
        ),
    ]

    static func run(_ arguments: ParsedArguments) -> Never {
        let name = arguments.positional[0]
        guard let operation = WebhookOperation(rawValue: name) ?? WebhookOperation(rawValue: "aal_" + name) else {
            let names = WebhookOperation.allCases.map(\.rawValue)
            let hint =
                ParsedArguments.suggestion(for: name.hasPrefix("aal_") ? name : "aal_" + name, among: names).map {
                    " (did you mean \($0)?)"
                } ?? ""
            usageError(spec, "unknown command \(name)\(hint)")
        }
        var parameters: [String: String] = [:]
        for (flag, parameter) in parameterFlags { parameters[parameter] = arguments.options[flag] }
        let missing = operation.requiredParameters.filter { parameters[$0] == nil }
        if !missing.isEmpty {
            let flags = missing.compactMap { parameter in parameterFlags.first { $0.parameter == parameter }?.flag }
            usageError(spec, "\(operation.rawValue) needs \(flags.joined(separator: " and "))")
        }
        let extra = parameters.keys.filter { !operation.requiredParameters.contains($0) }.sorted()
        if let first = extra.first {
            usageError(spec, "\(operation.rawValue) takes no \(parameterFlags.first { $0.parameter == first }!.flag)")
        }
        let crm = arguments.options["--crm"]
        if let crm, !instructions.contains(where: { $0.crm == crm }) {
            usageError(spec, "--crm takes keap, ontraport, activecampaign, kit or drip, got \(crm)")
        }
        let handshake = loadHandshake("webhook-url", folder: arguments.folder)
        say(
            WebhookURL.make(
                operation, base: arguments.options["--base"] ?? "http://127.0.0.1:8080", handshake: handshake,
                parameters: parameters))
        for (name, steps) in instructions where crm == nil || crm == name { say("  " + steps) }
        exit(ExitCode.ok.rawValue)
    }
}
