/// Team rules: a leader initiates a team of a program, members take seats, the leader resizes or deletes
/// it. A contact is on at most one team per program; members never outnumber seats; the leader takes no
/// seat.
extension Transaction {
    func teamProgram(_ id: String) throws(Reason) -> TeamProgram {
        guard let program = state.catalog.teamProgram(id) else { throw .unknownTeamProgram(id: id) }
        return program
    }

    /// The team the contact leads in the program, or the rejection for a contact who leads none.
    private func ledTeam(programID: String, leader: String) throws(Reason) -> Team {
        let key = TeamKey(programID: programID, leaderContactID: leader)
        guard let team = state.teams[key] else { throw .notTeamLeader(contactID: leader, programID: programID) }
        return team
    }

    /// `aal_initiateteam`: the contact leads a new team with the program's seats and gets the leader and
    /// welcome tags. Leading one already changes nothing; being a member of one is refused.
    mutating func initiateTeam(programID: String, leader: String) throws(Reason) {
        try requireMember(leader)
        let program = try teamProgram(programID)
        let seat = TeamSeat(programID: programID, contactID: leader)
        if let current = state.teamOfContact[seat] {
            guard current.leaderContactID == leader else { throw .alreadyOnTeam(contactID: leader, team: current) }
            note = .alreadyLeadsTeam(team: current)
            return
        }
        let key = TeamKey(programID: programID, leaderContactID: leader)
        setTeam(Team(key: key, seats: program.seats, createdAt: now), for: key)
        setTeamSeat(seat, to: key)
        record(.teamCreated(team: key, seats: program.seats))
        applyTags(program.leaderTags + program.welcomeTags, to: leader)
    }

    /// `team.member_added`: the contact takes a free seat on the leader's team, gets the member and welcome
    /// tags, and loses the program's revoke tags.
    mutating func addTeamMember(_ added: TeamMemberAdded) throws(Reason) {
        try requireMember(added.leaderContactID)
        try requireMember(added.contactID)
        let program = try teamProgram(added.programID)
        let key = TeamKey(programID: added.programID, leaderContactID: added.leaderContactID)
        guard var team = state.teams[key] else { throw .teamNotFound(team: key) }
        let seat = TeamSeat(programID: added.programID, contactID: added.contactID)
        if let current = state.teamOfContact[seat] {
            guard current == key else { throw .alreadyOnTeam(contactID: added.contactID, team: current) }
            note = .alreadyTeamMember(contactID: added.contactID, team: key)
            return
        }
        guard team.seatsFree > 0 else { throw .noFreeSeat(team: key, seats: team.seats) }
        team.members.insert(added.contactID)
        setTeam(team, for: key)
        setTeamSeat(seat, to: key)
        record(.teamMemberJoined(team: key, contactID: added.contactID))
        removeTags(program.revokeTags, from: added.contactID)
        applyTags(program.memberTags + program.welcomeTags, to: added.contactID)
    }

    /// `aal_removeteam`: a member leaves their team, freeing the seat, and gets the revoke tags. A leader is
    /// refused: a team is ended with deleteteam.
    mutating func removeFromTeam(programID: String, contactID: String) throws(Reason) {
        try requireMember(contactID)
        let program = try teamProgram(programID)
        let seat = TeamSeat(programID: programID, contactID: contactID)
        guard let key = state.teamOfContact[seat], var team = state.teams[key] else {
            throw .notOnTeam(contactID: contactID, programID: programID)
        }
        guard key.leaderContactID != contactID else { throw .isTeamLeader(contactID: contactID, team: key) }
        team.members.remove(contactID)
        setTeam(team, for: key)
        setTeamSeat(seat, to: nil)
        record(.teamMemberLeft(team: key, contactID: contactID))
        applyTags(program.revokeTags, to: contactID)
    }

    /// `aal_updateteam` and the `changeTeamSize` action: the leader's team gains (or loses) seats, never
    /// fewer than its members.
    mutating func changeSeats(programID: String, leader: String, by change: Int) throws(Reason) {
        try requireMember(leader)
        _ = try teamProgram(programID)
        var team = try ledTeam(programID: programID, leader: leader)
        let (seats, overflow) = team.seats.addingReportingOverflow(change)
        guard !overflow, seats >= team.members.count, seats >= 0 else {
            throw .seatsBelowMembers(team: team.key, requestedSeats: seats, members: team.members.count)
        }
        let old = team.seats
        team.seats = seats
        setTeam(team, for: team.key)
        record(.seatsChanged(team: team.key, from: old, to: seats))
    }

    /// `aal_deleteteam`: every member and then the leader get the revoke tags and leave; the team is gone,
    /// the members are not.
    mutating func deleteTeam(programID: String, leader: String) throws(Reason) {
        try requireMember(leader)
        let program = try teamProgram(programID)
        let team = try ledTeam(programID: programID, leader: leader)
        for member in team.sortedMembers {
            setTeamSeat(TeamSeat(programID: programID, contactID: member), to: nil)
            record(.teamMemberLeft(team: team.key, contactID: member))
            applyTags(program.revokeTags, to: member)
        }
        setTeamSeat(TeamSeat(programID: programID, contactID: leader), to: nil)
        applyTags(program.revokeTags, to: leader)
        setTeam(nil, for: team.key)
        record(.teamDeleted(team: team.key))
    }
}
