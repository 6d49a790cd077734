/// Reading a webhook's text parameters the way every command does: trimmed, required, and with an error
/// that names the parameter when it is missing or malformed.
extension WebhookCommand {
    /// A required parameter's value, trimmed of surrounding white space.
    func parameter(_ name: String) throws(Reason) -> String {
        let value = (parameters[name] ?? "").trimmingWhitespace
        guard !value.isEmpty else { throw .missingParameter(name: name) }
        return value
    }

    /// A required parameter that must be a non-zero whole number.
    func nonZeroInteger(_ name: String) throws(Reason) -> Int {
        let text = try parameter(name)
        guard let value = Int(text), value != 0, (-1_000_000...1_000_000).contains(value) else {
            throw .invalidParameter(name: name, value: text, expected: "a non-zero whole number")
        }
        return value
    }

    /// The single contact of a one-contact command.
    func soleContact() throws(Reason) -> ContactData {
        guard let contact = contacts.first, !contact.contactID.trimmingWhitespace.isEmpty else {
            throw .missingContactID
        }
        guard contacts.count == 1 else {
            throw .invalidParameter(
                name: "contactId", value: contacts.map(\.contactID).joined(separator: ","),
                expected: "one contact (only aal_batchsync takes several)")
        }
        return contact
    }
}

extension String {
    /// The text without leading and trailing spaces, tabs and line breaks (CRMs pad numbers: "  150 ";
    /// Ontraport's post data may end with a newline). By Unicode scalar, so a lone CR or LF is trimmed
    /// as surely as the CR LF pair.
    public var trimmingWhitespace: String {
        let isSpace: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        let view = unicodeScalars
        guard let first = view.firstIndex(where: { !isSpace($0) }), let last = view.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(view[first...last])
    }
}
