import AcuteCare
import Clinical
import Foundation
import Testing

/// Minor non-disabling stroke and TIA (issue 18, item 2): antiplatelet therapy now — dual
/// within the trials' populations (CHANCE, POINT, THALES, INSPIRES), otherwise single or none —
/// and the ABCD² score (Johnston 2007) with its 2-day risk.
@Suite struct AntiplateletTests {
    /// A minor non-disabling stroke 3 h ago: NIHSS 2, not disabling, no IVT (not indicated).
    static func minor(_ changes: [String: Any] = [:]) throws -> AcuteEvaluation {
        var all: [String: Any] = ["nihss": 2, "deficit_disabling": false, "times.lkw_to_decision_min": 180, "tia": false]
        all.merge(changes) { $1 }
        return try Support.evaluate(all)
    }

    @Test func nihssTwoNonDisablingGetsDualAntiplateletTherapy() throws {
        let evaluation = try Self.minor()
        #expect(evaluation.ivt.treatmentPossible == false, "IVT is not indicated for a minor non-disabling deficit")
        let antiplatelet = evaluation.antiplatelet
        #expect(antiplatelet.recommendation == "dual" && antiplatelet.rule == "dual_chance_point", "\(antiplatelet)")
        #expect(antiplatelet.regimen?.contains("clopidogrel") == true && antiplatelet.regimen?.contains("21 days") == true)
        #expect(antiplatelet.sources.contains("wang2013chance") && antiplatelet.sources.contains("johnston2018point"))
    }

    @Test func atrialFibrillationOnApixabanIsNotDual() throws {
        let evaluation = try Self.minor(["history.atrial_fibrillation": true, "anticoagulant.type": "apixaban", "anticoagulant.last_dose_hours_ago": 30.0])
        #expect(evaluation.antiplatelet.recommendation == "none" && evaluation.antiplatelet.rule == "anticoagulated")
        let unanticoagulated = try Self.minor(["history.atrial_fibrillation": true])
        #expect(unanticoagulated.antiplatelet.recommendation == "single" && unanticoagulated.antiplatelet.rule == "cardioembolic")
    }

    @Test func theTrialsWindowsAndSeverities() throws {
        #expect(try Self.minor(["nihss": 5]).antiplatelet.rule == "dual_thales", "NIHSS 4–5: THALES")
        #expect(try Self.minor(["times.lkw_to_decision_min": 2_000]).antiplatelet.rule == "dual_inspires", "24–72 h: INSPIRES")
        #expect(try Self.minor(["times.lkw_to_decision_min": 5_000]).antiplatelet.recommendation == "single", "after 72 h")
        #expect(try Self.minor(["nihss": 8, "deficit_disabling": true, "times.lkw_to_decision_min": 600]).antiplatelet.recommendation == "single")
    }

    @Test func noAntiplateletBeforeImagingOrWithAHaemorrhageOrWhileIVTIsOnTheTable() throws {
        #expect(try Self.minor(["imaging.hemorrhage": true]).antiplatelet.recommendation == "none")
        let unknown = try Self.minor(["imaging.hemorrhage": NSNull()])
        #expect(unknown.antiplatelet.recommendation == "needs_data" && unknown.antiplatelet.rule == "imaging_needed")
        #expect(unknown.antiplatelet.missingData.contains { $0.field == "imaging.hemorrhage" })
        let eligible = try Support.evaluate()
        #expect(eligible.ivt.treatmentPossible && eligible.antiplatelet.rule == "after_thrombolysis" && eligible.antiplatelet.recommendation == "none")
    }

    /// A stroke whose TIA status is not said is not a TIA: it is not held up for TIA features.
    @Test func anUnsaidTIAStatusDoesNotHoldAStrokeUp() throws {
        #expect(try Self.minor(["tia": NSNull()]).antiplatelet.recommendation == "dual")
        let severe = try Self.minor(["tia": NSNull(), "nihss": 20, "deficit_disabling": true, "times.lkw_to_decision_min": 600])
        #expect(severe.antiplatelet.recommendation == "single", "\(severe.antiplatelet)")
    }

    /// The trials' bleeding exclusions come before dual therapy.
    @Test(arguments: [
        "history.prior_ich=true", "history.gi_bleed_days_ago=10", "labs.platelets_10e9_l=80", "history.infective_endocarditis=true",
        "history.aortic_arch_dissection=true",
    ])
    func bleedingRiskIsNotDual(change: String) throws {
        let parts = change.split(separator: "=").map(String.init)
        let value = try JSONSerialization.jsonObject(with: Data(parts[1].utf8), options: .fragmentsAllowed)
        let evaluation = try Self.minor([parts[0]: value])
        #expect(evaluation.antiplatelet.rule == "bleeding_risk" && evaluation.antiplatelet.recommendation == "none", "\(change): \(evaluation.antiplatelet)")
    }

    /// While IVT waits for data, the antiplatelet plan waits for the IVT decision.
    @Test func anUndecidedIVTHoldsTheAntiplateletPlan() throws {
        let evaluation = try Support.evaluate(["glucose_mg_dl": NSNull()])
        #expect(evaluation.ivt.status == "needs_data" && evaluation.antiplatelet.recommendation == "needs_data", "\(evaluation.antiplatelet)")
    }

    /// ABCD² (Johnston 2007): 65 years, 150/95, unilateral weakness for 70 min, diabetes = 7 →
    /// 8.1 %; 50 years, 130/80, speech alone for 15 min = 2 → 1.0 %.
    @Test func abcd2FromItsPaper() throws {
        let high = try Self.minor([
            "tia": true, "age": 65, "bp.systolic": 150, "bp.diastolic": 95, "tia_features.unilateral_weakness": true,
            "tia_features.duration_min": 70, "history.diabetes": true,
        ])
        let score = try #require(high.scores["ABCD2"])
        #expect(score.total == 7 && score.risk["stroke_risk_2d"] == .text("8.1%"), "\(score)")
        #expect(high.antiplatelet.recommendation == "dual")
        let low = try Self.minor([
            "tia": true, "age": 50, "bp.systolic": 130, "bp.diastolic": 80, "tia_features.unilateral_weakness": false,
            "tia_features.speech_disturbance": true, "tia_features.duration_min": 15, "history.diabetes": false,
        ])
        #expect(low.scores["ABCD2"]?.total == 2 && low.scores["ABCD2"]?.risk["stroke_risk_2d"] == .text("1.0%"))
        #expect(low.antiplatelet.recommendation == "single", "a low-risk TIA is outside the dual trials")
        let moderate = try Self.minor([
            "tia": true, "age": 70, "bp.systolic": 150, "bp.diastolic": 85, "tia_features.unilateral_weakness": false,
            "tia_features.speech_disturbance": true, "tia_features.duration_min": 30, "history.diabetes": false,
        ])
        #expect(moderate.scores["ABCD2"]?.total == 4 && moderate.antiplatelet.rule == "dual_chance_point")
        #expect(try Self.minor().scores["ABCD2"] == nil, "the ABCD² is for a TIA")
        let missing = try Self.minor([
            "tia": true, "age": 50, "bp.systolic": 130, "bp.diastolic": 80, "tia_features.unilateral_weakness": false,
            "tia_features.speech_disturbance": true, "tia_features.duration_min": NSNull(), "history.diabetes": false,
        ])
        #expect(missing.antiplatelet.recommendation == "needs_data")
        #expect(missing.antiplatelet.missingData.map(\.field) == ["tia_features.duration_min"], "\(missing.antiplatelet.missingData)")
        let noDiabetes = try Self.minor([
            "tia": true, "age": 50, "bp.systolic": 130, "bp.diastolic": 80, "tia_features.unilateral_weakness": false,
            "tia_features.speech_disturbance": true, "tia_features.duration_min": 30, "history.diabetes": NSNull(),
        ])
        #expect(noDiabetes.antiplatelet.missingData.map(\.field) == ["history.diabetes"], "\(noDiabetes.antiplatelet.missingData)")
    }
}
