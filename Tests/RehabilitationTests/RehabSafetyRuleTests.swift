import Clinical
import Foundation
import Rehabilitation
import Testing

/// The rehabilitation findings of the 2026-12 clinical review (R0–R8): the flag vocabulary,
/// the added contraindications and precautions, the notes, the daily-target KPI and the
/// evidence per modality, all as catalogue data.
@Suite struct RehabSafetyRuleTests {
    static func catalogue() throws -> RehabCatalogue { try RehabCatalogueTests.catalogue() }

    /// The catalogue's JSON, changed by `change`, decoded (or the load error).
    static func changed(_ change: (inout [String: Any]) -> Void) throws -> RehabCatalogue {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: RehabFixtures.catalogue)) as? [String: Any])
        change(&object)
        return try RehabCatalogue.decode(try JSONSerialization.data(withJSONObject: object))
    }

    /// The kind of refusal of one session, or nil when it is allowed.
    static func refusal(_ catalogue: RehabCatalogue, _ modality: String, _ flags: [String], day: Int = 400) -> BookingRule? {
        do {
            try catalogue.checkPatient(modality: modality, flags: flags, strokeType: .ischaemic, daysSinceStroke: day, patient: "P1")
            return nil
        } catch {
            return error.bookingRule
        }
    }

    // MARK: R0 — flags are a vocabulary

    @Test(arguments: ["open_wounds", "incontinent", "epilepsy"])
    func R0_aMisspeltFlagRefusesTheBookingInsteadOfPermittingIt(flag: String) throws {
        let catalogue = try Self.catalogue()
        #expect(Self.refusal(catalogue, "HYDRO_GRP", [flag]) == .unknownFlag)
        #expect(Self.refusal(catalogue, "PELO", ["ambulant", flag]) == .unknownFlag)
        #expect(catalogue.firstUnknownFlag(in: ["aphasia", flag])?.index == 1)
        let message = catalogue.unknownFlagMessage(flag)
        #expect(message.hasPrefix(flag) && message.contains("open_wound") && message.contains("uncontrolled_epilepsy"), "names it and lists what is allowed")
    }

    @Test func R0_everyFlagTheRulesTargetsCodeAndBenchInstancesUseIsDeclared() throws {
        let catalogue = try Self.catalogue()
        let declared = Set(catalogue.flagIDs)
        #expect(Set(catalogue.contraindicationRules.map(\.flag)).isSubset(of: declared))
        #expect(Set(catalogue.intensityTargets.compactMap(\.appliesToFlag)).isSubset(of: declared))
        // The planning flags the generator, the demo clinic and the solver's inputs carry.
        #expect(declared.isSuperset(of: ["fatigue", "aphasia", "adl_deficit", "ambulant", "intensive"]))
        for size in ["S", "M"] {
            let used = Set(try RehabFixtures.week(size).patients.flatMap(\.flags))
            #expect(used.isSubset(of: declared), "\(size): \(used.subtracting(declared))")
        }
    }

    @Test func R0_aRuleOrTargetNamingAnUndeclaredFlagIsALoadErrorNamingFileAndField() throws {
        #expect {
            _ = try Self.changed { object in
                var rules = object["contraindication_rules"] as? [[String: Any]] ?? []
                rules[3]["flag"] = "open_wounds"
                object["contraindication_rules"] = rules
            }
        } throws: { error in
            guard let error = error as? RehabWeekError else { return false }
            return error.field == "contraindication_rules[3].flag" && "\(error)".contains("catalogue.json") && error.message.contains("open_wounds")
        }
        #expect {
            _ = try Self.changed { object in
                var targets = object["intensity_targets"] as? [[String: Any]] ?? []
                targets[3]["applies_to_flag"] = "aphasic"
                object["intensity_targets"] = targets
            }
        } throws: { ($0 as? RehabWeekError)?.field == "intensity_targets[3].applies_to_flag" }
        #expect {
            _ = try Self.changed { object in
                var rules = object["contraindication_rules"] as? [[String: Any]] ?? []
                rules[0]["severity"] = "advisory"
                object["contraindication_rules"] = rules
            }
        } throws: { ($0 as? RehabWeekError)?.field == "contraindication_rules[0].severity" }
    }

    // MARK: R1–R3 — the missing contraindications

    @Test func R1_impairedSensationRulesOutHeatWithACitedNote() throws {
        let catalogue = try Self.catalogue()
        #expect(Self.refusal(catalogue, "PELO", ["impaired_sensation"]) == .contraindicated)
        #expect(Self.refusal(catalogue, "BATH", ["impaired_sensation"]) == .contraindicated)
        #expect(Self.refusal(catalogue, "PT", ["impaired_sensation"]) == nil)
        let rule = try #require(catalogue.bindingRules.first { $0.flag == "impaired_sensation" })
        #expect(rule.sources.contains("cameron-2018") && rule.note.contains("burn"))
        let pool = try catalogue.checkPatient(modality: "HYDRO_IND", flags: ["impaired_sensation"], strokeType: .ischaemic, daysSinceStroke: 60, patient: "P1")
        #expect(pool.map(\.flag) == ["impaired_sensation"], "a precaution in the pool, not a refusal")
    }

    @Test func R2_aSkullDefectBeforeCranioplastyRulesOutPoolMudAndBathAsALocalRule() throws {
        let catalogue = try Self.catalogue()
        for modality in ["HYDRO_IND", "HYDRO_GRP", "PELO", "BATH"] {
            #expect(Self.refusal(catalogue, modality, ["skull_defect"]) == .contraindicated, "\(modality)")
        }
        #expect(Self.refusal(catalogue, "OT", ["skull_defect"]) == nil)
        let rule = try #require(catalogue.contraindicationRules.first { $0.flag == "skull_defect" })
        #expect(rule.note.contains("local rule") && rule.note.contains("verify"))
    }

    @Test(arguments: [
        ("unsafe_swallow", "HYDRO_IND"), ("unsafe_swallow", "HYDRO_GRP"), ("respiratory_insufficiency", "HYDRO_GRP"), ("respiratory_insufficiency", "BATH"),
        ("recent_dvt_pe", "HYDRO_IND"), ("recent_dvt_pe", "HYDRO_GRP"), ("symptomatic_hypotension", "HYDRO_GRP"), ("symptomatic_hypotension", "BATH"),
        ("symptomatic_hypotension", "PELO"), ("renal_failure", "HYDRO_GRP"), ("bleeding_risk", "PELO"),
        // The mineral bath has no therapist in the cabin.
        ("unsafe_swallow", "BATH"), ("recent_dvt_pe", "BATH"), ("cognitive_safety_risk", "BATH"),
    ])
    func R3_theMissingPoolAndMudContraindicationsRefuse(flag: String, modality: String) throws {
        let catalogue = try Self.catalogue()
        #expect(Self.refusal(catalogue, modality, [flag]) == .contraindicated)
        #expect(Self.refusal(catalogue, "PT", [flag]) == nil, "land therapy is not touched")
        let rule = try #require(catalogue.bindingRules.first { $0.flag == flag && $0.modalities.contains(modality) })
        #expect(!rule.sources.isEmpty && !rule.note.isEmpty)
    }

    @Test func R3_respiratoryInsufficiencyCarriesTheVitalCapacityAndDiabetesIsAPrecaution() throws {
        let catalogue = try Self.catalogue()
        #expect(catalogue.flags.first { $0.id == "respiratory_insufficiency" }?.meaning.contains("1.5 L") == true)
        #expect(Self.refusal(catalogue, "HYDRO_GRP", ["hypoglycaemia_prone_diabetes"]) == nil)
        let warnings = catalogue.precautions(modality: "HYDRO_GRP", flags: ["hypoglycaemia_prone_diabetes"], patient: "P1")
        #expect(warnings.count == 1 && warnings[0].note.contains("glucose"))
    }

    // MARK: R4 — faecal and urinary incontinence

    @Test func R4_faecalIncontinenceRefusesUrinaryWarnsAndTheOldFlagStillRefuses() throws {
        let catalogue = try Self.catalogue()
        for modality in ["HYDRO_IND", "HYDRO_GRP", "PELO"] {
            #expect(Self.refusal(catalogue, modality, ["faecal_incontinence"]) == .contraindicated)
            #expect(Self.refusal(catalogue, modality, ["incontinence"]) == .contraindicated, "stored records are never loosened")
            #expect(Self.refusal(catalogue, modality, ["urinary_incontinence"]) == nil)
        }
        let warnings = try catalogue.checkPatient(
            modality: "HYDRO_GRP", flags: ["urinary_incontinence", "aphasia"], strokeType: .ischaemic,
            daysSinceStroke: 60, patient: "P1")
        let rule = try #require(catalogue.contraindicationRules.first { $0.flag == "urinary_incontinence" && $0.level == .precaution })
        #expect(rule.note.hasPrefix("relative: decided case by case"))
        #expect(
            warnings == [
                BookingPrecaution(
                    patient: "P1", flag: "urinary_incontinence", modality: "HYDRO_GRP",
                    note: rule.note, sources: ["wales-hydro-2016", "apa-aquatic-2015", "rehab-domain"])
            ])
        // The planner is bound by contraindications only: a precaution is not exported as a rule.
        #expect(!catalogue.bindingRules.contains { $0.flag == "urinary_incontinence" })
        #expect(catalogue.bindingRules.contains { $0.flag == "faecal_incontinence" } && catalogue.bindingRules.contains { $0.flag == "incontinence" })
    }

    // MARK: R5, R6 — notes and citations

    @Test func R5_theNotesSayDaysAreCalendarDatesAndWhereTheHaemorrhagePoolWaitComesFrom() throws {
        let catalogue = try Self.catalogue()
        for id in ["HYDRO_IND", "HYDRO_GRP"] {
            let pool = try catalogue.modality(id)
            #expect(pool.note?.contains("massage") == true && pool.sources.contains("aquatic-bodywork"), "\(id)")
        }
        for id in ["PT", "OT", "SLT"] { #expect(try catalogue.modality(id).note?.contains("calendar date") == true, "\(id)") }
        #expect(try catalogue.modality("SLT").note?.contains("swallow assessment") == true)
        #expect(catalogue.sources.first { $0.id == "aquatic-bodywork" }?.citation.contains("not a clinical guideline") == true)
    }

    @Test func R6_theUKTargetCitesDoseResponseNotTheUSFacilityStudy() throws {
        let target = try #require(try Self.catalogue().intensityTargets.first { $0.id == "uk-3h-day" })
        #expect(target.sources.contains("lohse-2014") && !target.sources.contains("forrest-2019"))
        #expect(!target.kind.contains("Forrest") && target.kind.contains("soft target"))
    }

    // MARK: R7 — the daily-target KPI from the catalogue

    @Test func R7_theDailyTargetKPICountsTheTargetsDisciplinesFromTheCatalogue() throws {
        let catalogue = try Self.catalogue()
        let target = try #require(catalogue.scheduleDailyTarget)
        #expect(target.id == "uk-3h-day" && target.minutesPerDay == 180 && target.modalities == ["PT", "PT_CIRCUIT", "OT", "SLT"])
        let week = try RehabFixtures.week("M")
        let rows = RehabFixtures.scorerRows(try RehabFixtures.baseline("M"))
        let score = ScheduleScorer(week: week, dailyTarget: target).score(rows)
        // score.py's bench KPI counts baths and mud too (6 patient weekdays); PT/OT/SLT alone reach 180 on 3.
        #expect(score.kpi["patient_weekdays_ge_180min"] == 6)
        #expect(score.kpi[ScheduleScorer.DailyTarget.kpiName] == 3)
        #expect(ScheduleScorer(week: week).score(rows).kpi[ScheduleScorer.DailyTarget.kpiName] == nil, "score.py's KPIs alone without a target")
        // The minutes come from the catalogue, not from the code.
        let lower = try Self.changed { object in
            var targets = object["intensity_targets"] as? [[String: Any]] ?? []
            targets[0]["minutes_per_day"] = 60
            object["intensity_targets"] = targets
        }
        let relaxed = ScheduleScorer(week: week, dailyTarget: lower.scheduleDailyTarget).score(rows)
        #expect((relaxed.kpi[ScheduleScorer.DailyTarget.kpiName] ?? 0) > 3)
    }

    // MARK: R8 — evidence per modality

    @Test func R8_everyModalityCarriesItsEvidenceWithSources() throws {
        let catalogue = try Self.catalogue()
        for modality in catalogue.modalities { #expect(!modality.evidence.grade.isEmpty && !modality.evidence.sources.isEmpty, "\(modality.id)") }
        for id in ["HYDRO_IND", "HYDRO_GRP"] {
            let evidence = try catalogue.modality(id).evidence
            #expect(evidence.grade == "low to moderate" && Set(evidence.sources) == ["mehrholz-2011", "veldema-2021"])
        }
        #expect(try catalogue.modality("BATH").evidence.grade == "very low" && catalogue.modality("BATH").evidence.sources.contains("dogaru-2017"))
        #expect(try catalogue.modality("PELO").evidence.grade == "very low" && catalogue.modality("PELO").evidence.sources.contains("munteanu-2021"))
        #expect {
            _ = try Self.changed { object in
                var modalities = object["modalities"] as? [[String: Any]] ?? []
                modalities[4]["evidence"] = ["grade": "low", "text": "x", "sources": ["nowhere"]]
                object["modalities"] = modalities
            }
        } throws: { ($0 as? RehabWeekError)?.field == "modalities[4].evidence.sources" }
    }
}
