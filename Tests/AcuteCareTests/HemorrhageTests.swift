import AcuteCare
import Clinical
import Foundation
import Testing

/// Intracerebral haemorrhage (issue 18, item 1): the blood-pressure target, reversal per
/// anticoagulant with doses from the facts given, the ICH score (Hemphill 2001) with its
/// caution, and what else is urgent — with cases from the cited papers and labels.
@Suite struct HemorrhageTests {
    /// The baseline with a haemorrhage on the CT.
    static func ich(_ changes: [String: Any] = [:]) throws -> AcuteEvaluation {
        var all: [String: Any] = ["imaging.hemorrhage": true]
        all.merge(changes) { $1 }
        return try Support.evaluate(all)
    }

    static func agent(_ evaluation: AcuteEvaluation, _ reversal: String, _ agent: String) -> HemorrhageResult.Agent? {
        evaluation.hemorrhage?.reversal.first { $0.id == reversal }?.agents.first { $0.agent == agent }
    }

    @Test func noHaemorrhageNoBlock() throws {
        let evaluation = try Support.evaluate()
        #expect(evaluation.hemorrhage == nil && evaluation.scores["ICH"] == nil, "the ICH score applies to a haemorrhage only")
        #expect(!evaluation.missingData.contains { $0.field == "gcs" }, "an ischaemic stroke is not asked for a GCS")
        #expect(evaluation.bpPlan["intracerebral_hemorrhage"] == nil)
    }

    /// AHA/ASA 2022, INTERACT2/3, ATACH-2: a systolic of 150–220 is lowered to 140 (130–150);
    /// the permissive targets of a stroke without reperfusion are not given.
    @Test(arguments: [(160.0, "lower"), (150.0, "lower"), (220.0, "lower"), (221.0, "lower_with_care"), (149.0, "none")])
    func bloodPressureTarget(systolic: Double, action: String) throws {
        let evaluation = try Self.ich(["bp.systolic": systolic])
        let target = try #require(evaluation.hemorrhage?.bloodPressure)
        #expect(target.action == action && target.targetSystolic == 140 && target.range == [130, 150] && target.avoidBelowSystolic == 130)
        #expect(evaluation.bpPlan.keys.sorted() == ["intracerebral_hemorrhage"], "no permissive no-reperfusion target for a haemorrhage")
    }

    @Test func unknownSystolicIsAskedFor() throws {
        let evaluation = try Self.ich(["bp.systolic": NSNull()])
        #expect(evaluation.hemorrhage?.bloodPressure.action == "measure")
        #expect(evaluation.missingData.contains { $0.field == "bp.systolic" && $0.neededBy == "hemorrhage.blood_pressure" })
    }

    /// Warfarin, INR 2.6, 80 kg: 4F-PCC 25 IU/kg = 2,000 IU (Kcentra label band INR 2–<4) and
    /// vitamin K 10 mg IV.
    @Test func warfarinGivesPCCByINRAndWeightAndVitaminK() throws {
        let evaluation = try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": 2.6, "weight_kg": 80.0])
        let pcc = try #require(Self.agent(evaluation, "vka", "4F-PCC"))
        #expect(pcc.amount == 2_000 && pcc.dose == "2000 IU" && pcc.basis?.contains("25 IU/kg × 80 kg, labs.inr 2.6") == true, "\(pcc)")
        #expect(Self.agent(evaluation, "vka", "vitamin K")?.dose == "10 mg")
        // INR 5 at 120 kg: 35 IU/kg = 4,200, capped at 3,500; INR 7 at 60 kg: 50 IU/kg = 3,000.
        #expect(Self.agent(try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": 5.0, "weight_kg": 120.0]), "vka", "4F-PCC")?.amount == 3_500)
        #expect(Self.agent(try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": 7.0, "weight_kg": 60.0]), "vka", "4F-PCC")?.amount == 3_000)
        // The label's bands: 2–<4, 4–6, >6.
        for (inr, dose) in [(3.99, 2_000.0), (4.0, 2_800.0), (6.0, 2_800.0), (6.1, 4_000.0)] {
            #expect(
                Self.agent(try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": inr, "weight_kg": 80.0]), "vka", "4F-PCC")?.amount == dose, "INR \(inr)")
        }
        let low = try #require(Self.agent(try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": 1.6]), "vka", "4F-PCC"))
        #expect(low.amount == nil && low.basis?.hasPrefix("INR below 2.0") == true, "\(low)")
    }

    @Test func warfarinWithoutWeightOrINRNamesThem() throws {
        let evaluation = try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": NSNull(), "weight_kg": NSNull()])
        let pcc = try #require(Self.agent(evaluation, "vka", "4F-PCC"))
        #expect(pcc.amount == nil && pcc.dose == nil)
        #expect(evaluation.missingData.contains { $0.field == "labs.inr" && $0.neededBy == "hemorrhage.reversal.vka" && !$0.blocking })
        #expect(evaluation.missingData.contains { $0.field == "weight_kg" && $0.neededBy == "hemorrhage.reversal.vka" }, "both named at once")
        let weightless = try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": 3.0, "weight_kg": NSNull()])
        #expect(weightless.missingData.contains { $0.field == "weight_kg" && $0.neededBy == "hemorrhage.reversal.vka" })
    }

    /// Dabigatran taken 6 h ago: idarucizumab 5 g (RE-VERSE AD).
    @Test func dabigatranGivesIdarucizumab() throws {
        let evaluation = try Self.ich(["anticoagulant.type": "dabigatran", "anticoagulant.last_dose_hours_ago": 6.0])
        #expect(Self.agent(evaluation, "dabigatran", "idarucizumab")?.dose == "5 g")
        #expect(evaluation.hemorrhage?.reversal.map(\.id) == ["dabigatran"])
    }

    /// Apixaban: andexanet alfa (by dose and time, in words) or 4F-PCC 50 IU/kg.
    @Test func apixabanGivesAndexanetOrPCC() throws {
        let evaluation = try Self.ich(["anticoagulant.type": "apixaban", "anticoagulant.last_dose_hours_ago": 4.0, "weight_kg": 70.0])
        let andexanet = try #require(Self.agent(evaluation, "xa_inhibitor", "andexanet alfa"))
        #expect(andexanet.dose == nil && andexanet.text.contains("low dose") && andexanet.text.contains("high dose"))
        #expect(Self.agent(evaluation, "xa_inhibitor", "4F-PCC")?.amount == 3_500)
    }

    @Test func heparinsGiveProtamine() throws {
        let ufh = try Self.ich(["anticoagulant.type": "ufh", "anticoagulant.heparin_units_last_3h": 3_000.0])
        #expect(Self.agent(ufh, "ufh", "protamine")?.amount == 30, "1 mg per 100 units")
        #expect(Self.agent(try Self.ich(["anticoagulant.type": "ufh", "anticoagulant.heparin_units_last_3h": 9_000.0]), "ufh", "protamine")?.amount == 50)
        let lmwh = try Self.ich([
            "anticoagulant.type": "enoxaparin_treatment", "anticoagulant.enoxaparin_last_dose_mg": 80.0, "anticoagulant.last_dose_hours_ago": 10.0,
        ])
        let protamine = try #require(Self.agent(lmwh, "lmwh", "protamine"))
        #expect(protamine.amount == 40 && protamine.text.contains("partial"), "0.5 mg per mg 8–12 h after: \(protamine)")
        func enoxaparin(_ hours: Double) throws -> HemorrhageResult.Agent? {
            Self.agent(
                try Self.ich([
                    "anticoagulant.type": "enoxaparin_treatment", "anticoagulant.enoxaparin_last_dose_mg": 80.0, "anticoagulant.last_dose_hours_ago": hours,
                ]), "lmwh", "protamine")
        }
        #expect(try enoxaparin(7.9)?.amount == 50 && enoxaparin(8)?.amount == 40, "1 mg/mg to 8 h (capped at 50), 0.5 mg/mg from 8 h")
        #expect(try enoxaparin(12)?.amount == nil && enoxaparin(12)?.basis?.contains("12 h or more") == true)
    }

    @Test func antiplateletsGetNoPlateletTransfusion() throws {
        let evaluation = try Self.ich(["history.antiplatelet": true])
        let entry = try #require(evaluation.hemorrhage?.reversal.first { $0.id == "antiplatelet" })
        #expect(entry.notes.contains { $0.contains("No platelet transfusion") } && entry.sources.contains("baharoglu2016"))
        let none = try Self.ich(["history.antiplatelet": false, "anticoagulant.type": "none"])
        #expect(none.hemorrhage?.reversal.isEmpty == true && none.hemorrhage?.reversalNote == "no anticoagulant or antiplatelet taken")
    }

    /// Hazard H3: an anticoagulant not known is asked for, and the answer says so.
    @Test func anUnknownAnticoagulantIsAskedFor() throws {
        let evaluation = try Self.ich(["anticoagulant.type": NSNull()])
        #expect(evaluation.missingData.contains { $0.field == "anticoagulant.type" && $0.neededBy == "hemorrhage.reversal" })
        #expect(evaluation.hemorrhage?.reversalNote?.contains("ask") == true)
    }

    /// Hand-computed ICH scores (Hemphill 2001): GCS 3–4 = 2, 5–12 = 1; volume ≥ 30 mL;
    /// intraventricular; infratentorial; age ≥ 80; with the published 30-day mortality.
    @Test(arguments: [
        (15, 10.0, false, false, 60, 0, "0%"), (12, 10.0, false, false, 60, 1, "13%"), (14, 30.0, true, false, 70, 2, "26%"),
        (4, 20.0, true, false, 50, 3, "72%"), (8, 45.0, true, true, 65, 4, "97%"), (5, 30.0, true, true, 79, 4, "97%"), (13, 29.9, false, false, 80, 1, "13%"),
        (3, 60.0, true, true, 85, 6, "100% (no patient scored 6 in the derivation cohort)"),
        (4, 30.0, true, true, 60, 5, "100% (no patient scored 6 in the derivation cohort)"),
    ])
    func ichScore(gcs: Int, volume: Double, ventricles: Bool, infratentorial: Bool, age: Int, total: Int, mortality: String) throws {
        let evaluation = try Self.ich([
            "gcs": gcs, "imaging.ich_volume_ml": volume, "imaging.intraventricular_hemorrhage": ventricles, "imaging.infratentorial": infratentorial,
            "age": age,
        ])
        let score = try #require(evaluation.hemorrhage?.ichScore)
        #expect(score.total == total && score.risk["mortality_30d"] == .text(mortality), "\(score)")
        #expect(evaluation.hemorrhage?.ichScoreCaution.contains("must not be used alone to limit care") == true)
    }

    /// ABC/2 (Kothari 1996) when the volume is not measured: 5 × 4 × 3 cm / 2 = 30 mL.
    @Test func abcOverTwoGivesTheVolume() throws {
        let evaluation = try Self.ich([
            "gcs": 15, "imaging.ich_diameter_a_cm": 5.0, "imaging.ich_diameter_b_cm": 4.0, "imaging.ich_diameter_c_cm": 3.0,
            "imaging.intraventricular_hemorrhage": false, "imaging.infratentorial": false,
        ])
        #expect(evaluation.hemorrhage?.ichScore?.points["volume_ge_30_ml"] == 1)
        let missing = try Self.ich(["gcs": NSNull()])
        #expect(missing.hemorrhage?.ichScore?.total == nil && missing.missingData.contains { $0.field == "gcs" && $0.neededBy == "ICH" })
    }

    /// AHA/ASA 2022: a cerebellar haemorrhage over 3 cm, of 15 mL or more, with brainstem
    /// compression or hydrocephalus goes to evacuation (drainage alone is harmful); other
    /// hydrocephalus to ventricular drainage.
    @Test func urgentTriggersReachTheAnswer() throws {
        func ids(_ changes: [String: Any]) throws -> [String] { try Self.ich(changes).hemorrhage?.urgent.map(\.id) ?? [] }
        let large = try ids(["imaging.cerebellar": true, "imaging.cerebellar_hematoma_diameter_cm": 3.5])
        #expect(large.contains("neurosurgery_cerebellar") && large.contains("vte") && large.contains("glucose"))
        let blocked = try ids(["imaging.cerebellar": true, "imaging.cerebellar_hematoma_diameter_cm": 2.5, "imaging.hydrocephalus": true])
        #expect(blocked.contains("neurosurgery_cerebellar") && !blocked.contains("neurosurgery_hydrocephalus"), "evacuation, not drainage alone")
        #expect(try ids(["imaging.cerebellar": true, "imaging.ich_volume_ml": 16.0]).contains("neurosurgery_cerebellar"))
        #expect(
            try !ids(["imaging.cerebellar": true, "imaging.cerebellar_hematoma_diameter_cm": 2.0, "imaging.hydrocephalus": false, "imaging.ich_volume_ml": 5.0])
                .contains("neurosurgery_cerebellar"))
        #expect(try ids(["imaging.cerebellar": false, "imaging.hydrocephalus": true]).contains("neurosurgery_hydrocephalus"))
        #expect(try ids(["symptoms_suggest_sah": true]).contains("not_spontaneous"))
    }

    /// GCS 2 or 16, a negative volume, an unknown anticoagulant: refused, naming the field
    /// (each case is `field=JSON value`).
    @Test(arguments: ["gcs=2", "gcs=16", "imaging.ich_volume_ml=-1", "anticoagulant.type=\"heparin-ish\"", "imaging.infratentorial=\"yes\""])
    func badInputIsRefused(change: String) throws {
        let parts = change.split(separator: "=", maxSplits: 1).map(String.init)
        let value = try JSONSerialization.jsonObject(with: Data(parts[1].utf8), options: .fragmentsAllowed)
        #expect {
            _ = try Self.ich([parts[0]: value])
        } throws: { error in
            (error as? InputProblems)?.problems.contains { $0.field == parts[0] } == true
        }
    }

    @Test func theAnswerCarriesTheBlock() throws {
        let evaluation = try Self.ich(["anticoagulant.type": "warfarin", "labs.inr": 2.6, "weight_kg": 80.0, "gcs": 14, "imaging.ich_volume_ml": 12.0])
        var writer = JSONWriter()
        evaluation.write(to: &writer)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        let block = try #require(json["hemorrhage"] as? [String: Any])
        #expect((block["bp_target"] as? [String: Any])?["target_systolic"] as? Double == 140)
        #expect(((block["reversal"] as? [[String: Any]])?.first?["agents"] as? [[String: Any]])?.first?["amount"] as? Double == 2_000)
        #expect(block["ich_score"] is [String: Any] && block["ich_score_caution"] is String)
        let plain = try Support.evaluate()
        var other = JSONWriter()
        plain.write(to: &other)
        #expect((try JSONSerialization.jsonObject(with: Data(other.bytes)) as? [String: Any])?["hemorrhage"] is NSNull)
    }
}
