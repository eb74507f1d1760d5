import AcuteCare
import Foundation
import Testing

/// Every boundary of reference/acute.md section 0, from both sides.
@Suite struct BoundaryTests {
    @Test(arguments: [(270.0, "standard_3_4.5h"), (271.0, nil)])
    func ivtWindowIncludesFourAndAHalfHours(needle: Double, pathway: String?) throws {
        let ivt = try Support.evaluate(["times.lkw_to_decision_min": needle]).ivt
        #expect(ivt.pathway == pathway)
        #expect(ivt.status == (pathway == nil ? "not_indicated" : "eligible"))
    }

    @Test(arguments: [(180.0, "standard_0_3h"), (181.0, "standard_3_4.5h")])
    func threeHourLineIsInTheFirstWindow(needle: Double, pathway: String) throws {
        #expect(try Support.evaluate(["times.lkw_to_decision_min": needle]).ivt.pathway == pathway)
    }

    @Test(arguments: [(360.0, true), (361.0, false)])
    func earlyThrombectomyWindowIncludesSixHours(puncture: Double, met: Bool) throws {
        let evt = try Support.evaluate(Support.lvo(puncture: puncture)).evt
        #expect(evt.trialCriteriaMet.contains("AHA2019_early_0_6h") == met)
    }

    @Test(arguments: [(960.0, true), (961.0, false)])
    func defuse3WindowIncludesSixteenHours(puncture: Double, met: Bool) throws {
        let evt = try Support.evaluate(Support.lvo(puncture: puncture, ["imaging.core_ml": 20, "imaging.hypoperfusion_tmax6_ml": 80])).evt
        #expect(evt.trialCriteriaMet.contains("DEFUSE3") == met)
    }

    @Test(arguments: [(1440.0, true), (1441.0, false)])
    func dawnWindowIncludesTwentyFourHours(puncture: Double, met: Bool) throws {
        let evt = try Support.evaluate(Support.lvo(puncture: puncture, ["imaging.core_ml": 20, "imaging.hypoperfusion_tmax6_ml": 80, "age": 70])).evt
        #expect(evt.trialCriteriaMet.contains("DAWN_group_B") == met)
    }

    @Test(arguments: [(185.0, 90.0, "eligible"), (186.0, 90.0, "conditional"), (160.0, 110.0, "eligible"), (160.0, 111.0, "conditional")])
    func bloodPressureLineIsNotAnExclusionButWarns(systolic: Double, diastolic: Double, status: String) throws {
        let ivt = try Support.evaluate(["bp.systolic": systolic, "bp.diastolic": diastolic]).ivt
        #expect(ivt.status == status)
        if status == "eligible" { #expect(ivt.warnings.contains { $0.hasPrefix("BP exactly at threshold") }) }
    }

    @Test(arguments: [(1.7, "eligible"), (1.71, "contraindicated")])
    func inrOfOnePointSevenIsAllowed(inr: Double, status: String) throws {
        #expect(try Support.evaluate(["labs.inr": inr]).ivt.status == status)
    }

    @Test(arguments: [(100.0, "eligible"), (99.0, "contraindicated")])
    func plateletsOfOneHundredAreAllowed(platelets: Double, status: String) throws {
        #expect(try Support.evaluate(["labs.platelets_10e9_l": platelets]).ivt.status == status)
    }

    @Test(arguments: [(50.0, "eligible"), (49.0, "conditional")])
    func glucoseOfFiftyIsAllowed(glucose: Double, status: String) throws {
        #expect(try Support.evaluate(["glucose_mg_dl": glucose]).ivt.status == status)
    }

    @Test(arguments: [(48.0, "contraindicated"), (48.5, "eligible")])
    func doacLastDoseFortyEightHoursAgoIsNotEnough(hours: Double, status: String) throws {
        let ivt = try Support.evaluate(["anticoagulant.type": "apixaban", "anticoagulant.last_dose_hours_ago": hours], profile: "aha-2019").ivt
        #expect(ivt.status == status)
    }

    @Test func doacWithinFortyEightHoursIsRelativeUnderAHA2026() throws {
        let ivt = try Support.evaluate(["anticoagulant.type": "apixaban", "anticoagulant.last_dose_hours_ago": 10], profile: "aha-2026").ivt
        #expect(ivt.status == "eligible_with_caution")
        #expect(ivt.relativeContraindications.map(\.code) == ["DOAC_WITHIN_48H"])
    }

    @Test(arguments: [(24.0, "contraindicated"), (24.5, "eligible")])
    func lmwhTwentyFourHoursAgoCountsAsWithin(hours: Double, status: String) throws {
        let ivt = try Support.evaluate(["anticoagulant.type": "enoxaparin_treatment", "anticoagulant.last_dose_hours_ago": hours]).ivt
        #expect(ivt.status == status)
    }

    @Test(arguments: [(80.0, "DAWN_group_A"), (79.0, "DAWN_group_B")])
    func ageEightyIsDawnGroupA(age: Double, group: String) throws {
        let evt = try Support.evaluate(Support.lvo(puncture: 600, ["age": age, "nihss": 10, "imaging.core_ml": 20, "imaging.hypoperfusion_tmax6_ml": 60])).evt
        #expect(evt.trialCriteriaMet.contains(group))
    }

    @Test(arguments: [(70.0, false), (69.9, true)])
    func extendCoreMustBeBelowSeventy(core: Double, eligible: Bool) throws {
        let ivt = try Support.evaluate([
            "times.lkw_to_decision_min": 360, "nihss": 14, "imaging.modality": "NCCT+CTA+CTP",
            "imaging.core_ml": core, "imaging.hypoperfusion_tmax6_ml": 150,
        ]).ivt
        #expect((ivt.pathway == "extended_4.5_9h_perfusion_mismatch (EXTEND)") == eligible)
    }
}
