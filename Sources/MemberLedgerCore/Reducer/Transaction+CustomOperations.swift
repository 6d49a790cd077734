/// Custom operations (`aal_fieldop`) and team interactions (`aal_teamops`): the actions run in order, then
/// the `then` chain; the caller rolls the whole event back if any action is rejected, so an operation
/// is all or nothing.
extension Transaction {
    /// `aal_fieldop`: run the catalog's custom operation on the contact.
    mutating func runCustomOperation(_ operationID: String, on contactID: String) throws(Reason) {
        try requireMember(contactID)
        guard let operation = state.catalog.customOperation(operationID) else {
            throw .unknownCustomOperation(id: operationID)
        }
        try run(operation, on: contactID, alreadyRan: [operation.id])
    }

    /// `aal_teamops`: run a team program's interaction on a contact who is on a team of that program.
    mutating func runInteraction(_ interactionID: String, programID: String, on contactID: String) throws(Reason) {
        try requireMember(contactID)
        let program = try teamProgram(programID)
        guard let interaction = program.interaction(interactionID) else {
            throw .unknownInteraction(programID: programID, id: interactionID)
        }
        guard state.teamOfContact[TeamSeat(programID: programID, contactID: contactID)] != nil else {
            throw .notOnTeam(contactID: contactID, programID: programID)
        }
        try run(interaction, on: contactID, alreadyRan: [])
    }

    /// Runs the actions, then follows `then` through custom operations; `alreadyRan` holds the custom
    /// operation ids run so far (none for an interaction, whose id is not a custom operation's).
    private mutating func run(_ operation: CustomOperation, on contactID: String, alreadyRan: Set<String>)
        throws(Reason)
    {
        var ran = alreadyRan
        var current = operation
        while true {
            for action in current.actions {
                try perform(action, on: contactID)
            }
            guard let next = current.then else { return }
            guard let following = state.catalog.customOperation(next) else { throw .unknownCustomOperation(id: next) }
            guard ran.insert(next).inserted else { throw .operationCycle(id: next) }
            current = following
        }
    }

    private mutating func perform(_ action: CustomOperation.Action, on contactID: String) throws(Reason) {
        switch action {
        case .addToField(let field, let amount):
            let text: String = state.members.read(contactID) { $0.fields[field] ?? "" } ?? ""
            let trimmed = text.trimmingWhitespace
            guard let current = trimmed.isEmpty ? 0 : Int64(trimmed) else {
                throw .notAnInteger(field: field, value: text)
            }
            let (sum, overflow) = current.addingReportingOverflow(amount)
            guard !overflow else { throw .fieldOverflow(field: field) }
            setField(field, to: String(sum), of: contactID)
        case .setField(let field, let value):
            setField(field, to: value, of: contactID)
        case .applyTags(let tags):
            applyTags(tags, to: contactID)
        case .removeTags(let tags):
            removeTags(tags, from: contactID)
        case .generateCoupon(let promoID):
            try issueCoupon(promoID: promoID, to: contactID)
        case .changeTeamSize(let programID, let change):
            try changeSeats(programID: programID, leader: contactID, by: change)
        case .subscription(let subscriptionAction, let productID):
            try perform(subscriptionAction, productID: productID, contactID: contactID)
        }
    }
}
