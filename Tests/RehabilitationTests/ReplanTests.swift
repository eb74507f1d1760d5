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

    /// The admitted patient joins the pool groups, which have room.
    @Test func aNewAdmissionIsPlannedAroundThePublishedWeek() throws {
        let published = try Self.published()
        let week = try RehabFixtures.week("S") { object in
            var patients = object["patients"] as? [[String: Any]] ?? []
            var admitted = patients[0]
            admitted["id"] = "P900"
            admitted["priority"] = 2
            admitted["days_since_stroke"] = 40
            admitted["flags"] = [String]()
            patients.append(admitted)
            object["patients"] = patients
            var prescriptions = object["prescriptions"] as? [[String: Any]] ?? []
            prescriptions.append(["id": "R9000", "patient": "P900", "modality": "HYDRO_GRP", "sessions_per_week": 2, "session_slots": 3, "max_per_day": 1])
            object["prescriptions"] = prescriptions
        }
        let replan = try WeeklySolver(week: week).replan(published, firstOpenDay: 1, moveWeight: 500, Self.options)
        #expect(ScheduleScorer(week: week).score(RehabFixtures.scorerRows(replan.result.rows)).feasible)
        #expect(replan.displaced.isEmpty)
        #expect(replan.added.contains { $0.patient == "P900" })
    }
}
