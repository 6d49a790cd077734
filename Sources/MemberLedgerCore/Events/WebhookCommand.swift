/// A webhook request normalized to what it asks for: the command, the contact(s) and the parameters.
///
/// Parameters stay text exactly as received; the reducer checks them, so that a bad value is recorded
/// and shows in the log as a rejection that names it.
public struct WebhookCommand: Sendable, Hashable {
    /// Which command.
    public var operation: WebhookOperation
    /// The contact the command is about; several only for `aal_batchsync`.
    public var contacts: [ContactData]
    /// Parameters such as `teamId`, `change`, `operationId`, by name.
    public var parameters: [String: String]

    /// Creates a command.
    public init(operation: WebhookOperation, contacts: [ContactData], parameters: [String: String] = [:]) {
        self.operation = operation
        self.contacts = contacts
        self.parameters = parameters
    }

    /// Creates a single-contact command.
    public init(_ operation: WebhookOperation, contact: ContactData, parameters: [String: String] = [:]) {
        self.init(operation: operation, contacts: [contact], parameters: parameters)
    }
}
