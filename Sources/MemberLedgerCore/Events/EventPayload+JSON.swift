// The `data` object of each event type in version 1 of the event shape. Site events keep the same key
// names as the site's `/events` requests (`contactId`, `productId`, `teamId`, ...).

extension EventPayload {
    /// Reads the data of a known type; nil for a type this code does not know.
    init?(type: String, data: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(data, path: path)
        switch type {
        case "webhook.received":
            let operationName = try reader.string("operation")
            guard let operation = WebhookOperation(rawValue: operationName) else {
                throw ShapeError(
                    path: reader.path(of: "operation"),
                    problem: .invalidValue("is not one of the 14 aal_* commands", value: operationName))
            }
            let contacts = try reader.elements("contacts").map { (value, path) throws(ShapeError) in
                try ContactData(json: value, path: path)
            }
            let parameters = try reader.optionalStringPairs("parameters") ?? []
            var generated = GeneratedValues.none
            if let generatedJSON = reader.optionalValue("generated") {
                var inner = try ObjectReader(generatedJSON, path: reader.path(of: "generated"))
                generated.passwordHash = try inner.optionalString("passwordHash")
                if let hex = try inner.optionalString("entropy") {
                    guard let bytes = Hex.decode(hex) else {
                        throw ShapeError(path: inner.path(of: "entropy"), problem: .invalidValue("not hexadecimal"))
                    }
                    generated.entropy = bytes
                }
                try inner.finish()
            }
            var request: RawRequest?
            if let requestJSON = reader.optionalValue("request") {
                var inner = try ObjectReader(requestJSON, path: reader.path(of: "request"))
                request = RawRequest(
                    method: try inner.string("method"), target: try inner.string("target"),
                    contentType: try inner.optionalString("contentType"), body: try inner.optionalString("body") ?? "",
                    bodyIsBase64: try inner.optionalString("bodyEncoding") == "base64",
                    dialect: try inner.string("dialect"))
                try inner.finish()
            }
            self = .webhookReceived(
                WebhookReceived(
                    command: WebhookCommand(
                        operation: operation, contacts: contacts,
                        parameters: Dictionary(parameters, uniquingKeysWith: { _, last in last })),
                    generated: generated, request: request))
        case "order.completed":
            let gatewayName = try reader.string("gateway")
            guard let gateway = Gateway(rawValue: gatewayName) else {
                throw ShapeError(
                    path: reader.path(of: "gateway"),
                    problem: .invalidValue("is not stripe or paypal", value: gatewayName))
            }
            self = .orderCompleted(
                OrderCompleted(
                    contactID: try reader.string("contactId"), productID: try reader.string("productId"),
                    gateway: gateway, amount: try reader.int64("amount"), currency: try reader.string("currency")))
        case "payment.failed", "payment.succeeded":
            let payment = PaymentReported(
                contactID: try reader.string("contactId"), productID: try reader.string("productId"),
                amount: try reader.int64("amount"))
            self = type == "payment.failed" ? .paymentFailed(payment) : .paymentSucceeded(payment)
        case "team.member_added":
            self = .teamMemberAdded(
                TeamMemberAdded(
                    programID: try reader.string("teamId"), leaderContactID: try reader.string("leaderContactId"),
                    contactID: try reader.string("contactId")))
        case "coupon.redeemed":
            self = .couponRedeemed(
                CouponRedeemed(contactID: try reader.string("contactId"), code: try reader.string("code")))
        case "catalog.updated":
            self = .catalogUpdated(try Catalog(shapeOf: try reader.value("catalog"), path: reader.path(of: "catalog")))
        case "member.imported":
            self = .memberImported(
                MemberImported(
                    contact: try ContactData(json: try reader.value("contact"), path: reader.path(of: "contact")),
                    passwordHash: try reader.optionalString("passwordHash")))
        default:
            guard let payload = try Self.crm(type: type, reader: &reader) else { return nil }
            self = payload
        }
        try reader.finish()
    }

    /// The `data` object of this payload.
    var data: JSONValue {
        switch self {
        case .webhookReceived(let webhook):
            var fields: [(key: String, value: JSONValue)] = [
                ("operation", .string(webhook.command.operation.rawValue)),
                ("contacts", .array(webhook.command.contacts.map(\.json))),
            ]
            if !webhook.command.parameters.isEmpty {
                fields.append(("parameters", .sortedStringObject(webhook.command.parameters)))
            }
            var generated: [(key: String, value: JSONValue)] = []
            if let hash = webhook.generated.passwordHash { generated.append(("passwordHash", .string(hash))) }
            if !webhook.generated.entropy.isEmpty {
                generated.append(("entropy", .string(Hex.encode(webhook.generated.entropy))))
            }
            if !generated.isEmpty { fields.append(("generated", .object(generated))) }
            if let request = webhook.request {
                var raw: [(key: String, value: JSONValue)] = [
                    ("method", .string(request.method)), ("target", .string(request.target)),
                ]
                if let contentType = request.contentType { raw.append(("contentType", .string(contentType))) }
                if !request.body.isEmpty { raw.append(("body", .string(request.body))) }
                if request.bodyIsBase64 { raw.append(("bodyEncoding", .string("base64"))) }
                raw.append(("dialect", .string(request.dialect)))
                fields.append(("request", .object(raw)))
            }
            return .object(fields)
        case .orderCompleted(let order):
            return .object([
                ("contactId", .string(order.contactID)), ("productId", .string(order.productID)),
                ("gateway", .string(order.gateway.rawValue)), ("amount", .int(order.amount)),
                ("currency", .string(order.currency)),
            ])
        case .paymentFailed(let payment), .paymentSucceeded(let payment):
            return .object([
                ("contactId", .string(payment.contactID)), ("productId", .string(payment.productID)),
                ("amount", .int(payment.amount)),
            ])
        case .teamMemberAdded(let added):
            return .object([
                ("teamId", .string(added.programID)), ("leaderContactId", .string(added.leaderContactID)),
                ("contactId", .string(added.contactID)),
            ])
        case .couponRedeemed(let redeemed):
            return .object([("contactId", .string(redeemed.contactID)), ("code", .string(redeemed.code))])
        case .catalogUpdated(let catalog):
            return .object([("catalog", catalog.json)])
        case .memberImported(let imported):
            var fields: [(key: String, value: JSONValue)] = [("contact", imported.contact.json)]
            if let hash = imported.passwordHash { fields.append(("passwordHash", .string(hash))) }
            return .object(fields)
        case .crmConnected, .crmDisconnected, .contactPulled, .crmDelivered, .crmDeliveryFailed,
            .outboxRetryRequested, .passwordUndelivered, .passwordReset:
            return crmData
        }
    }
}

extension ContactData {
    init(json: JSONValue, path: String) throws(ShapeError) {
        var reader = try ObjectReader(json, path: path)
        self.init(
            contactID: try reader.string("contactId"),
            email: try reader.optionalString("email"),
            firstName: try reader.optionalString("firstName"),
            lastName: try reader.optionalString("lastName"),
            tags: try reader.optionalStringArray("tags"),
            fields: Dictionary(try reader.optionalStringPairs("fields") ?? [], uniquingKeysWith: { _, last in last })
        )
        try reader.finish()
    }

    /// The contact as JSON; absent values are left out, fields sorted by name.
    var json: JSONValue {
        var fields: [(key: String, value: JSONValue)] = [("contactId", .string(contactID))]
        if let email { fields.append(("email", .string(email))) }
        if let firstName { fields.append(("firstName", .string(firstName))) }
        if let lastName { fields.append(("lastName", .string(lastName))) }
        if let tags { fields.append(("tags", .strings(tags))) }
        if !self.fields.isEmpty { fields.append(("fields", .sortedStringObject(self.fields))) }
        return .object(fields)
    }
}

extension JSONValue {
    /// A JSON object of strings with keys in UTF-8 byte order.
    static func sortedStringObject(_ pairs: [String: String]) -> JSONValue {
        .object(pairs.sorted { utf8Ascending($0.key, $1.key) }.map { ($0.key, .string($0.value)) })
    }
}
