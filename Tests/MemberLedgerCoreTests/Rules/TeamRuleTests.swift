import MemberLedgerCore
import MemberLedgerTesting
import Testing

@Suite("Teams: initiate, add, remove, resize, delete, interactions")
struct TeamRuleTests {
    private let team = TeamKey(programID: "3", leaderContactID: "L")

    /// Leader L with a team of program 3 (5 seats) and members M1...Mn.
    private func ledger(members: Int = 0) -> Scenario {
        var ledger = Scenario(catalog: .sample)
        ledger.genpass("L")
        for index in 1...6 { ledger.genpass("M\(index)") }
        ledger.webhook(.initiateTeam, "L", parameters: ["teamId": "3"])
        for index in stride(from: 1, through: members, by: 1) { add("M\(index)", to: &ledger) }
        return ledger
    }

    @discardableResult
    private func add(_ contactID: String, to ledger: inout Scenario, leader: String = "L") -> Outcome {
        ledger.record(.teamMemberAdded(TeamMemberAdded(programID: "3", leaderContactID: leader, contactID: contactID)))
    }

    @Test("initiateteam: leader of a new team with the program's seats, leader and welcome tags")
    func initiate() throws {
        let ledger = ledger()
        let created = try #require(ledger.state.team(of: "L", inProgram: "3"))
        #expect(created == Team(key: team, seats: 5, createdAt: Scenario.start))
        #expect(ledger.state.member("L")?.tags == ["Team Leader", "Team Welcome"])
        #expect(ledger.lastOutcome.effects.first == .teamCreated(team: team, seats: 5))
    }

    @Test("initiateteam again: unchanged; as a member of a team of that program: rejected")
    func initiateTwice() {
        var ledger = ledger(members: 1)
        let again = ledger.webhook(.initiateTeam, "L", parameters: ["teamId": "3"])
        #expect(again.status == .unchanged)
        #expect(again.reason == .alreadyLeadsTeam(team: team))
        let member = ledger.webhook(.initiateTeam, "M1", parameters: ["teamId": "3"])
        #expect(member.reason == .alreadyOnTeam(contactID: "M1", team: team))
        #expect(ledger.state.teams.count == 1)
    }

    @Test("member_added: takes a seat, gets member and welcome tags, loses revoke tags")
    func addMember() throws {
        var ledger = ledger()
        ledger.webhook(.updateUser, "M1", tags: ["Team Revoked", "Other"])
        let outcome = add("M1", to: &ledger)
        #expect(outcome.status == .applied)
        #expect(ledger.state.member("M1")?.tags == ["Other", "Team Member", "Team Welcome"])
        let current = try #require(ledger.state.team(of: "L", inProgram: "3"))
        #expect(current.members == ["M1"])
        #expect(current.seatsFree == 4)
    }

    @Test("the leader takes no seat and members never outnumber seats")
    func seatsFull() {
        var ledger = ledger(members: 5)
        #expect(ledger.state.team(of: "L", inProgram: "3")?.seatsFree == 0)
        let sixth = add("M6", to: &ledger)
        #expect(sixth.status == .rejected)
        #expect(sixth.reason == .noFreeSeat(team: team, seats: 5))
        #expect(ledger.state.member("M6")?.tags == [])
    }

    @Test("a contact is on at most one team per program")
    func oneTeamPerProgram() {
        var ledger = ledger(members: 1)
        ledger.genpass("L2")
        ledger.webhook(.initiateTeam, "L2", parameters: ["teamId": "3"])
        let outcome = add("M1", to: &ledger, leader: "L2")
        #expect(outcome.reason == .alreadyOnTeam(contactID: "M1", team: team))
        #expect(add("M1", to: &ledger).status == .unchanged)
        #expect(
            add("L2", to: &ledger).reason
                == .alreadyOnTeam(contactID: "L2", team: TeamKey(programID: "3", leaderContactID: "L2")))
    }

    @Test("removeteam: the member leaves, the seat frees, revoke tags apply; a leader is refused")
    func remove() {
        var ledger = ledger(members: 2)
        let outcome = ledger.webhook(.removeTeam, "M1", parameters: ["teamId": "3"])
        #expect(outcome.status == .applied)
        #expect(ledger.state.team(of: "L", inProgram: "3")?.members == ["M2"])
        #expect(ledger.state.member("M1")?.tags.contains("Team Revoked") == true)
        #expect(ledger.state.team(of: "M1", inProgram: "3") == nil)
        let leader = ledger.webhook(.removeTeam, "L", parameters: ["teamId": "3"])
        #expect(leader.reason == .isTeamLeader(contactID: "L", team: team))
        #expect(leader.reason?.description.contains("aal_deleteteam") == true)
        #expect(
            ledger.webhook(.removeTeam, "M5", parameters: ["teamId": "3"]).reason
                == .notOnTeam(contactID: "M5", programID: "3"))
    }

    @Test(
        "updateteam changes seats by a non-zero integer, never below the members",
        arguments: [
            ("2", 7, Outcome.Status.applied), ("-2", 3, .applied), ("-3", 5, .rejected), ("0", 5, .rejected),
            ("two", 5, .rejected), ("", 5, .rejected), (" 1 ", 6, .applied),
        ])
    func updateTeam(change: String, seats: Int, status: Outcome.Status) {
        var ledger = ledger(members: 3)
        let outcome = ledger.webhook(.updateTeam, "L", parameters: ["teamId": "3", "change": change])
        #expect(outcome.status == status)
        #expect(ledger.state.team(of: "L", inProgram: "3")?.seats == seats)
    }

    @Test("updateteam reasons name the problem")
    func updateTeamReasons() {
        var ledger = ledger(members: 3)
        #expect(
            ledger.webhook(.updateTeam, "L", parameters: ["teamId": "3", "change": "-3"]).reason
                == .seatsBelowMembers(team: team, requestedSeats: 2, members: 3))
        #expect(
            ledger.webhook(.updateTeam, "L", parameters: ["teamId": "3", "change": "x"]).reason
                == .invalidParameter(name: "change", value: "x", expected: "a non-zero whole number"))
        #expect(
            ledger.webhook(.updateTeam, "L", parameters: ["teamId": "3"]).reason == .missingParameter(name: "change"))
        #expect(
            ledger.webhook(.updateTeam, "M1", parameters: ["teamId": "3", "change": "1"]).reason
                == .notTeamLeader(contactID: "M1", programID: "3"))
        #expect(
            ledger.webhook(.updateTeam, "L", parameters: ["teamId": "33", "change": "1"]).reason
                == .unknownTeamProgram(id: "33"))
    }

    @Test("deleteteam: everyone gets revoke tags and leaves; the team goes; no member is deleted")
    func delete() {
        var ledger = ledger(members: 2)
        let outcome = ledger.webhook(.deleteTeam, "L", parameters: ["teamId": "3"])
        #expect(outcome.status == .applied)
        #expect(ledger.state.teams.isEmpty)
        for id in ["L", "M1", "M2"] {
            #expect(ledger.state.member(id)?.tags.contains("Team Revoked") == true)
            #expect(ledger.state.team(of: id, inProgram: "3") == nil)
        }
        #expect(ledger.state.members.count == 7)
        #expect(outcome.effects.last == .teamDeleted(team: team))
        // The leader may start again; a former member may join another team.
        #expect(ledger.webhook(.initiateTeam, "M1", parameters: ["teamId": "3"]).status == .applied)
        #expect(
            ledger.webhook(.deleteTeam, "M2", parameters: ["teamId": "3"]).reason
                == .notTeamLeader(contactID: "M2", programID: "3"))
    }

    @Test("teamops runs the program's interaction on a leader or member only")
    func interactions() {
        var ledger = ledger(members: 1)
        #expect(ledger.webhook(.teamOperation, "M1", parameters: ["teamId": "3", "opId": "1"]).status == .applied)
        #expect(ledger.state.member("M1")?.tags.contains("Bonus") == true)
        #expect(ledger.webhook(.teamOperation, "L", parameters: ["teamId": "3", "opId": "1"]).status == .applied)
        #expect(
            ledger.webhook(.teamOperation, "M2", parameters: ["teamId": "3", "opId": "1"]).reason
                == .notOnTeam(contactID: "M2", programID: "3"))
        #expect(
            ledger.webhook(.teamOperation, "M1", parameters: ["teamId": "3", "opId": "9"]).reason
                == .unknownInteraction(programID: "3", id: "9"))
        #expect(
            ledger.webhook(.teamOperation, "M1", parameters: ["teamId": "3"]).reason == .missingParameter(name: "opId"))
    }

    @Test("member_added needs an existing team of that leader")
    func addToMissingTeam() {
        var ledger = ledger()
        #expect(
            add("M1", to: &ledger, leader: "M2").reason
                == .teamNotFound(team: TeamKey(programID: "3", leaderContactID: "M2")))
    }
}
