import Foundation
import PostgresTestSupport
import Testing

/// `strokepath schedule score` agrees with the normative score.py (the project's copy) on the
/// baselines, score.py's mutation cases and seeded random perturbations, for S and M: the
/// same counts, terms, objective and KPIs, and for the first 40 cases the same printed text.
@Suite struct ScheduleScoreAgreementTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rehab")

    @Test(arguments: [("S", 80), ("M", 40)])
    func scorerAgreesWithScorePy(size: String, random: Int) async throws {
        let result = try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Self.fixtures.appendingPathComponent("compare.py").path,
                Self.fixtures.appendingPathComponent("instances/\(size)_seed1.json").path,
                Self.fixtures.appendingPathComponent("baseline/\(size)_seed1.feasible.json").path,
                "--random", String(random), "--seed", "3", "--text", "40", "--", Subprocess.strokepath.path, "schedule", "score",
            ])
        #expect(result.output.hasSuffix(" agreed, 0 differed\n"), "\(result.output)\(result.errors)")
        #expect(result.status == 0)
    }

    @Test func scorePysOwnMutationTestsPassOnTheCopies() async throws {
        let result = try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Self.fixtures.appendingPathComponent("test_score.py").path,
                Self.fixtures.appendingPathComponent("instances/M_seed1.json").path,
                Self.fixtures.appendingPathComponent("baseline/M_seed1.feasible.json").path,
            ])
        #expect(result.output.contains("all mutation tests passed"), "\(result.output)\(result.errors)")
    }
}
