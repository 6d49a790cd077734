import MemberLedgerCore

/// Turns an HTTP request in AccessAlly's shape into the commands to record.
///
/// The URL names exactly one command as a query key whose value is the site's handshake
/// (`/?aal_updateteam=HANDSHAKE&teamId=3&change=5`); the handshake is compared in constant time. The
/// contact and parameters come from the query and the body in any of the CRM dialects; what the request
/// says is normalized, and what it was is kept with secrets redacted.
public struct WebhookDecoder: Sendable {
    private let handshake: [UInt8]
    private let secretNames: SecretNames

    /// The text that replaces secrets in anything stored or logged.
    public static let redacted = "REDACTED"

    /// The shortest handshake accepted: long enough to guess no better than a random 16-character key,
    /// and to be recognised (and redacted) wherever it appears.
    public static let minimumHandshakeLength = 16

    /// A decoder that accepts requests carrying `handshake` (at least 16 characters); the values of
    /// `secretFields` (the CRM's password field) are dropped and redacted like any password-named field.
    public init(handshake: String, secretFields: Set<String> = []) {
        precondition(handshake.utf8.count >= Self.minimumHandshakeLength, "the handshake is too short")
        self.handshake = Array(handshake.utf8)
        secretNames = SecretNames(fields: secretFields)
    }

    /// Decodes a webhook request; the first failure found is thrown, the handshake check first of all.
    /// No error quotes the request (a mangled URL can fuse the handshake into a key, and error texts reach
    /// the client and the logs): each tells what is wrong by position and kind.
    public func decode(_ request: IncomingRequest) throws(WebhookError) -> WebhookDelivery {
        let query = try FormBody(Array((request.query ?? "").utf8), part: .query)
        let commandPairs = query.pairs.filter { $0.name.hasPrefix("aal_") }
        guard let commandPair = commandPairs.first else { throw .noCommand }
        guard ConstantTime.equals(Array(commandPair.value.utf8), handshake) else { throw .unauthorized }
        let names = Set(commandPairs.map(\.name))
        guard names.count == 1 else {
            let known = names.compactMap(WebhookOperation.init(rawValue:)).sorted { $0.rawValue < $1.rawValue }
            throw .severalCommands(known: known, unknown: names.count - known.count)
        }
        guard let operation = WebhookOperation(rawValue: commandPair.name) else {
            throw .unknownCommand(pair: commandPair.position)
        }
        // The handshake belongs in the URL only: in a body it would be kept with the event.
        if ByteSearch.contains(request.body, handshake) {
            throw .handshakeInBody
        }
        // The content type is kept with the event too.
        try refuseHandshake(in: [request.header("Content-Type") ?? ""])
        let batch = operation == .batchSync
        let json = try jsonBody(request)
        var reading = try readBody(request, json: json, batch: batch)
        let queryForm = FormBody(pairs: query.pairs.filter { !$0.name.hasPrefix("aal_") })
        try refuseHandshake(in: queryForm)
        if reading == nil,
            queryForm.pairs.contains(where: { KeapForm.idNames.contains($0.name) || $0.name == "contactIds" })
        {
            reading = try KeapForm.read(queryForm, batch: batch)
            reading?.dialect = .query
        }
        guard var body = reading else { throw .missingContactID }
        for (name, value) in FormParameters.read(queryForm) {
            if let existing = body.parameters[name], existing != value { throw .conflictingParameter(name: name) }
            body.parameters[name] = value
        }
        for (name, value) in body.parameters.sorted(by: { $0.key < $1.key }) {
            guard let style = MergeField.style(of: value) else { continue }
            // A JSON body's `parameters` may hold names no command takes: those are not ours to name.
            throw .unsubstitutedMergeField(name: BodyReading.parameterNames.contains(name) ? name : nil, style: style)
        }
        let idempotencyKey = request.header("Idempotency-Key") ?? request.header("webhook-id")
        let items: [WebhookDelivery.Item]
        if batch {
            items = [
                .init(
                    command: WebhookCommand(
                        operation: operation, contacts: body.contacts.map(\.contact), parameters: body.parameters),
                    idempotencyKey: idempotencyKey)
            ]
        } else {
            items = body.contacts.map { contact, key in
                .init(
                    command: WebhookCommand(
                        operation, contact: withoutSecrets(contact), parameters: body.parameters),
                    idempotencyKey: key ?? (body.contacts.count == 1 ? idempotencyKey : nil))
            }
        }
        // What the commands say, once every name is joined and every value decoded (a handshake with a
        // `.` in it could come back together from `contact[fields][a][b]`).
        try refuseHandshake(in: items.lazy.flatMap(\.command.texts))
        return WebhookDelivery(
            operation: operation, dialect: body.dialect, items: items,
            request: rawRequest(request, json: json, dialect: body.dialect))
    }

    /// Reads the body by its content type (sniffing when there is none); nil for an empty body.
    /// `json` is the body parsed when it is read as JSON (`jsonBody`).
    private func readBody(
        _ request: IncomingRequest, json: JSONValue?, batch: Bool
    ) throws(WebhookError) -> BodyReading? {
        let bytes = request.body
        guard bytes.contains(where: { !isSpace($0) }) else { return nil }
        if let json {
            try refuseHandshake(in: json.texts)
            return try JSONBody.read(json, batch: batch)
        }
        let type = (request.header("Content-Type") ?? "").lowercased()
        guard type.isEmpty || type.hasPrefix("application/x-www-form-urlencoded") || type.hasPrefix("text/plain") else {
            throw .unsupportedContentType
        }
        // Ontraport's typed post data may end with a newline: the trailing white space is not data.
        var trimmed = bytes
        while let last = trimmed.last, isSpace(last) { trimmed.removeLast() }
        let form = try FormBody(trimmed, part: .body)
        try refuseHandshake(in: form)
        return ActiveCampaignForm.matches(form)
            ? try ActiveCampaignForm.read(form) : try KeapForm.read(form, batch: batch)
    }

    /// Refuses a request whose data holds the handshake once decoded: escaped (`%48…`, `\u0048…`) it
    /// passes the raw check, and decoded it would be kept as a field, tag, parameter or body key.
    private func refuseHandshake(in texts: some Sequence<String>) throws(WebhookError) {
        let secret = String(decoding: handshake, as: UTF8.self)
        if texts.contains(where: { $0.mentions(secret) }) { throw .handshakeInData }
    }

    private func refuseHandshake(in form: FormBody) throws(WebhookError) {
        try refuseHandshake(in: form.pairs.lazy.flatMap { [$0.name, $0.value] })
    }

    /// The body parsed, when it is read as JSON: its content type says so, or it has none (or
    /// `text/plain`) and starts with `{`. Parsed once, for reading and for redacting what was read.
    private func jsonBody(_ request: IncomingRequest) throws(WebhookError) -> JSONValue? {
        let type = (request.header("Content-Type") ?? "").lowercased()
        guard let first = request.body.first(where: { !isSpace($0) }),
            ByteSearch.contains(type.utf8, "json".utf8)
                || ((type.isEmpty || type.hasPrefix("text/plain")) && first == UInt8(ascii: "{"))
        else { return nil }
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw .malformedJSON(error)
        }
    }

    /// A contact without password-named fields or the site's secret fields.
    private func withoutSecrets(_ contact: ContactData) -> ContactData {
        var copy = contact.withoutSecretFields
        if !secretNames.fields.isEmpty { copy.fields = copy.fields.filter { !secretNames.isSecret($0.key) } }
        return copy
    }

    private func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
            || byte == UInt8(ascii: "\t")
    }

    /// The request to keep with the event: handshake and password-like fields replaced by `REDACTED`.
    private func rawRequest(_ request: IncomingRequest, json: JSONValue?, dialect: CRMDialect) -> RawRequest {
        let secret = String(decoding: handshake, as: UTF8.self)
        var body = Redaction.body(request.body, json: json, secret: secret, names: secretNames)
        var target = Self.redactedTarget(request.target, secret: secret)
        // Whatever form it came in, the handshake is never kept: a last sweep over the raw text too.
        if secret.utf8.count >= 8 {
            body = body.replacingOccurrences(of: secret, with: Self.redacted)
            target = target.replacingOccurrences(of: secret, with: Self.redacted)
        }
        return RawRequest(
            method: request.method, target: target,
            contentType: request.header("Content-Type"),
            body: body, dialect: dialect.rawValue)
    }

    /// A request target with the value of every `aal_*` key replaced by `REDACTED`, and of any key whose
    /// value (%-decoded) holds `secret`: safe for logs and the journal, even for requests that were refused.
    public static func redactedTarget(_ target: String, secret: String? = nil) -> String {
        guard let mark = target.firstIndex(of: "?") else { return target }
        let pieces = target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: false)
            .map { piece -> String in
                // The name as the server reads it (%-decoded): `%61al_genpass` is `aal_genpass` too.
                guard let equals = piece.firstIndex(of: "="),
                    FormBody.decode(Array(piece[..<equals].utf8))?.hasPrefix("aal_") == true
                        || Redaction.holds(secret, Array(piece[piece.index(after: equals)...].utf8))
                else { return String(piece) }
                return String(piece[...equals]) + redacted
            }
        return String(target[...mark]) + pieces.joined(separator: "&")
    }
}

extension FormBody {
    init(pairs: [Pair]) {
        self.pairs = pairs
    }
}
