/// The acute form's fields, grouped as a stroke team fills them in, and how each becomes a
/// member of the presentation (the vectors' vocabulary). Yes/no questions start as "not
/// known", so nothing is assumed: the answer names what it still needs.
enum AcuteFormFields {
    enum Kind {
        /// A number; `unit` shown beside it.
        case number(unit: String, step: String)
        /// One of several values; the first option is "not known" (empty).
        case choice([(value: String, label: String)])
        /// Yes, no, or not known.
        case yesNo
        /// A date and clock time, read on the server in the hospitals' zone (`ClockTimeEntry`);
        /// it fills the minutes-ago field named.
        case clock(minutesField: String)
    }

    struct Field {
        var name: String
        var label: String
        var kind: Kind
        var defaultValue: String = ""
        var hint: String = ""
    }

    struct Group {
        var title: String
        var fields: [Field]
    }

    static let occlusionSites: [(String, String)] = [
        ("", "not known"), ("none", "none"), ("ICA", "ICA"), ("M1", "M1"),
        ("M2_dominant", "M2 dominant"), ("M2_nondominant", "M2 non-dominant"), ("M3", "M3"), ("ACA", "ACA"), ("PCA", "PCA"), ("P1", "PCA P1"), ("P2", "PCA P2"),
        ("basilar", "basilar"), ("vertebral", "vertebral (intracranial)"),
    ]
    static let anticoagulants: [(String, String)] = [
        ("", "not known"), ("none", "none"), ("warfarin", "warfarin"), ("apixaban", "apixaban"),
        ("rivaroxaban", "rivaroxaban"), ("edoxaban", "edoxaban"), ("dabigatran", "dabigatran"),
        ("enoxaparin_treatment", "enoxaparin, treatment dose"), ("enoxaparin_prophylaxis", "enoxaparin, prophylactic"), ("ufh", "heparin (UFH)"),
    ]

    /// Minutes-ago inputs become times from last known well: see `AcuteFormReader`.
    static let groups: [Group] = [
        Group(
            title: "Clock",
            fields: [
                Field(name: "lkw_at", label: "Last known well", kind: .clock(minutesField: "lkw_minutes_ago"), hint: "required: a clock time or minutes ago"),
                Field(name: "lkw_minutes_ago", label: "or last known well", kind: .number(unit: "min ago", step: "1")),
                Field(
                    name: "times.onset_type", label: "Onset", kind: .choice([("witnessed", "witnessed"), ("wake_up", "wake-up / unknown")]),
                    defaultValue: "witnessed"),
                Field(name: "arrival_at", label: "Arrived", kind: .clock(minutesField: "arrival_minutes_ago")),
                Field(name: "arrival_minutes_ago", label: "or arrived", kind: .number(unit: "min ago", step: "1")),
                Field(name: "needle_in", label: "Needle expected in", kind: .number(unit: "min", step: "1"), defaultValue: "15", hint: "required"),
                Field(name: "puncture_in", label: "Groin puncture expected in", kind: .number(unit: "min", step: "1"), defaultValue: "60", hint: "required"),
                Field(name: "recognition_minutes_ago", label: "Symptoms recognised (wake-up)", kind: .number(unit: "min ago", step: "1")),
                Field(name: "sleep_midpoint_minutes_ago", label: "Midpoint of sleep (wake-up)", kind: .number(unit: "min ago", step: "1")),
            ]),
        Group(
            title: "Patient",
            fields: [
                Field(name: "age", label: "Age", kind: .number(unit: "years", step: "1"), hint: "required"),
                Field(name: "sex", label: "Sex", kind: .choice([("", "not known"), ("F", "female"), ("M", "male")])),
                Field(name: "weight_kg", label: "Weight", kind: .number(unit: "kg", step: "0.1")),
                Field(name: "weight_measured", label: "Weight measured (not estimated)", kind: .yesNo),
                Field(name: "prestroke_mrs", label: "Pre-stroke mRS", kind: .number(unit: "0–5", step: "1")),
                Field(name: "nihss", label: "NIHSS", kind: .number(unit: "0–42", step: "1")),
                Field(name: "deficit_disabling", label: "Deficit disabling", kind: .yesNo),
                Field(name: "decreased_consciousness", label: "Decreased consciousness", kind: .yesNo),
                Field(name: "visual_field_defect", label: "Visual field defect", kind: .yesNo),
                Field(name: "tia", label: "Symptoms resolved (TIA)", kind: .yesNo),
                Field(name: "tia_features.unilateral_weakness", label: "TIA: unilateral weakness", kind: .yesNo),
                Field(name: "tia_features.speech_disturbance", label: "TIA: speech disturbance", kind: .yesNo),
                Field(name: "tia_features.duration_min", label: "TIA: duration", kind: .number(unit: "min", step: "1")),
            ]),
        Group(
            title: "Vitals and labs",
            fields: [
                Field(name: "bp.systolic", label: "Systolic BP", kind: .number(unit: "mmHg", step: "1")),
                Field(name: "bp.diastolic", label: "Diastolic BP", kind: .number(unit: "mmHg", step: "1")),
                Field(name: "bp.lowerable", label: "BP can be lowered", kind: .yesNo),
                Field(name: "glucose_mg_dl", label: "Glucose", kind: .number(unit: "mg/dL", step: "1")),
                Field(name: "glucose_mmol_l", label: "or glucose", kind: .number(unit: "mmol/L", step: "0.1")),
                Field(name: "labs.platelets_10e9_l", label: "Platelets", kind: .number(unit: "×10⁹/L", step: "1")),
                Field(name: "labs.inr", label: "INR", kind: .number(unit: "", step: "0.01")),
                Field(name: "labs.aptt_s", label: "aPTT", kind: .number(unit: "s", step: "0.1")),
                Field(name: "labs.pt_s", label: "PT", kind: .number(unit: "s", step: "0.1")),
                Field(name: "anticoagulant.type", label: "Anticoagulant", kind: .choice(anticoagulants)),
                Field(name: "anticoagulant.last_dose_hours_ago", label: "Last dose", kind: .number(unit: "h ago", step: "0.5")),
                Field(name: "labs.creatinine_clearance_ml_min", label: "Creatinine clearance", kind: .number(unit: "mL/min", step: "1")),
                Field(name: "labs.anti_xa_level", label: "Anti-Xa (DOAC-calibrated)", kind: .number(unit: "ng/mL", step: "1")),
                Field(name: "labs.dilute_thrombin_time_s", label: "Dilute thrombin time", kind: .number(unit: "s", step: "0.1")),
            ]),
        Group(
            title: "Imaging",
            fields: [
                Field(
                    name: "imaging.modality", label: "Modality",
                    kind: .choice([("", "not known"), ("NCCT", "NCCT"), ("NCCT+CTA", "NCCT + CTA"), ("NCCT+CTA+CTP", "NCCT + CTA + CTP"), ("MRI", "MRI")])),
                Field(name: "imaging.hemorrhage", label: "Haemorrhage", kind: .yesNo),
                Field(
                    name: "imaging.hypodensity_extent", label: "Hypodensity",
                    kind: .choice([("", "not known"), ("none", "none"), ("lt_third", "< 1/3 MCA"), ("gt_third", "> 1/3 MCA")])),
                Field(name: "imaging.early_infarct_signs", label: "Early infarct signs", kind: .yesNo),
                Field(name: "imaging.hyperdense_artery_sign", label: "Hyperdense artery", kind: .yesNo),
                Field(name: "imaging.occlusion_site", label: "Occlusion", kind: .choice(occlusionSites)),
                Field(name: "imaging.aspects", label: "ASPECTS", kind: .number(unit: "0–10", step: "1")),
                Field(name: "imaging.pc_aspects", label: "pc-ASPECTS", kind: .number(unit: "0–10", step: "1")),
                Field(name: "imaging.pons_midbrain_index", label: "Pons-midbrain index", kind: .number(unit: "0–8", step: "1")),
                Field(name: "imaging.core_ml", label: "Core (rCBF<30%)", kind: .number(unit: "mL", step: "0.1")),
                Field(name: "imaging.hypoperfusion_tmax6_ml", label: "Tmax>6 s", kind: .number(unit: "mL", step: "0.1")),
                Field(name: "imaging.dwi_flair_mismatch", label: "DWI-FLAIR mismatch", kind: .yesNo),
                Field(name: "imaging.significant_mass_effect", label: "Significant mass effect", kind: .yesNo),
            ]),
        Group(
            title: "Haemorrhage (when the imaging shows one)",
            fields: [
                Field(name: "gcs", label: "Glasgow Coma Scale", kind: .number(unit: "3–15", step: "1")),
                Field(name: "imaging.ich_volume_ml", label: "Haematoma volume", kind: .number(unit: "mL", step: "0.1")),
                Field(name: "imaging.ich_diameter_a_cm", label: "or diameters (ABC/2): A", kind: .number(unit: "cm", step: "0.1")),
                Field(name: "imaging.ich_diameter_b_cm", label: "B", kind: .number(unit: "cm", step: "0.1")),
                Field(name: "imaging.ich_diameter_c_cm", label: "C", kind: .number(unit: "cm", step: "0.1")),
                Field(name: "imaging.intraventricular_hemorrhage", label: "Intraventricular extension", kind: .yesNo),
                Field(name: "imaging.infratentorial", label: "Infratentorial", kind: .yesNo),
                Field(name: "imaging.cerebellar", label: "Cerebellar", kind: .yesNo),
                Field(name: "imaging.cerebellar_hematoma_diameter_cm", label: "Cerebellar haematoma diameter", kind: .number(unit: "cm", step: "0.1")),
                Field(name: "imaging.brainstem_compression", label: "Brainstem compression", kind: .yesNo),
                Field(name: "imaging.hydrocephalus", label: "Hydrocephalus", kind: .yesNo),
                Field(name: "anticoagulant.heparin_units_last_3h", label: "Heparin in the last 3 h", kind: .number(unit: "units", step: "100")),
                Field(name: "anticoagulant.enoxaparin_last_dose_mg", label: "Last enoxaparin dose", kind: .number(unit: "mg", step: "1")),
            ]),
        Group(
            title: "Setting",
            fields: [
                Field(
                    name: "facility", label: "This hospital",
                    kind: .choice([("", "not known"), ("EVT_capable", "does thrombectomy"), ("non_EVT", "no thrombectomy")])),
                Field(name: "evt_accessible", label: "Thrombectomy reachable", kind: .yesNo),
                Field(name: "planned_evt", label: "Thrombectomy planned", kind: .yesNo),
            ]),
    ]

    /// History items: ticked = present; with "history reviewed" ticked, an unticked item is
    /// absent, otherwise it stays unknown.
    static let historyFlags: [(name: String, label: String)] = [
        ("history.diabetes", "Diabetes"), ("history.hypertension", "Hypertension"), ("history.atrial_fibrillation", "Atrial fibrillation"),
        ("history.prior_stroke_any", "Prior stroke"), ("history.prior_ich", "Prior intracranial haemorrhage"),
        ("history.seizure_at_onset", "Seizure at onset"), ("history.pregnant", "Pregnant"), ("history.antiplatelet", "Takes antiplatelet agents"),
        ("history.infective_endocarditis", "Infective endocarditis"), ("history.aortic_arch_dissection", "Aortic arch dissection"),
        ("history.gi_malignancy", "GI malignancy"), ("history.intra_axial_neoplasm", "Intra-axial neoplasm"),
        ("history.amyloid_immunotherapy", "Anti-amyloid immunotherapy (lecanemab, donanemab) or ARIA"),
        ("symptoms_suggest_sah", "Symptoms suggest subarachnoid haemorrhage"),
        ("symptoms.migraine_aura", "Migraine aura pattern"), ("symptoms.functional_signs", "Functional signs (e.g. Hoover's)"),
        ("head_trauma_at_onset", "Head trauma at onset (e.g. a fall)"),
    ]

    /// Recent events, in days ago: blank = none only when the history is marked reviewed,
    /// otherwise the answer names them as not confirmed.
    static let recentEvents: [(name: String, label: String)] = [
        ("history.ischemic_stroke_days_ago", "Ischaemic stroke"), ("history.severe_head_trauma_days_ago", "Moderate–severe head injury (TBI)"),
        ("history.intracranial_or_spinal_surgery_days_ago", "Intracranial/spinal surgery"), ("history.major_surgery_days_ago", "Major surgery"),
        ("history.gi_bleed_days_ago", "GI bleeding"), ("history.arterial_puncture_noncompressible_days_ago", "Non-compressible arterial puncture"),
        ("history.mi_days_ago", "Myocardial infarction"), ("history.spinal_cord_injury_days_ago", "Spinal cord injury"),
        ("history.major_trauma_days_ago", "Major trauma (not head)"), ("history.dural_puncture_days_ago", "Lumbar (dural) puncture"),
    ]

    /// What the form calls a fact of the presentation (its JSON path), for the answer's
    /// "still missing" list; a fact the form does not ask for by its path.
    static func label(of path: String) -> String {
        labels[path] ?? path
    }

    static let labels: [String: String] = {
        var labels = Dictionary(groups.flatMap(\.fields).map { ($0.name, $0.label) }, uniquingKeysWith: { first, _ in first })
        for flag in historyFlags { labels[flag.name] = flag.label }
        for event in recentEvents { labels[event.name] = "\(event.label) (days ago)" }
        labels["glucose_mg_dl"] = "Glucose"
        labels["times.lkw_to_decision_min"] = "Last known well"
        labels["times.lkw_to_arrival_min"] = "Arrival"
        labels["times.lkw_to_puncture_min"] = "Groin puncture time"
        labels["times.symptom_recognition_to_decision_min"] = "Symptoms recognised (wake-up)"
        labels["times.sleep_midpoint_to_decision_min"] = "Midpoint of sleep (wake-up)"
        labels["weight_kg"] = "Weight"
        labels["anticoagulant.class"] = "Anticoagulant"
        labels["imaging.flair_no_early_change"] = "FLAIR without early change"
        labels["imaging.dwi_lesion_gt_third_mca"] = "DWI lesion > 1/3 MCA"
        return labels
    }()

    /// The clock-time fields and the minutes-ago field each fills.
    static let clockFields: [(clock: String, minutes: String)] = groups.flatMap(\.fields).compactMap { field in
        if case .clock(let minutes) = field.kind { (field.name, minutes) } else { nil }
    }

    /// Clock fields that must be given: the windows are tested at the expected needle and puncture times.
    static let requiredTimes: [(name: String, message: String)] = [
        ("needle_in", "is required: the IVT windows are tested at the expected needle time (minutes from now)"),
        ("puncture_in", "is required: the thrombectomy windows are tested at the expected groin puncture time (minutes from now)"),
    ]
}
