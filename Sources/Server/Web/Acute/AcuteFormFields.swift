import Foundation

/// The acute form's fields, grouped as a stroke team fills them in, and how each becomes a
/// member of the presentation (the vectors' vocabulary). Yes/no questions start as "not
/// known", so nothing is assumed: the answer names what it still needs. Every word shown is
/// a catalogue entry (`acute_field_…`, `acute_option_…`, `acute_unit_…`, `acute_group_…`;
/// each Swedish one a clinical translation, docs/clinical-safety.md T7); the values sent are codes.
enum AcuteFormFields {
    enum Kind {
        /// A number; the unit (its catalogue key's ending) shown beside it.
        case number(unit: String, step: String)
        /// One of several values (each one's label `acute_option_` and the value); "" is "not known".
        case choice([String])
        /// Yes, no, or not known.
        case yesNo
        /// A date and clock time, read on the server in the hospitals' zone (`ClockTimeEntry`);
        /// it fills the minutes-ago field named.
        case clock(minutesField: String)
    }

    struct Field {
        var name: String
        var kind: Kind
        var defaultValue: String = ""
        /// The catalogue key of a hint beside the label, if any.
        var hint: String?

        init(_ name: String, _ kind: Kind, defaultValue: String = "", hint: String? = nil) {
            self.name = name
            self.kind = kind
            self.defaultValue = defaultValue
            self.hint = hint
        }
    }

    struct Group {
        /// The catalogue key of its title.
        var title: String
        var fields: [Field]
    }

    static let occlusionSites = ["", "none", "ICA", "M1", "M2_dominant", "M2_nondominant", "M3", "ACA", "PCA", "P1", "P2", "basilar", "vertebral"]
    static let anticoagulants = [
        "", "none", "warfarin", "apixaban", "rivaroxaban", "edoxaban", "dabigatran", "enoxaparin_treatment", "enoxaparin_prophylaxis", "ufh",
    ]

    /// Minutes-ago inputs become times from last known well: see `AcuteFormReader`.
    static let groups: [Group] = [
        Group(
            title: "acute_group_clock",
            fields: [
                Field("lkw_at", .clock(minutesField: "lkw_minutes_ago"), hint: "acute_hint_lkw"),
                Field("lkw_minutes_ago", .number(unit: "min_ago", step: "1")),
                Field("times.onset_type", .choice(["", "witnessed", "wake_up"])),
                Field("arrival_at", .clock(minutesField: "arrival_minutes_ago")),
                Field("arrival_minutes_ago", .number(unit: "min_ago", step: "1")),
                Field("needle_in", .number(unit: "min", step: "1"), defaultValue: "15", hint: "acute_hint_required"),
                Field("puncture_in", .number(unit: "min", step: "1"), defaultValue: "60", hint: "acute_hint_required"),
                Field("recognition_minutes_ago", .number(unit: "min_ago", step: "1")),
                Field("sleep_midpoint_minutes_ago", .number(unit: "min_ago", step: "1")),
            ]),
        Group(
            title: "acute_group_patient",
            fields: [
                Field("age", .number(unit: "years", step: "1"), hint: "acute_hint_required"),
                Field("sex", .choice(["", "F", "M"])),
                Field("weight_kg", .number(unit: "kg", step: "0.1")),
                Field("weight_measured", .yesNo),
                Field("prestroke_mrs", .number(unit: "range_0_5", step: "1")),
                Field("nihss", .number(unit: "range_0_42", step: "1")),
                Field("deficit_disabling", .yesNo),
                Field("decreased_consciousness", .yesNo),
                Field("visual_field_defect", .yesNo),
                Field("tia", .yesNo),
                Field("tia_features.unilateral_weakness", .yesNo),
                Field("tia_features.speech_disturbance", .yesNo),
                Field("tia_features.duration_min", .number(unit: "min", step: "1")),
            ]),
        Group(
            title: "acute_group_vitals",
            fields: [
                Field("bp.systolic", .number(unit: "mmhg", step: "1")),
                Field("bp.diastolic", .number(unit: "mmhg", step: "1")),
                Field("bp.lowerable", .yesNo),
                Field("glucose_mmol_l", .number(unit: "mmol_l", step: "0.1")),
                Field("glucose_mg_dl", .number(unit: "mg_dl", step: "1")),
                Field("labs.platelets_10e9_l", .number(unit: "e9_l", step: "1")),
                Field("labs.inr", .number(unit: "", step: "0.01")),
                Field("labs.aptt_s", .number(unit: "s", step: "0.1")),
                Field("labs.pt_s", .number(unit: "s", step: "0.1")),
                Field("anticoagulant.type", .choice(anticoagulants)),
                Field("anticoagulant.last_dose_hours_ago", .number(unit: "h_ago", step: "0.5")),
                Field("labs.creatinine_clearance_ml_min", .number(unit: "ml_min", step: "1")),
                Field("labs.anti_xa_level", .number(unit: "ng_ml", step: "1")),
                Field("labs.dilute_thrombin_time_s", .number(unit: "s", step: "0.1")),
            ]),
        Group(
            title: "acute_group_imaging",
            fields: [
                Field("imaging.modality", .choice(["", "NCCT", "NCCT+CTA", "NCCT+CTA+CTP", "MRI"])),
                Field("imaging.hemorrhage", .yesNo),
                Field("imaging.hypodensity_extent", .choice(["", "none", "lt_third", "gt_third"])),
                Field("imaging.early_infarct_signs", .yesNo),
                Field("imaging.hyperdense_artery_sign", .yesNo),
                Field("imaging.occlusion_site", .choice(occlusionSites)),
                Field("imaging.aspects", .number(unit: "range_0_10", step: "1")),
                Field("imaging.pc_aspects", .number(unit: "range_0_10", step: "1")),
                Field("imaging.pons_midbrain_index", .number(unit: "range_0_8", step: "1")),
                Field("imaging.core_ml", .number(unit: "ml", step: "0.1")),
                Field("imaging.hypoperfusion_tmax6_ml", .number(unit: "ml", step: "0.1")),
                Field("imaging.dwi_flair_mismatch", .yesNo),
                Field("imaging.significant_mass_effect", .yesNo),
            ]),
        Group(
            title: "acute_group_hemorrhage",
            fields: [
                Field("gcs", .number(unit: "range_3_15", step: "1")),
                Field("imaging.ich_volume_ml", .number(unit: "ml", step: "0.1")),
                Field("imaging.ich_diameter_a_cm", .number(unit: "cm", step: "0.1")),
                Field("imaging.ich_diameter_b_cm", .number(unit: "cm", step: "0.1")),
                Field("imaging.ich_diameter_c_cm", .number(unit: "cm", step: "0.1")),
                Field("imaging.intraventricular_hemorrhage", .yesNo),
                Field("imaging.infratentorial", .yesNo),
                Field("imaging.cerebellar", .yesNo),
                Field("imaging.cerebellar_hematoma_diameter_cm", .number(unit: "cm", step: "0.1")),
                Field("imaging.brainstem_compression", .yesNo),
                Field("imaging.hydrocephalus", .yesNo),
                Field("anticoagulant.heparin_units_last_3h", .number(unit: "units", step: "100")),
                Field("anticoagulant.enoxaparin_last_dose_mg", .number(unit: "mg", step: "1")),
            ]),
        Group(
            title: "acute_group_setting",
            fields: [
                Field("facility", .choice(["", "EVT_capable", "non_EVT"])),
                Field("evt_accessible", .yesNo),
                Field("planned_evt", .yesNo),
            ]),
    ]

    /// History items: ticked = present; with "history reviewed" ticked, an unticked item is
    /// absent, otherwise it stays unknown.
    static let historyFlags = [
        "history.diabetes", "history.hypertension", "history.atrial_fibrillation", "history.prior_stroke_any", "history.prior_ich",
        "history.seizure_at_onset", "history.pregnant", "history.antiplatelet", "history.infective_endocarditis", "history.aortic_arch_dissection",
        "history.gi_malignancy", "history.intra_axial_neoplasm", "history.amyloid_immunotherapy", "symptoms_suggest_sah", "symptoms.migraine_aura",
        "symptoms.functional_signs", "head_trauma_at_onset",
    ]

    /// Recent events, in days ago: blank = none only when the history is marked reviewed,
    /// otherwise the answer names them as not confirmed.
    static let recentEvents = [
        "history.ischemic_stroke_days_ago", "history.severe_head_trauma_days_ago", "history.intracranial_or_spinal_surgery_days_ago",
        "history.major_surgery_days_ago", "history.gi_bleed_days_ago", "history.arterial_puncture_noncompressible_days_ago", "history.mi_days_ago",
        "history.spinal_cord_injury_days_ago", "history.major_trauma_days_ago", "history.dural_puncture_days_ago",
    ]

    /// Facts the answer may name that the form asks for under another name (its clock fields,
    /// the anticoagulant's type) or that the engine derives.
    static let derivedFacts = [
        "times.lkw_to_decision_min", "times.lkw_to_arrival_min", "times.lkw_to_puncture_min", "times.symptom_recognition_to_decision_min",
        "times.sleep_midpoint_to_decision_min", "anticoagulant.class", "imaging.flair_no_early_change", "imaging.dwi_lesion_gt_third_mca",
    ]

    /// The catalogue key of a field's (or a fact's) name.
    static func labelKey(_ name: String) -> String {
        "acute_field_" + name.lowercased().replacingOccurrences(of: "[^a-z0-9]+", with: "_", options: .regularExpression)
    }

    /// The catalogue key of a choice's label.
    static func optionKey(_ value: String) -> String {
        value.isEmpty
            ? "acute_option_not_known" : "acute_option_" + value.lowercased().replacingOccurrences(of: "[^a-z0-9]+", with: "_", options: .regularExpression)
    }

    /// What the form calls a fact of the presentation (its JSON path), for refusals and the
    /// answer's "still missing" list; a fact the form does not know stays its path.
    static func label(of path: String, _ texts: TextCatalogue.Texts) -> String {
        guard names.contains(path) else { return path }
        let label = texts[labelKey(path)]
        return recentEvents.contains(path) ? texts.format("acute_days_ago_label", ["label": label]) : label
    }

    /// Every field and fact the form names.
    static let names: Set<String> = Set(groups.flatMap(\.fields).map(\.name) + historyFlags + recentEvents + derivedFacts)

    /// Every catalogue key the form uses by name (for the catalogue's test).
    static var catalogueKeys: Set<String> {
        var keys = Set(names.map(labelKey))
        for field in groups.flatMap(\.fields) {
            switch field.kind {
            case .number(let unit, _): if !unit.isEmpty { keys.insert("acute_unit_" + unit) }
            case .choice(let values): keys.formUnion(values.map(optionKey))
            case .yesNo, .clock: break
            }
            if let hint = field.hint { keys.insert(hint) }
        }
        keys.formUnion(groups.map(\.title))
        keys.formUnion(["", "yes", "no"].map(optionKey))
        return keys
    }

    /// The clock-time fields and the minutes-ago field each fills.
    static let clockFields: [(clock: String, minutes: String)] = groups.flatMap(\.fields).compactMap { field in
        if case .clock(let minutes) = field.kind { (field.name, minutes) } else { nil }
    }

    /// Clock fields that must be given: the windows are tested at the expected needle and puncture times.
    static func requiredTimes(_ texts: TextCatalogue.Texts) -> [(name: String, message: String)] {
        [("needle_in", texts["acute_needle_required"]), ("puncture_in", texts["acute_puncture_required"])]
    }
}
