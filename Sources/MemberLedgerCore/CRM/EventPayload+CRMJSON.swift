// The `data` objects of the CRM events in version 1 of the event shape (frozen once shipped, like the
// others): `crm.connected`, `crm.disconnected`, `crm.contactPulled`, `crm.delivered`,
// `crm.deliveryFailed`, `crm.retryRequested`, `crm.passwordUndelivered` and `password.reset`.

extension EventPayload {
    /// Reads the data of a CRM event type; nil for a type that is not one.
    static func crm(type: String, reader: inout ObjectReader) throws(ShapeError) -> EventPayload? {
        switch type {
        case "crm.connected":
            return .crmConnected(
                CRMLink(
                    kind: try reader.crmKind("crm"), baseURL: try reader.string("baseUrl"),
                    account: try reader.optionalString("account"),
                    passwordField: try reader.optionalString("passwordField")))
        case "crm.disconnected":
            return .crmDisconnected(try reader.crmKind("crm"))
        case "crm.contactPulled":
            let item = try reader.optionalInt64("item")
            let crm = try reader.crmKind("crm")
            let contact = try ContactData(json: try reader.value("contact"), path: reader.path(of: "contact"))
            guard contact.tags != nil else {
                throw ShapeError(path: reader.path(of: "contact"), problem: .missingKey("tags"))
            }
            return .contactPulled(ContactPulled(item: item, crm: crm, contact: contact))
        case "crm.delivered", "crm.deliveryFailed":
            let attempt = DeliveryAttempt(
                item: try reader.int64("item"), attempt: try reader.int("attempt"),
                status: try reader.optionalInt64("status").map { Int($0) }, error: try reader.optionalString("error"),
                retryAt: try reader.optionalTimestamp("retryAt"))
            return type == "crm.delivered" ? .crmDelivered(attempt) : .crmDeliveryFailed(attempt)
        case "crm.retryRequested":
            let items = try reader.elements("items").map { (value, path) throws(ShapeError) in
                try ObjectReader.int64(value, at: path)
            }
            let all = reader.optionalValue("all")?.boolValue ?? false
            return .outboxRetryRequested(OutboxRetry(items: items, all: all))
        case "crm.passwordUndelivered":
            return .passwordUndelivered(item: try reader.int64("item"))
        case "password.reset":
            return .passwordReset(
                PasswordReset(
                    contactID: try reader.string("contactId"), passwordHash: try reader.string("passwordHash")))
        default:
            return nil
        }
    }

    /// The `data` object of a CRM event.
    var crmData: JSONValue {
        switch self {
        case .crmConnected(let link):
            var fields: [(key: String, value: JSONValue)] = [
                ("crm", .string(link.kind.rawValue)), ("baseUrl", .string(link.baseURL)),
            ]
            if let account = link.account { fields.append(("account", .string(account))) }
            if let field = link.passwordField { fields.append(("passwordField", .string(field))) }
            return .object(fields)
        case .crmDisconnected(let kind):
            return .object([("crm", .string(kind.rawValue))])
        case .contactPulled(let pulled):
            var fields: [(key: String, value: JSONValue)] = []
            if let item = pulled.item { fields.append(("item", .int(item))) }
            fields.append(("crm", .string(pulled.crm.rawValue)))
            fields.append(("contact", pulled.contact.json))
            return .object(fields)
        case .crmDelivered(let attempt), .crmDeliveryFailed(let attempt):
            var fields: [(key: String, value: JSONValue)] = [
                ("item", .int(attempt.item)), ("attempt", .int(attempt.attempt)),
            ]
            if let status = attempt.status { fields.append(("status", .int(status))) }
            if let error = attempt.error { fields.append(("error", .string(error))) }
            if let retryAt = attempt.retryAt { fields.append(("retryAt", .string(retryAt.rfc3339))) }
            return .object(fields)
        case .outboxRetryRequested(let retry):
            return retry.all
                ? .object([("all", .bool(true))]) : .object([("items", .array(retry.items.map { .int($0) }))])
        case .passwordUndelivered(let item):
            return .object([("item", .int(item))])
        case .passwordReset(let reset):
            return .object([("contactId", .string(reset.contactID)), ("passwordHash", .string(reset.passwordHash))])
        default:
            preconditionFailure("\(typeName) is not a CRM event")
        }
    }
}

extension ObjectReader {
    mutating func crmKind(_ key: String) throws(ShapeError) -> CRMKind {
        let name = try string(key)
        guard let kind = CRMKind(rawValue: name) else {
            throw ShapeError(
                path: path(of: key),
                problem: .invalidValue(
                    "is not one of \(CRMKind.allCases.map(\.rawValue).joined(separator: ", "))", value: name))
        }
        return kind
    }
}
