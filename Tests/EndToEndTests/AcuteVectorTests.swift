import Foundation
import PostgresTestSupport
import Testing

/// The acceptance checks of issue 4, run on the project's copies of the vectors: the shared
/// checkers drive `strokepath acute evaluate|outcome` as a clinician's tool would be driven.
@Suite struct AcuteVectorTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/acute")

    static func check(_ script: String, _ options: [String], command: [String]) async throws -> Subprocess.Result {
        try await Subprocess.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["python3", fixtures.appendingPathComponent(script).path] + options + ["--", Subprocess.strokepath.path] + command
        )
    }

    @Test func everyCasePassesUnderAHA2019() async throws {
        let result = try await Self.check(
            "check.py", ["--cases", Self.fixtures.appendingPathComponent("cases.json").path],
            command: ["acute", "evaluate", "--profile", "aha-2019", "--format", "bench"])
        #expect(result.output.hasSuffix("49 passed, 0 failed\n"), "\(result.output)\(result.errors)")
        #expect(result.status == 0)
    }

    @Test func everyThrombectomyAnswerPassesUnderAHA2026() async throws {
        let result = try await Self.check(
            "check.py", ["--cases", Self.fixtures.appendingPathComponent("cases.json").path, "--evt-profile", "aha-2026"],
            command: ["acute", "evaluate", "--profile", "aha-2026", "--format", "bench"]
        )
        #expect(result.output.hasSuffix("49 passed, 0 failed\n"), "\(result.output)\(result.errors)")
    }

    @Test func outcomeModelMatchesThePublishedPackage() async throws {
        let result = try await Self.check(
            "outcome_check.py", ["--cases", Self.fixtures.appendingPathComponent("outcome_cases.json").path],
            command: ["acute", "outcome", "--format", "bench"])
        #expect(result.output.hasSuffix("12 passed, 0 failed\n"), "\(result.output)\(result.errors)")
    }

    @Test func badInputNamesEveryBadFieldAndFails() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("acute-\(UUID().uuidString).json")
        try Data(#"{"age": 70, "times": {"onset_type": "witnessed", "lkw_to_decision_min": -5}, "nihss": 43, "labs": {"inr": "abc"}}"#.utf8).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["acute", "evaluate", input.path])
        #expect(result.status != 0)
        for field in ["times.lkw_to_decision_min", "nihss", "labs.inr"] {
            #expect(result.errors.contains(field), "\(result.errors)")
        }
        #expect(result.output.isEmpty)
    }

    /// Clinical review A4, A10: the new laboratory fields and glucose in both units are read and checked.
    @Test func A4_A10_badValuesOfTheNewFieldsFailNamingEachField() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("acute-\(UUID().uuidString).json")
        try Data(
            #"""
            {"age": 70, "times": {"onset_type": "witnessed", "lkw_to_decision_min": 90},
             "labs": {"creatinine_clearance_ml_min": "abc", "anti_xa_level": -1}, "glucose_mg_dl": 126, "glucose_mmol_l": 9.0}
            """#.utf8
        ).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["acute", "evaluate", input.path])
        #expect(result.status == 1)
        for field in ["labs.creatinine_clearance_ml_min", "labs.anti_xa_level", "glucose_mmol_l"] {
            #expect(result.errors.contains(field), "\(result.errors)")
        }
        #expect(result.output.isEmpty)
    }

    /// Issue 18: a GCS of 2, a negative haematoma volume and an unknown anticoagulant fail,
    /// naming each field; a haemorrhage on warfarin reads first in the text report with its doses.
    @Test func haemorrhageFieldsAreCheckedAndTheBlockReadsFirst() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("acute-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: input) }
        try Data(
            #"""
            {"age": 70, "times": {"onset_type": "witnessed", "lkw_to_decision_min": 90}, "gcs": 2,
             "imaging": {"hemorrhage": true, "ich_volume_ml": -3}, "anticoagulant": {"type": "heparinoid"}}
            """#.utf8
        ).write(to: input)
        let bad = try await Subprocess.run(Subprocess.strokepath, ["acute", "evaluate", input.path])
        #expect(bad.status == 1 && bad.output.isEmpty)
        for field in ["gcs", "imaging.ich_volume_ml", "anticoagulant.type"] { #expect(bad.errors.contains(field), "\(bad.errors)") }
        try Data(
            #"""
            {"age": 70, "weight_kg": 80, "times": {"onset_type": "witnessed", "lkw_to_decision_min": 90}, "gcs": 14, "bp": {"systolic": 185},
             "labs": {"inr": 2.6}, "imaging": {"hemorrhage": true, "ich_volume_ml": 12}, "anticoagulant": {"type": "warfarin"}}
            """#.utf8
        ).write(to: input)
        let text = try await Subprocess.run(Subprocess.strokepath, ["acute", "evaluate", "--format", "text", input.path])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.split(separator: "\n").first { !$0.hasPrefix("Profile:") } == "INTRACEREBRAL HAEMORRHAGE:", "\(text.output)")
        #expect(text.output.contains("4F-PCC 2000 IU") && text.output.contains("vitamin K 10 mg") && text.output.contains("target of 140 mmHg"))
    }

    @Test func textFormatReadsLikeABedsideSummary() async throws {
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("acute-\(UUID().uuidString).json")
        let cases = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent("cases.json"))) as? [String: Any]
        let first = try #require((cases?["cases"] as? [[String: Any]])?.first?["presentation"])
        try JSONSerialization.data(withJSONObject: first).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let result = try await Subprocess.run(Subprocess.strokepath, ["acute", "evaluate", "--format", "text", input.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.output.contains("IVT: ELIGIBLE — pathway standard_0_3h"))
        #expect(result.output.contains("Tenecteplase 22.5 mg"))
        #expect(result.output.contains("Alteplase 72 mg"))
        #expect(result.output.contains("If IVT is given:") && result.output.contains("Antiplatelet: NONE"))
    }
}
