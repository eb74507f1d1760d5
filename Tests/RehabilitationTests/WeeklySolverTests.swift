import Foundation
import Rehabilitation
import Testing

/// The solver on the project's S and M instances: never a hard violation (by the scorer that
/// agrees with score.py), better than the greedy baseline, deterministic, and within its time.
@Suite struct WeeklySolverTests {
    static let generous = 300.0

    @Test(arguments: [("S", 10_940), ("M", 112_715)])
    func solutionsAreFeasibleAndBeatTheGreedyBaseline(size: String, baseline: Int) throws {
        let week = try RehabFixtures.week(size)
        let result = try WeeklySolver(week: week).solve(.init(seconds: Self.generous, seed: 7, threads: 2, epochs: 3))
        let score = ScheduleScorer(week: week).score(RehabFixtures.scorerRows(result.rows))
        #expect(score.feasible, "\(score.hard.filter { $0.value > 0 })")
        #expect(score.objective == result.objective)
        #expect(result.objective < baseline)
        #expect(result.epochs == 3)
    }

    @Test func theSameSeedAndThreadsGiveTheSameSchedule() throws {
        let solver = try WeeklySolver(week: RehabFixtures.week("S"))
        let options = WeeklySolver.Options(seconds: Self.generous, seed: 42, threads: 2, epochs: 2)
        let first = solver.solve(options)
        let second = solver.solve(options)
        #expect(first.rows == second.rows)
        #expect(first.objective == second.objective)
    }

    @Test func aTimeLimitReturnsTheBestSoFar() throws {
        let week = try RehabFixtures.week("M")
        let result = try WeeklySolver(week: week).solve(.init(seconds: 0.5, seed: 1, threads: 1))
        #expect(result.seconds < 3)
        #expect(ScheduleScorer(week: week).score(RehabFixtures.scorerRows(result.rows)).feasible)
    }

    @Test func groupSessionsShareATherapistAndRespectPoolCapacity() throws {
        let week = try RehabFixtures.week("M")
        let result = try WeeklySolver(week: week).solve(.init(seconds: Self.generous, seed: 3, epochs: 2))
        let groupModalities = Set(week.modalities.filter { $0.maxGroup > 1 }.map(\.id))
        let groups = Dictionary(grouping: result.rows.filter { groupModalities.contains($0.modality) }) {
            "\($0.modality)|\($0.therapist ?? "")|\($0.room)|\($0.day)|\($0.start)"
        }
        #expect(groups.values.contains { $0.count > 1 }, "some group session has several patients")
        for members in groups.values {
            let modality = try #require(week.modalities.first { $0.id == members[0].modality })
            #expect(members.count <= modality.maxGroup)
        }
    }

    @Test func aDayLongerThanTheMasksHoldIsRefusedNamingTheField() throws {
        let week = try RehabFixtures.week("S") { object in
            var grid = object["time_grid"] as? [String: Any] ?? [:]
            grid["slots_per_day"] = 96
            object["time_grid"] = grid
        }
        #expect { _ = try WeeklySolver(week: week) } throws: { ($0 as? RehabWeekError)?.field == "time_grid.slots_per_day" }
    }

    @Test func availabilityNotCoveringTheWeekIsRefusedNamingTheField() throws {
        #expect {
            _ = try RehabFixtures.week("S") { object in
                var patients = object["patients"] as? [[String: Any]] ?? []
                patients[3]["availability"] = [[[0, 16]]]
                object["patients"] = patients
            }
        } throws: { ($0 as? RehabWeekError)?.field == "patients[3].availability" }
    }

    @Test func aPrescriptionForAnUnknownPatientIsRefused() throws {
        #expect {
            _ = try RehabFixtures.week("S") { object in
                var prescriptions = object["prescriptions"] as? [[String: Any]] ?? []
                prescriptions[0]["patient"] = "P999"
                object["prescriptions"] = prescriptions
            }
        } throws: { ($0 as? RehabWeekError)?.field == "prescriptions[0].patient" }
    }
}
