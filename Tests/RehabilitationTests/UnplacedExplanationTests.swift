import Foundation
import Rehabilitation
import Testing

/// Every prescribed session a schedule leaves out is explained, with the rule that blocks it.
@Suite struct UnplacedExplanationTests {
    @Test func everyMissingSessionOfTheBaselineIsExplained() throws {
        let week = try RehabFixtures.week("S")
        let rows = try RehabFixtures.baseline("S")
        let unplaced = try WeeklySolver(week: week).explain(rows)
        let delivered = Dictionary(rows.map { ("\($0.patient)|\($0.modality)", 1) }, uniquingKeysWith: +)
        let missing = week.prescriptions.reduce(0) { $0 + max(0, $1.sessionsPerWeek - (delivered["\($1.patient)|\($1.modality)"] ?? 0)) }
        #expect(unplaced.reduce(0) { $0 + $1.missing } == missing)
        #expect(missing > 0)
        for item in unplaced {
            #expect(item.days.count == week.days.count)
            #expect(item.missing <= item.prescribed)
        }
    }

    @Test func aContraindicationIsNamed() throws {
        // A patient with a pool prescription becomes incontinent: no pool for them.
        let original = try RehabFixtures.week("S")
        let pool = try #require(original.prescriptions.first { $0.modality.hasPrefix("HYDRO") })
        let week = try RehabFixtures.week("S") { object in
            var patients = object["patients"] as? [[String: Any]] ?? []
            let index = try #require(patients.index(of: pool.patient, at: "id"))
            patients[index]["flags"] = (patients[index]["flags"] as? [String] ?? []) + ["incontinence"]
            object["patients"] = patients
        }
        let solver = try WeeklySolver(week: week)
        let result = solver.solve(.init(seconds: 300, seed: 1, epochs: 1))
        let item = try #require(solver.explain(result.rows).first { $0.prescription == pool.id })
        #expect(item.reason == .contraindicated)
        #expect(item.missing == pool.sessionsPerWeek)
    }

    @Test func tooEarlyAfterStrokeIsNamed() throws {
        let original = try RehabFixtures.week("S")
        let pool = try #require(original.prescriptions.first { $0.modality.hasPrefix("HYDRO") })
        let week = try RehabFixtures.week("S") { object in
            var patients = object["patients"] as? [[String: Any]] ?? []
            let index = try #require(patients.index(of: pool.patient, at: "id"))
            patients[index]["days_since_stroke"] = 3
            object["patients"] = patients
        }
        let solver = try WeeklySolver(week: week)
        let item = try #require(solver.explain([]).first { $0.prescription == pool.id })
        #expect(item.reason == .tooEarlyAfterStroke)
    }

    @Test func aFullTherapistIsNamedOnTheDaysItBlocks() throws {
        // Only one physiotherapist remains, for one hour a day: PT sessions find no one free.
        let week = try RehabFixtures.week("S") { object in
            var therapists = object["therapists"] as? [[String: Any]] ?? []
            for index in therapists.indices where (therapists[index]["skills"] as? [String])?.contains("PT") == true {
                therapists[index]["shifts"] = Array(repeating: [[Int]](), count: 5)
            }
            object["therapists"] = therapists
        }
        let solver = try WeeklySolver(week: week)
        let unplaced = solver.explain([])
        let physiotherapy = unplaced.filter { $0.modality == "PT" }
        #expect(!physiotherapy.isEmpty)
        #expect(physiotherapy.allSatisfy { $0.reason == .noTherapistFree || $0.reason == .noQualifiedTherapist })
    }
}
