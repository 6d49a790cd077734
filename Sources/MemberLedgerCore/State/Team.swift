/// Identifies a team: the program it belongs to and the contact who leads it. AccessAlly's webhooks name
/// a team this way (`teamId` is the program, the contact is its leader); a contact leads at most one team
/// per program.
public struct TeamKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The team program's id.
    public var programID: String
    /// The leader's contact id.
    public var leaderContactID: String

    /// Creates a key.
    public init(programID: String, leaderContactID: String) {
        self.programID = programID
        self.leaderContactID = leaderContactID
    }

    /// Canonical order: by program, then leader, each by UTF-8 bytes.
    public static func < (lhs: TeamKey, rhs: TeamKey) -> Bool {
        lhs.programID == rhs.programID
            ? utf8Ascending(lhs.leaderContactID, rhs.leaderContactID) : utf8Ascending(lhs.programID, rhs.programID)
    }

    /// `PROGRAM/LEADER`, e.g. `3/42`.
    public var description: String { "\(programID)/\(leaderContactID)" }
}

/// A team of a team program: one leader, and members who each take a seat.
///
/// Invariant: members never outnumber seats; the leader takes no seat.
public struct Team: Sendable, Hashable {
    /// Program and leader.
    public var key: TeamKey
    /// Seats for members.
    public var seats: Int
    /// Contact ids of the members (not the leader).
    public var members: Set<String>
    /// When the team was initiated.
    public var createdAt: Timestamp

    /// Creates a team.
    public init(key: TeamKey, seats: Int, members: Set<String> = [], createdAt: Timestamp) {
        self.key = key
        self.seats = seats
        self.members = members
        self.createdAt = createdAt
    }

    /// Seats taken by members.
    public var seatsUsed: Int { members.count }
    /// Seats still open.
    public var seatsFree: Int { seats - members.count }
    /// Members in canonical order.
    public var sortedMembers: [String] { members.sorted(by: utf8Ascending) }

    /// Stops the program if the seat invariant is broken; a team over capacity is a bug, never a state.
    func checkInvariants() {
        precondition(seats >= 0 && members.count <= seats, "team \(key) has \(members.count) members on \(seats) seats")
        precondition(!members.contains(key.leaderContactID), "team \(key) lists its leader as a member")
    }
}
