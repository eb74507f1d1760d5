import AcuteCare
import Foundation
import Testing

/// One test per acute finding of the December 2026 clinical review
/// (shared/reference/reviews/clinical-review-2026-12.md), named after its id; each failed on
/// d5270db. docs/clinical-safety.md lists the hazard, the cause and the control of each.
@Suite struct ClinicalReviewTests {
    /// The baseline's M1 occlusion at `minutes` to puncture (needle 20 min before), with changes.
    static func lvo(_ minutes: Double, _ changes: [String: Any] = [:]) -> [String: Any] { Support.lvo(puncture: minutes, changes) }

    // MARK: Thrombectomy

    @Test func E1_largeCoreWithinSixHoursNeedsNIHSSSixAndPrestrokeMRSZeroToOne() throws {
        let disabled = try Support.evaluate(Self.lvo(240, ["imaging.aspects": 1, "prestroke_mrs": 4, "nihss": 3, "age": 70]), profile: "aha-2026").evt
        #expect(disabled.recommendation != "reasonable")
        #expect(!disabled.levels["aha-2026", default: ""].hasPrefix("COR 2a"))
        #expect(disabled.basis == "no_statement")
        let trialLike = try Support.evaluate(Self.lvo(240, ["imaging.aspects": 1, "prestroke_mrs": 0, "nihss": 14, "age": 70]), profile: "aha-2026").evt
        #expect(trialLike.recommendation == "reasonable")
        #expect(trialLike.basis == "statement")
    }

    @Test func E2_dominantM2NeedsPrestrokeMRSZeroToOne() throws {
        let m2: [String: Any] = ["imaging.occlusion_site": "M2_dominant", "imaging.aspects": 8, "nihss": 8]
        let dependent = try Support.evaluate(Self.lvo(180, m2.merging(["prestroke_mrs": 3]) { $1 }), profile: "aha-2026").evt
        #expect(!dependent.levels["aha-2026", default: ""].contains("dominant proximal M2"))
        let independent = try Support.evaluate(Self.lvo(180, m2), profile: "aha-2026").evt
        #expect(independent.levels["aha-2026", default: ""].hasPrefix("COR 2a (dominant proximal M2"))
    }

    @Test(arguments: [(4, 14, false), (0, 26, false), (2, 25, true)])
    func E3_tensionNeedsNIHSSBelow26AndPrestrokeMRSUpToTwo(prestrokeMRS: Int, nihss: Int, met: Bool) throws {
        let changes: [String: Any] = ["imaging.aspects": 4, "prestroke_mrs": prestrokeMRS, "nihss": nihss]
        let evt = try Support.evaluate(Self.lvo(480, changes), profile: "aha-2019").evt
        #expect(evt.trialCriteriaMet.contains("TENSION") == met)
    }

    @Test func E4_theDefaultIsAHA2026AndStaleStatementsSaySo() throws {
        #expect(Support.acute.defaultProfile == "aha-2026")
        #expect(Support.acute.profile("aha-2019")?.supersededBy == "aha-2026")
        let distal = try Support.evaluate(Self.lvo(180, ["imaging.occlusion_site": "M3"]), profile: "aha-2019")
        #expect(distal.evt.recommendation == "may_be_considered")
        #expect(distal.evt.warnings.contains { $0.contains("ESCAPE-MeVO") })
        #expect(distal.profileNotices.contains { $0.contains("newer profile exists") })
        let eso = try Support.evaluate(Self.lvo(180, ["imaging.occlusion_site": "M2_nondominant"]), profile: "eso").evt
        #expect(eso.warnings.contains { $0.contains("ESCAPE-MeVO") })
        let largeCore = try Support.evaluate(Self.lvo(240, ["imaging.aspects": 4]), profile: "aha-2019").evt
        #expect(largeCore.warnings.contains { $0.contains("large-core trials") })
        let lowNIHSS = try Support.evaluate(Self.lvo(200, ["nihss": 5, "imaging.aspects": 9]), profile: "aha-2019").evt
        #expect(lowNIHSS.recommendation == "may_be_considered")
        #expect(!lowNIHSS.warnings.contains { $0.contains("large-core trials") })
        let current = try Support.evaluate(Self.lvo(180, ["imaging.occlusion_site": "M3"]))
        #expect(current.profile == "aha-2026")
        #expect(current.evt.recommendation == "not_recommended")
        #expect(!current.profileNotices.contains { $0.contains("newer profile exists") })
        #expect(current.profileNotices.contains { $0.contains("not yet verified against the guideline's primary text") })  // O8
    }

    @Test func E5_noStatementIsNotShownAsAGradedRecommendation() throws {
        // Vector C51: M1, NIHSS 5, ASPECTS 9 at 150 min: the vectors keep `may_be_considered`.
        let evt = try Support.evaluate(Self.lvo(200, ["nihss": 5, "imaging.aspects": 9]), profile: "aha-2026").evt
        #expect(evt.recommendation == "may_be_considered")
        #expect(evt.basis == "no_statement")
        #expect(evt.warnings.contains { $0.contains("not a COR 2b") })
        let graded = try Support.evaluate(Self.lvo(200), profile: "aha-2026").evt
        #expect(graded.basis == "statement")
        #expect(graded.warnings.isEmpty)
        // ESO has no statement for ASPECTS <=5 beyond 6 h; met trial criteria carry the answer.
        let trials = try Support.evaluate(Self.lvo(600, ["imaging.aspects": 4]), profile: "eso").evt
        #expect(trials.recommendation == "may_be_considered")
        #expect(trials.basis == "trial_criteria")
    }

    @Test func E6_esoEarlyWindowKeepsTheTrialPopulation() throws {
        let evt = try Support.evaluate(Self.lvo(120, ["prestroke_mrs": 4, "imaging.aspects": 8]), profile: "eso").evt
        #expect(evt.basis == "no_statement")
        #expect(evt.levels["eso", default: ""].hasPrefix("no ESO-ESMINT statement"))
    }

    @Test func E7_baocheChecksThePonsMidbrainIndex() throws {
        let basilar: [String: Any] = ["imaging.occlusion_site": "basilar", "nihss": 8, "imaging.pc_aspects": 8, "age": 60]
        let high = try Support.evaluate(Self.lvo(600, basilar.merging(["imaging.pons_midbrain_index": 3]) { $1 })).evt
        #expect(!high.trialCriteriaMet.contains("BAOCHE"))
        let unknown = try Support.evaluate(Self.lvo(600, basilar)).evt
        #expect(unknown.trialCriteriaMet.contains("BAOCHE"))
        #expect(unknown.warnings.contains { $0.contains("pons-midbrain index") })
    }

    @Test func E8_basilarStatementsAreForAdults() throws {
        let child = try Support.evaluate(
            Self.lvo(300, ["imaging.occlusion_site": "basilar", "nihss": 12, "imaging.pc_aspects": 8, "age": 16]),
            profile: "aha-2026"
        ).evt
        #expect(!child.levels["aha-2026", default: ""].contains("basilar"))
    }

    /// A trial criterion that cannot be decided does not count as failed: a statement resting on
    /// that trial waits for the value instead of passing to a weaker one (found on a second reading).
    @Test func anUndecidedTrialLeavesTheAnswerAtNeedsDataNamingTheValue() throws {
        let evaluation = try Support.evaluate(Self.lvo(200, ["imaging.aspects": NSNull()]), profile: "aha-2019")
        #expect(evaluation.evt.recommendation == "needs_data")
        #expect(evaluation.missingData.contains { $0.field == "imaging.aspects" && $0.blocking })
        let known = try Support.evaluate(Self.lvo(200), profile: "aha-2019").evt
        #expect(known.recommendation == "recommended")
    }

    @Test func E9_dawnTimingToPunctureIsSaid() throws {
        let evt = try Support.evaluate(Self.lvo(600, ["imaging.core_ml": 20, "imaging.hypoperfusion_tmax6_ml": 80, "age": 70])).evt
        #expect(evt.trialCriteriaMet.contains("DAWN_group_B"))
        #expect(evt.warnings.contains { $0.contains("randomisation") })
    }

    // MARK: Thrombolysis

    static var extend: [String: Any] {
        [
            "times.lkw_to_decision_min": 330, "imaging.modality": "NCCT+CTA+CTP",
            "imaging.core_ml": 10, "imaging.hypoperfusion_tmax6_ml": 50,
        ]
    }
    static var wakeUp: [String: Any] {
        [
            "times.onset_type": "wake_up", "times.lkw_to_decision_min": 600, "times.symptom_recognition_to_decision_min": 120,
            "imaging.modality": "MRI", "imaging.dwi_flair_mismatch": true, "imaging.dwi_lesion_gt_third_mca": false,
        ]
    }

    @Test(arguments: ["aha-2019", "aha-2026", "eso"])
    func A1_extendedPathwaysOfferWhatTheirTrialsUsed(profile: String) throws {
        for changes in [Self.extend, Self.wakeUp] {
            let evaluation = try Support.evaluate(changes, profile: profile)
            #expect(evaluation.ivt.status == "eligible")
            #expect(evaluation.ivt.agentOptions == ["alteplase 0.9 mg/kg (max 90 mg)"])
            #expect(evaluation.ivt.agentRationale?.contains("WAKE-UP and EXTEND tested alteplase") == true)
            #expect(evaluation.doses.tenecteplase?.offered == false)
            #expect(evaluation.doses.alteplase?.offered == true)
        }
        #expect(try Support.evaluate(profile: profile).ivt.agentOptions.count == 2)
    }

    @Test(arguments: ["aha-2019", "aha-2026", "eso"])
    func A2_spinalCordInjuryAndAmyloidImmunotherapyAreAbsolute(profile: String) throws {
        let spinal = try Support.evaluate(["history.spinal_cord_injury_days_ago": 30], profile: profile).ivt
        #expect(spinal.status == "contraindicated")
        #expect(spinal.absoluteContraindications.map(\.code) == ["SPINAL_CORD_INJURY_WITHIN_3MO"])
        let amyloid = try Support.evaluate(["history.amyloid_immunotherapy": true], profile: profile).ivt
        #expect(amyloid.absoluteContraindications.map(\.code) == ["AMYLOID_IMMUNOTHERAPY"])
        #expect(try Support.evaluate(["history.spinal_cord_injury_days_ago": 91], profile: profile).ivt.absoluteContraindications.isEmpty)
        let notAsked = try Support.evaluate(profile: profile).ivt
        #expect(notAsked.warnings.contains { $0.contains("anti-amyloid immunotherapy") })
    }

    @Test(arguments: ["aha-2019", "aha-2026", "eso"])
    func A3_subarachnoidSymptomsAndHeadTraumaAtOnsetAreContraindications(profile: String) throws {
        #expect(try Support.evaluate(["symptoms_suggest_sah": true], profile: profile).ivt.absoluteContraindications.map(\.code) == ["SYMPTOMS_SUGGEST_SAH"])
        let trauma = try Support.evaluate(["head_trauma_at_onset": true], profile: profile).ivt
        // AHA 2026 makes only moderate-severe brain injury absolute (recorded as severe head trauma 0 days ago).
        #expect((profile == "aha-2026" ? trauma.relativeContraindications : trauma.absoluteContraindications).map(\.code) == ["HEAD_TRAUMA_AT_ONSET"])
        let severe = try Support.evaluate(["head_trauma_at_onset": true, "history.severe_head_trauma_days_ago": 0], profile: profile).ivt
        #expect(severe.status == "contraindicated")
        let notAsked = try Support.evaluate(profile: profile).ivt
        #expect(notAsked.warnings.contains { $0.contains("head trauma at onset not asked") })
        #expect(notAsked.warnings.contains { $0.contains("subarachnoid") })
    }

    @Test func A4_dabigatranAfterFortyEightHoursDependsOnRenalFunction() throws {
        let dabigatran: [String: Any] = ["anticoagulant.type": "dabigatran", "anticoagulant.last_dose_hours_ago": 60]
        let impaired = try Support.evaluate(dabigatran.merging(["labs.creatinine_clearance_ml_min": 40]) { $1 }, profile: "aha-2019").ivt
        #expect(impaired.status == "contraindicated")
        #expect(impaired.absoluteContraindications.map(\.code) == ["DOAC_RENAL_IMPAIRMENT"])
        #expect(
            try Support.evaluate(dabigatran.merging(["labs.creatinine_clearance_ml_min": 40]) { $1 }, profile: "aha-2026").ivt.status
                == "eligible_with_caution")
        #expect(try Support.evaluate(dabigatran.merging(["labs.creatinine_clearance_ml_min": 90]) { $1 }, profile: "aha-2019").ivt.status == "eligible")
        let unknown = try Support.evaluate(dabigatran, profile: "aha-2019")
        #expect(unknown.ivt.status == "needs_data")
        #expect(unknown.missingData.contains { $0.field == "labs.creatinine_clearance_ml_min" && $0.blocking })
        #expect(!unknown.missingData.contains { $0.field == "labs.anti_xa_level" })
        let unknown2026 = try Support.evaluate(dabigatran, profile: "aha-2026").ivt
        #expect(unknown2026.status == "eligible")
        #expect(unknown2026.warnings.contains { $0.contains("creatinine clearance not known") })
        // With the anticoagulant not known, that is what is asked; the dabigatran renal rule says nothing.
        let unknownDrug = try Support.evaluate(["anticoagulant.type": NSNull()], profile: "aha-2019")
        #expect(!unknownDrug.ivt.warnings.contains { $0.contains("creatinine clearance") })
        #expect(unknownDrug.missingData.contains { $0.field == "anticoagulant.type" })
        let later = try Support.evaluate(
            dabigatran.merging(["anticoagulant.last_dose_hours_ago": 97, "labs.creatinine_clearance_ml_min": 40]) { $1 },
            profile: "aha-2019")
        #expect(later.ivt.status == "eligible")
    }

    @Test(arguments: [(20.0, "eligible"), (30.0, "contraindicated")])
    func A4_aFactorXaLevelBelowThirtyIsANormalDrugTest(level: Double, status: String) throws {
        let ivt = try Support.evaluate(
            ["anticoagulant.type": "apixaban", "anticoagulant.last_dose_hours_ago": 10, "labs.anti_xa_level": level],
            profile: "aha-2019"
        ).ivt
        #expect(ivt.status == status)
        #expect(ivt.notes.contains { $0.contains("drug-specific test normal") } == (status == "eligible"))
    }

    @Test func A4_aHeparinCalibratedAntiXaIsRefused() throws {
        #expect {
            _ = try Support.presentation(["anticoagulant.type": "apixaban", "anticoagulant.last_dose_hours_ago": 10, "labs.anti_xa_level": 0.4])
        } throws: { error in
            (error as? InputProblems)?.problems.map(\.field) == ["labs.anti_xa_level"]
        }
        _ = try Support.presentation(["labs.anti_xa_level": 0])
    }

    @Test(arguments: [30.0, 35.5, 40.0, 45.3, 49.9])
    func A5_tenecteplaseBelowFiftyKilogramsIsAtMostAQuarterMgPerKg(weight: Double) throws {
        let tenecteplase = try #require(try Support.evaluate(["weight_kg": weight]).doses.tenecteplase)
        #expect(tenecteplase.bandDoseMg <= 0.25 * weight)
        #expect(tenecteplase.bandDoseMg >= 0.25 * (weight.rounded(.down)) - 0.1)
        #expect(tenecteplase.weightBand.contains("1-kg band"))
        #expect(tenecteplase.warnings.contains { $0.contains("below 50 kg") || $0.contains("Weight below 50 kg") })
    }

    @Test func A5_fortyKilogramsGetsTenMilligramsAndFiftyTheLabelBand() throws {
        #expect(try Support.evaluate(["weight_kg": 40.0]).doses.tenecteplase?.bandDoseMg == 10.0)
        let fifty = try #require(try Support.evaluate(["weight_kg": 50.0]).doses.tenecteplase)
        #expect(fifty.bandDoseMg == 15.0)
        #expect(fifty.warnings.isEmpty)
    }

    @Test func A6_wakeUpEnrolmentLimitsAreWarningsNotExclusions() throws {
        let old = try Support.evaluate(Self.wakeUp.merging(["age": 82]) { $1 }).ivt
        #expect(old.pathway == "extended_wake_up_DWI_FLAIR_mismatch (WAKE-UP)")
        #expect(old.status == "eligible")
        #expect(old.warnings.contains { $0.contains("18-80") })
    }

    @Test func A7_majorTraumaAndDuralPunctureAreRelative() throws {
        #expect(try Support.evaluate(["history.major_trauma_days_ago": 5]).ivt.relativeContraindications.map(\.code) == ["MAJOR_TRAUMA"])
        #expect(try Support.evaluate(["history.dural_puncture_days_ago": 3]).ivt.relativeContraindications.map(\.code) == ["DURAL_PUNCTURE_WITHIN_7D"])
    }

    @Test func A8_offLabelNotesFollowTheProfilesJurisdiction() throws {
        let late = ["times.lkw_to_decision_min": 240]
        #expect(try Support.evaluate(late, profile: "aha-2026").ivt.notes.contains { $0.contains("off-label in the US") })
        #expect(try !Support.evaluate(late, profile: "eso").ivt.notes.contains { $0.contains("off-label") })
        let trace = Self.lvo(620, ["evt_accessible": false, "imaging.core_ml": 10, "imaging.hypoperfusion_tmax6_ml": 50, "nihss": 10])
        let eso = try Support.evaluate(trace, profile: "eso").ivt
        #expect(eso.agentOptions == ["tenecteplase 0.25 mg/kg (max 25 mg)"])
        #expect(eso.notes.contains { $0.contains("in the EU") })
    }

    @Test func A9_traceIIINamesThrombectomyAccessWhenItIsNotKnown() throws {
        let evaluation = try Support.evaluate(Self.lvo(620, ["evt_accessible": NSNull(), "imaging.core_ml": 10, "imaging.hypoperfusion_tmax6_ml": 50]))
        #expect(evaluation.ivt.pathway == nil)
        #expect(evaluation.missingData.contains { $0.field == "evt_accessible" && $0.neededBy.contains("TRACE-III") })
        #expect(evaluation.ivt.warnings.contains { $0.contains("TRACE-III") && $0.contains("evt_accessible") })
    }

    @Test func A10_glucoseInMillimolesAloneIsEnoughAndBothMustAgree() throws {
        let low = try Support.evaluate(["glucose_mg_dl": NSNull(), "glucose_mmol_l": 2.5]).ivt
        #expect(low.correctBeforeTreatment.map(\.code) == ["GLUCOSE_LT_50"])
        #expect(try Support.evaluate(["glucose_mg_dl": NSNull(), "glucose_mmol_l": 7.0]).ivt.status == "eligible")
        // 2.75 mmol/L is 49.5 mg/dL: below 50 whatever the rounding of the derived unit.
        #expect(try Support.evaluate(["glucose_mg_dl": NSNull(), "glucose_mmol_l": 2.75]).ivt.correctBeforeTreatment.map(\.code) == ["GLUCOSE_LT_50"])
        #expect {
            _ = try Support.presentation(["glucose_mg_dl": 126, "glucose_mmol_l": 12.0])
        } throws: { error in
            (error as? InputProblems)?.problems.map(\.field) == ["glucose_mmol_l"]
        }
        _ = try Support.presentation(["glucose_mg_dl": 126, "glucose_mmol_l": 7.0])
    }

    @Test func A11_minorNonDisablingPointsToDualAntiplateletsUnderAHA2026() throws {
        let minor: [String: Any] = ["nihss": 2, "deficit_disabling": false]
        let current = try Support.evaluate(minor, profile: "aha-2026").ivt.notIndicatedReasons
        #expect(current.contains { $0.code == "MINOR_NONDISABLING" && $0.text.contains("dual antiplatelet") })
        let older = try Support.evaluate(minor, profile: "aha-2019").ivt.notIndicatedReasons
        #expect(older.contains { $0.code == "MINOR_NONDISABLING" && !$0.text.contains("dual antiplatelet") })
    }

    /// Under AHA 2026 only a moderate-severe brain injury is absolute: with head trauma at onset
    /// and the history not reviewed, its severity is needed before deciding.
    @Test func A3_headTraumaAtOnsetUnderAHA2026NeedsItsSeverityUnlessTheHistoryIsReviewed() throws {
        let unreviewed = try Support.evaluate(["head_trauma_at_onset": true], profile: "aha-2026")
        #expect(unreviewed.ivt.status == "needs_data")
        #expect(unreviewed.missingData.contains { $0.field == "history.severe_head_trauma_days_ago" && $0.blocking })
        let reviewed = try Support.evaluate(["head_trauma_at_onset": true, "history.reviewed": true], profile: "aha-2026").ivt
        #expect(reviewed.status == "eligible_with_caution")
        let notAsked = try Support.evaluate(["history.reviewed": true], profile: "aha-2026").ivt
        #expect(notAsked.warnings.contains { $0.contains("moderate-severe brain injury within 14 days is an absolute contraindication") })
    }

    @Test(arguments: [false, nil] as [Bool?])
    func A17_blankRecentEventsAreNotConfirmedUnlessTheHistoryWasReviewed(reviewed: Bool?) throws {
        let unreviewed = try Support.evaluate(["history.reviewed": reviewed.map { $0 as Any } ?? NSNull()]).ivt
        #expect(unreviewed.warnings.contains { $0.hasPrefix("Recent events not confirmed") && $0.contains("history.ischemic_stroke_days_ago") })
        #expect(unreviewed.status == "eligible")
        let outsideWindow = try Support.evaluate(["history.reviewed": false, "times.lkw_to_decision_min": 600]).ivt
        #expect(outsideWindow.status == "not_indicated")
        #expect(!outsideWindow.warnings.contains { $0.contains("not confirmed") || $0.contains("not asked") })
        let reviewed = try Support.evaluate(["history.reviewed": true]).ivt
        #expect(!reviewed.warnings.contains { $0.contains("not confirmed") })
    }

    // MARK: Expected outcome

    @Test func O1_noEstimatePastTheNoEffectTimeOrForImagingSelectedTreatment() throws {
        let dawn = try Support.evaluate(Self.lvo(600, ["imaging.core_ml": 20, "imaging.hypoperfusion_tmax6_ml": 80, "age": 70]))
        #expect(dawn.evt.recommendation == "recommended")
        #expect(dawn.expectedOutcome.evt == nil)
        #expect(dawn.expectedOutcome.notEstimatedReasons["evt"]?.contains("no-effect time") == true)
        let extend = try Support.evaluate(Self.extend)
        #expect(extend.ivt.pathway == "extended_4.5_9h_perfusion_mismatch (EXTEND)")
        #expect(extend.expectedOutcome.ivt == nil)
        #expect(extend.expectedOutcome.notEstimatedReasons["ivt"]?.contains("imaging") == true)
        let lastEarly = try Support.evaluate(Self.lvo(360))
        #expect(lastEarly.expectedOutcome.evt != nil, "6 h is still the early window")
        for puncture in [361.0, 420.0, 480.0] {
            let late = try Support.evaluate(Self.lvo(puncture, ["imaging.core_ml": 20, "imaging.hypoperfusion_tmax6_ml": 80, "age": 70]))
            #expect(late.evt.possible)
            #expect(late.expectedOutcome.evt == nil, "a late-window puncture at \(puncture) min got an estimate")
            #expect(late.expectedOutcome.notEstimatedReasons["evt"] != nil)
            #expect(late.expectedOutcome.ivtAndEvt == nil)
        }
        let early = try Support.evaluate(Self.lvo(200))
        #expect(early.expectedOutcome.evt != nil)
        #expect(early.expectedOutcome.notEstimatedReasons.isEmpty)
    }

    @Test func O1_O2_transportComparisonKeepsTheSameLimits() throws {
        let routing: [String: Any] = [
            "lkw_to_scene_min": 40, "transfer_drive_min": 50,
            "local": ["drive_min": 15, "door_to_needle_min": 35, "door_in_door_out_min": 80],
            "evt_centre": ["drive_min": 60, "door_to_needle_min": 30, "door_to_puncture_min": 60, "transfer_door_to_puncture_min": 35],
        ]
        #expect(try Support.evaluate(["imaging.occlusion_site": "M1", "routing": routing]).expectedOutcome.routing != nil)
        let basilar = try Support.evaluate(["imaging.occlusion_site": "basilar", "routing": routing]).expectedOutcome
        #expect(basilar.routing == nil && basilar.notEstimatedReasons["routing"] != nil)
        var late = routing
        late["lkw_to_scene_min"] = 300
        let lateWindow = try Support.evaluate(["imaging.occlusion_site": "M1", "routing": late]).expectedOutcome
        #expect(lateWindow.routing == nil && lateWindow.notEstimatedReasons["routing"] != nil)
    }

    @Test func O2_noThrombectomyEstimateOutsideTheAnteriorLargeVesselPopulation() throws {
        let m2 = try Support.evaluate(Self.lvo(200, ["imaging.occlusion_site": "M2_dominant", "imaging.aspects": 8]))
        #expect(m2.evt.possible)
        #expect(m2.expectedOutcome.evt == nil)
        #expect(m2.expectedOutcome.notEstimatedReasons["evt"]?.contains("M2_dominant") == true)
        let basilar = try Support.evaluate(Self.lvo(300, ["imaging.occlusion_site": "basilar", "imaging.pc_aspects": 8]))
        #expect(basilar.expectedOutcome.noTreatment == nil)
        #expect(basilar.expectedOutcome.evt == nil)
        #expect(basilar.expectedOutcome.notEstimatedReasons["no_treatment"]?.contains("posterior") == true)
    }

    @Test func O4_O5_scoreCaveatsAreShown() throws {
        let scores = try Support.evaluate().scores
        #expect(scores["THRIVE"]?.notes.contains { $0.contains("endovascular") } == true)
        #expect(scores["DRAGON"]?.notes.contains { $0.contains("4-7") } == true)
    }
}
