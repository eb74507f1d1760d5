import Foundation
import Rehabilitation
import Testing

/// The scorer on the project's copies of the rehab-week/1 instances and baselines; full
/// agreement with score.py on mutated and random schedules is checked by
/// `ScheduleScoreAgreementTests`, which drives the command line.
@Suite struct ScheduleScorerTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rehab")

    static func load(_ size: String) throws -> (RehabWeek, [ScheduleScorer.Row]) {
        let week = try RehabWeek.decode(try Data(contentsOf: fixtures.appendingPathComponent("instances/\(size)_seed1.json")))
        let rows = try ScheduleFile.rows(from: try Data(contentsOf: fixtures.appendingPathComponent("baseline/\(size)_seed1.feasible.json")))
        return (week, rows)
    }

    @Test func baselineOfSIsFeasibleWithScorePysObjective() throws {
        let (week, rows) = try Self.load("S")
        let result = ScheduleScorer(week: week).score(rows)
        #expect(result.feasible, "\(result.hard.filter { $0.value > 0 })")
        #expect(result.objective == 10_940)
        #expect(
            result.soft == [
                "unmet_minutes": 975, "daily_imbalance_minutes": 645, "extra_therapists": 10,
                "time_preference_violations": 7, "outpatient_idle_minutes": 105, "weekend_sessions": 0,
            ])
    }

    @Test func baselineOfMIsFeasibleWithScorePysObjective() throws {
        let (week, rows) = try Self.load("M")
        let result = ScheduleScorer(week: week).score(rows)
        #expect(result.feasible)
        #expect(result.objective == 112_715)
    }

    @Test func aDoubleBookedTherapistIsCaught() throws {
        let (week, rows) = try Self.load("S")
        var changed = rows
        let individual = week.modalities.filter { $0.maxGroup == 1 && $0.requiresTherapist }.map(\.id)
        let first = try #require(changed.firstIndex { individual.contains($0.modality ?? "") })
        let second = try #require(
            changed.firstIndex { row in
                individual.contains(row.modality ?? "") && row.patient != changed[first].patient && row.therapist != changed[first].therapist
            })
        changed[second].therapist = changed[first].therapist
        changed[second].day = changed[first].day
        changed[second].start = changed[first].start
        let result = ScheduleScorer(week: week).score(changed)
        #expect((result.hard["therapist_overlap"] ?? 0) > 0)
        #expect(!result.feasible)
    }

    @Test func hugeRowValuesAreOutsideTheGridNotACrash() throws {
        let (week, rows) = try Self.load("S")
        var changed = rows
        changed[0].start = 9_000_000_000_000_000_000
        changed[0].length = 9_000_000_000_000_000_000
        #expect(ScheduleScorer(week: week).score(changed).hard["outside_grid"] == 1)
    }

    @Test func anInstanceNumberOutOfRangeIsRefused() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("instances/S_seed1.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var patients = try #require(object["patients"] as? [[String: Any]])
        patients[0]["priority"] = 1_000_000_000_000
        object["patients"] = patients
        #expect {
            _ = try RehabWeek.decode(try JSONSerialization.data(withJSONObject: object))
        } throws: { error in
            (error as? RehabWeekError)?.field == "patients[0].priority"
        }
    }

    @Test func aMalformedInstanceIsRefusedNamingTheField() throws {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("instances/S_seed1.json"))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var rooms = try #require(object["rooms"] as? [[String: Any]])
        rooms[1]["capacity"] = "six"
        object["rooms"] = rooms
        #expect {
            _ = try RehabWeek.decode(try JSONSerialization.data(withJSONObject: object))
        } throws: { error in
            (error as? RehabWeekError)?.field == "rooms[1].capacity"
        }
    }
}
