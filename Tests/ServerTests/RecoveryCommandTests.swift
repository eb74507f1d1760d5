import Foundation
import Testing

/// `strokepath recovery simulate` against the reference simulations, checked by the team's
/// check.py (the project's copy), and its refusals.
@Suite struct RecoveryCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/recovery")

    @Test func everyReferenceSimulationIsReproduced() async throws {
        // The reference fits come with the fitting (next increment); the simulations are checked here.
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("cases.json"))
        let all = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let simulations = (all["cases"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == "simulation" }
        #expect(simulations.count == 14)
        let cases = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-simulations-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["cases": simulations]).write(to: cases)
        defer { try? FileManager.default.removeItem(at: cases) }
        let result = try await Subprocess.run(URL(fileURLWithPath: "/usr/bin/env"), [
            "python3", Self.fixtures.appendingPathComponent("check.py").path, "--cases", cases.path, "--", Subprocess.strokepath.path, "recovery",
        ])
        #expect(result.output.hasSuffix("14 passed, 0 failed\n"), "\(result.output)\(result.errors)")
    }

    @Test func badInputGetsAnErrorLineAndExitCode1() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("recovery-bad-\(UUID().uuidString).jsonl")
        try Data("{\"params\": {\"FM0\": 20}}\nnot json\n".utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["recovery", "simulate", input.path, "--format", "bench"])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 2 && lines.allSatisfy { $0.hasPrefix("{\"error\"") }, "\(result.output)")
        #expect(result.errors.contains("input 1: params.tau_N: is missing"), "\(result.errors)")
    }
}
