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
                name: "--base", value: "URL",
                help:
                    "the site's public base URL (default: where `serve` on this folder listens, else http://127.0.0.1:8080)"
            ),
        ],
        details: """
            COMMAND is aal_genpass, genpass, updateteam, ... The handshake comes from MEMBERLEDGER_HANDSHAKE or
            DIR/handshake. Required parameters must be given: aal_updateteam needs --team and --change.
            """,
        run: run)

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
        if let crm, !CRMSetupSteps.all.contains(where: { $0.crm == crm }) {
            usageError(spec, "--crm takes keap, ontraport, activecampaign, kit or drip, got \(crm)")
        }
        let handshake = loadHandshake("webhook-url", folder: arguments.folder)
        say(
            WebhookURL.make(
                operation,
                base: arguments.options["--base"] ?? ServerAddress.read(arguments.folder) ?? "http://127.0.0.1:8080",
                handshake: handshake,
                parameters: parameters))
        for (name, _, steps) in CRMSetupSteps.all where crm == nil || crm == name { say("  " + steps) }
        exit(ExitCode.ok.rawValue)
    }
}
