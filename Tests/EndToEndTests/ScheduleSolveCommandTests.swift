import Foundation
import PostgresTestSupport
import Testing

/// `strokepath schedule solve|explain|replan` end to end: score.py (the project's copy) rates
/// the solver's schedules feasible with the objective the solver printed, and the scorer
/// agrees with score.py on the solver's output and on random changes of it.
@Suite struct ScheduleSolveCommandTests {
    static let fixtures = ScheduleScoreAgreementTests.fixtures

    static func instance(_ size: String) -> String { fixtures.appendingPathComponent("instances/\(size)_seed1.json").path }

    static func solve(_ size: String) async throws -> (schedule: URL, objective: Int) {
        let result = try await Subprocess.run(
            Subprocess.strokepath, ["schedule", "solve", instance(size), "--seconds", "300", "--epochs", "2", "--threads", "2"])
        try #require(result.status == 0, "\(result.errors)")
        #expect(result.errors.contains("objective"), "progress on stderr")
        let schedule = FileManager.default.temporaryDirectory.appendingPathComponent("solved-\(size)-\(UUID().uuidString).json")
        try Data(result.output.utf8).write(to: schedule)
        let done = try #require(result.errors.split(separator: "\n").last { $0.hasPrefix("done: objective ") })
        let objective = try #require(Int(done.dropFirst("done: objective ".count).prefix { $0.isNumber }))
        return (schedule, objective)
    }

    @Test(arguments: ["S", "M"])
    func scorePyRatesTheSolversScheduleFeasible(size: String) async throws {
        let (schedule, objective) = try await Self.solve(size)
        defer { try? FileManager.default.removeItem(at: schedule) }
        let score = try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Self.fixtures.appendingPathComponent("score.py").path, Self.instance(size), schedule.path, "--json",
            ])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(score.output.utf8)) as? [String: Any])
        #expect(object["feasible"] as? Bool == true, "\(object["hard"] ?? "")")
        #expect(object["objective"] as? Int == objective)
        #expect(score.status == 0)

        let agreement = try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Self.fixtures.appendingPathComponent("compare.py").path, Self.instance(size), schedule.path,
                "--random", "30", "--seed", "11", "--", Subprocess.strokepath.path, "schedule", "score",
            ])
        #expect(agreement.output.hasSuffix(" agreed, 0 differed\n"), "\(agreement.output)\(agreement.errors)")
    }

    @Test func explainListsTheUnplacedSessionsWithReasons() async throws {
        let result = try await Subprocess.run(
            Subprocess.strokepath,
            [
                "schedule", "explain", Self.instance("S"), Self.fixtures.appendingPathComponent("baseline/S_seed1.feasible.json").path, "--json",
            ])
        #expect(result.status == 0, "\(result.errors)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let unplaced = try #require(object["unplaced"] as? [[String: Any]])
        #expect(!unplaced.isEmpty)
        #expect(unplaced.allSatisfy { ($0["explanation"] as? String)?.isEmpty == false && ($0["days"] as? [String: String])?.count == 5 })
    }

    @Test func aMalformedInstanceIsRefusedNamingTheField() async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.instance("S")))
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var therapists = try #require(object["therapists"] as? [[String: Any]])
        therapists[2]["max_contact_minutes"] = [360, 360]
        object["therapists"] = therapists
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: object).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["schedule", "solve", file.path, "--seconds", "1"])
        #expect(result.status == 2)
        #expect(result.errors.contains("therapists[2].max_contact_minutes"), "\(result.errors)")
        #expect(result.output.isEmpty)
    }
}
