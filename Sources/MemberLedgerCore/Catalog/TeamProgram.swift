/// A kind of team a site sells (AccessAlly "Team Program"): how many seats a new team gets and which tags
/// mark leaders, members, newcomers and those whose access was revoked.
public struct TeamProgram: Sendable, Hashable {
    /// The id webhooks name as `teamId`.
    public var id: String
    /// A human name for logs.
    public var name: String
    /// Seats a new team starts with; the leader takes none.
    public var seats: Int
    /// Applied to a contact who initiates a team.
    public var leaderTags: [String]
    /// Applied to a contact who joins a team.
    public var memberTags: [String]
    /// Applied to leaders and members when they come onto a team.
    public var welcomeTags: [String]
    /// Applied to whoever leaves a team or loses it; removed again from a member who joins.
    public var revokeTags: [String]
    /// Operations (`opId`) a team's leader or members can have run on them through `aal_teamops`.
    public var interactions: [CustomOperation]

    /// Creates a team program.
    public init(
        id: String, name: String, seats: Int, leaderTags: [String] = [], memberTags: [String] = [],
        welcomeTags: [String] = [], revokeTags: [String] = [], interactions: [CustomOperation] = []
    ) {
        self.id = id
        self.name = name
        self.seats = seats
        self.leaderTags = leaderTags
        self.memberTags = memberTags
        self.welcomeTags = welcomeTags
        self.revokeTags = revokeTags
        self.interactions = interactions
    }

    /// The interaction with this id, if the program has one.
    public func interaction(_ id: String) -> CustomOperation? {
        interactions.first { $0.id == id }
    }
}
