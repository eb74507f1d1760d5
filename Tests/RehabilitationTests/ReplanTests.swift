import Foundation
import Rehabilitation
import Testing

/// Re-planning a published week after a change keeps what still fits, never touches days
/// before the first open day, and moves little else.
@Suite struct ReplanTests {
    static let options = WeeklySolver.Options(seconds: 300, seed: 5, threads: 1, epochs: 2)

    static func published() throws -> [ScheduleRow] {
        try WeeklySolver(week: RehabFixtures.week("S")).solve(.init(seconds: 300, seed: 2, epochs: 2)).rows
    }

    @Test func aSickTherapistsSessionsMoveAndLittleElse() throws {
        let published = try Self.published()
        let sick = try #require(published.first { $0.day >= 2 && $0.therapist != nil }?.therapist)
        let week = try RehabFixtures.week("S") { object in
            var therapists = object["therapists"] as? [[String: Any]] ?? []
            let index = try #require(therapists.index(of: sick, at: "id"))
            var shifts = therapists[index]["shifts"] as? [Any] ?? []
            for day in 2..<shifts.count { shifts[day] = [[Int]]() }
            therapists[index]["shifts"] = shifts
            object["therapists"] = therapists
        }
        let replan = try WeeklySolver(week: week).replan(published, firstOpenDay: 2, moveWeight: 500, Self.options)
        let score = ScheduleScorer(week: week).score(RehabFixtures.scorerRows(replan.result.rows))
        #expect(score.feasible, "\(score.hard.filter { $0.value > 0 })")
        #expect(!replan.displaced.isEmpty)
        #expect(replan.displaced.allSatisfy { $0.therapist == sick && $0.day >= 2 })
        #expect(replan.result.rows.filter { $0.day < 2 } == published.filter { $0.day < 2 })
        #expect(!replan.result.rows.contains { $0.therapist == sick && $0.day >= 2 })
        // Besides the displaced rows, at most as many again change.
        #expect(replan.removed.count - replan.displaced.count <= replan.displaced.count)
    }

    @Test func keepingThePublishedWeekMovesOnlyTheDisplaced() throws {
        let published = try Self.published()
        let sick = try #require(published.first { $0.day >= 1 && $0.therapist != nil }?.therapist)
        let week = try RehabFixtures.week("S") { object in
            var therapists = object["therapists"] as? [[String: Any]] ?? []
            let index = try #require(therapists.index(of: sick, at: "id"))
            var shifts = therapists[index]["shifts"] as? [Any] ?? []
            for day in 1..<shifts.count { shifts[day] = [[Int]]() }
            therapists[index]["shifts"] = shifts
            object["therapists"] = therapists
        }
        let replan = try WeeklySolver(week: week).replan(published, firstOpenDay: 1, moveWeight: 0, keepPublished: true, Self.options)
        #expect(ScheduleScorer(week: week).score(RehabFixtures.scorerRows(replan.result.rows)).feasible)
        #expect(!replan.displaced.isEmpty)
        #expect(Set(replan.removed) == Set(replan.displaced))
        #expect(Set(replan.kept) == Set(published).subtracting(replan.displaced))
    }

    @Test func aCancellingPatientFreesTheirSlots() throws {
        let published = try Self.published()
        let patient = try #require(published.first { $0.day == 3 }?.patient)
        let week = try RehabFixtures.week("S") { object in
            var patients = object["patients"] as? [[String: Any]] ?? []
            let index = try #require(patients.index(of: patient, at: "id"))
            var availability = patients[index]["availability"] as? [Any] ?? []
            availability[3] = [[Int]]()
            patients[index]["availability"] = availability
            object["patients"] = patients
        }
        let replan = try WeeklySolver(week: week).replan(published, firstOpenDay: 3, moveWeight: 500, Self.options)
        #expect(ScheduleScorer(week: week).score(RehabFixtures.scorerRows(replan.result.rows)).feasible)
        #expect(Set(replan.displaced) == Set(published.filter { $0.patient == patient && $0.day == 3 }))
        #expect(!replan.result.rows.contains { $0.patient == patient && $0.day == 3 })
    }

    /// A new priority-3 admission, available all day, gets physiotherapy at the expense of
    /// less urgent sessions: worth more than a displaced session plus the move cost.
    @Test func aNewAdmissionIsPlannedAroundThePublishedWeek() throws {
        let published = try Self.published()
        let week = try RehabFixtures.week("S") { object in
            var patients = object["patients"] as? [[String: Any]] ?? []
            var admitted = patients[0]
            admitted["id"] = "P900"
            admitted["priority"] = 3
            admitted["days_since_stroke"] = 5
            admitted["flags"] = [String]()
            admitted["max_minutes_per_day"] = 180
            admitted["availability"] = Array(repeating: [[0, 16], [20, 32]], count: 5)
            patients.append(admitted)
            object["patients"] = patients
            var prescriptions = object["prescriptions"] as? [[String: Any]] ?? []
            prescriptions.append(["id": "R9000", "patient": "P900", "modality": "PT", "sessions_per_week": 4, "session_slots": 3, "max_per_day": 1])
            object["prescriptions"] = prescriptions
        }
        let replan = try WeeklySolver(week: week).replan(published, firstOpenDay: 1, moveWeight: 500, Self.options)
        #expect(ScheduleScorer(week: week).score(RehabFixtures.scorerRows(replan.result.rows)).feasible)
        #expect(replan.displaced.isEmpty)
        #expect(replan.added.contains { $0.patient == "P900" })
    }
}
