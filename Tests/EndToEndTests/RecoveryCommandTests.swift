import Foundation
import PostgresTestSupport
import Testing

/// `strokepath recovery simulate` against the reference simulations, checked by the team's
/// check.py (the project's copy), and its refusals.
@Suite struct RecoveryCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/recovery")

    /// check.py's acceptance: 14 simulations within 1e-4 FM points on every day, and 2 fits at the
    /// reference's cost or better with curves within 0.5 and bands within 1.5 points.
    @Test func theReferenceCasesPass() async throws {
        let result = try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Self.fixtures.appendingPathComponent("check.py").path, "--cases", Self.fixtures.appendingPathComponent("cases.json").path,
                "--", Subprocess.strokepath.path, "recovery",
            ])
        #expect(result.output.hasSuffix("16 passed, 0 failed\n"), "\(result.output)\(result.errors)")
        #expect(result.status == 0)
    }

    @Test func aFitReportsItsChiSquareTestAndRefusesImpossibleScores() async throws {
        let all = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("cases.json"))) as? [String: Any])
        let reference = try #require((all["cases"] as? [[String: Any]])?.first { $0["kind"] as? String == "fit" })
        var input: [String: Any] = [
            "params_base": reference["params_base"] ?? [:], "schedule": reference["schedule"] ?? [],
            "t_obs": reference["t_obs"] ?? [], "y_obs": reference["y_obs"] ?? [],
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-fit-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try JSONSerialization.data(withJSONObject: input).write(to: file)
        let fitted = try await Subprocess.run(Subprocess.strokepath, ["recovery", "fit", file.path, "--samples", "300", "--profile-day", "90"])
        #expect(fitted.status == 0, "\(fitted.errors)")
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(fitted.output.utf8)) as? [String: Any])
        #expect(answer["chi2_test_pass"] as? Bool == true)
        let profile = try #require((answer["prediction_profile"] as? [[String: Any]])?.first)
        #expect(abs((profile["lower"] as? Double ?? 0) - 49.298) < 0.05 && abs((profile["upper"] as? Double ?? 0) - 58.912) < 0.05, "\(profile)")
        #expect(abs((answer["chi2_threshold"] as? Double ?? 0) - 12.5916) < 1e-3, "χ²₀.₉₅(6)")
        #expect((answer["model"] as? String)?.hasPrefix("neurovascular-recovery") == true && (answer["priors"] as? String)?.hasPrefix("recovery-") == true)
        input["y_obs"] = [23, 35, 43, 47, 53, 70]
        try JSONSerialization.data(withJSONObject: input).write(to: file)
        let refused = try await Subprocess.run(Subprocess.strokepath, ["recovery", "fit", file.path])
        #expect(refused.status == 1 && refused.errors.contains("y_obs[5] must be an FM-UE score from 0 to 66."), "\(refused.errors)")
    }

    @Test func badInputGetsAnErrorLineAndExitCode1() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-bad-\(UUID().uuidString).jsonl")
        try Data("{\"params\": {\"FM0\": 20}}\nnot json\n".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["recovery", "simulate", input.path, "--format", "bench"])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("{\"error\"") }, "\(result.output)")
        #expect(result.errors.contains("input 1: params.tau_N is missing."), "\(result.errors)")
    }
}
