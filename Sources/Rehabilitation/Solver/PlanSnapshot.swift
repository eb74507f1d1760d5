/// A plan frozen as its sessions, to keep the best one found and to start again from it.
struct PlanSnapshot: Sendable {
    struct Session: Sendable, Equatable {
        var modality: Int, therapist: Int, room: Int, day: Int, start: Int, length: Int
        var members: [Int]
    }

    var sessions: [Session]
    var objective: Int
    var pins: PlanState.Pins

    init(_ plan: PlanState) {
        sessions = plan.openSessions.sorted().map { id in
            Session(
                modality: plan.sessionModality[id], therapist: plan.sessionTherapist[id], room: plan.sessionRoom[id],
                day: plan.sessionDay[id], start: plan.sessionStart[id], length: plan.sessionLength[id],
                members: plan.sessionMembers[id])
        }
        objective = plan.objective
        pins = plan.pins
    }

    /// The plan holding exactly these sessions.
    func plan(_ model: SolverModel) -> PlanState {
        var plan = PlanState(model: model, pins: pins)
        for session in sessions {
            let id = plan.openSession(
                modality: session.modality, therapist: session.therapist, room: session.room,
                day: session.day, start: session.start, length: session.length)
            for x in session.members { plan.addMember(x, to: id) }
        }
        plan.commit()
        return plan
    }
}
