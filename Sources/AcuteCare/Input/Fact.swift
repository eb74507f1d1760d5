/// The facts a presentation can carry, by JSON path: the input schema, its plausibility
/// limits (what a measurement can be, not a clinical threshold — those live in Protocols/),
/// and the vocabulary of the protocol files' conditions. Facts derived from others and
/// facts decided during evaluation are listed too, so a condition may name them; a
/// protocol file naming anything else is refused at start-up. The raw value is the fact's
/// slot in `Facts`.
public enum Fact: Int, CaseIterable, Sendable {
    case age
    case sex
    case weightKg
    case timesOnsetType
    case timesLkwToArrivalMin
    case timesLkwToDecisionMin
    case timesLkwToPunctureMin
    case timesSymptomRecognitionToDecisionMin
    case timesSleepMidpointToDecisionMin
    case nihss
    case deficitDisabling
    case decreasedConsciousness
    case visualFieldDefect
    case bpSystolic
    case bpDiastolic
    case bpLowerable
    case glucoseMgDl
    case glucoseMmolL
    case labsPlatelets10e9L
    case labsInr
    case labsApttS
    case labsPtS
    case labsCreatinineClearanceMlMin
    case labsAntiXaLevel
    case labsDiluteThrombinTimeS
    case anticoagulantType
    case anticoagulantLastDoseHoursAgo
    case historyDiabetes
    case historyHypertension
    case historyAtrialFibrillation
    case historyPriorStrokeAny
    case historyPriorIch
    case historyIschemicStrokeDaysAgo
    case historySevereHeadTraumaDaysAgo
    case historyIntracranialOrSpinalSurgeryDaysAgo
    case historyMajorSurgeryDaysAgo
    case historyGiBleedDaysAgo
    case historyGiMalignancy
    case historyArterialPunctureNoncompressibleDaysAgo
    case historyMiDaysAgo
    case historyInfectiveEndocarditis
    case historyAorticArchDissection
    case historyIntraAxialNeoplasm
    case historyPregnant
    case historySeizureAtOnset
    case historySpinalCordInjuryDaysAgo
    case historyAmyloidImmunotherapy
    case historyMajorTraumaDaysAgo
    case historyDuralPunctureDaysAgo
    case historyReviewed
    case symptomsSuggestSah
    case headTraumaAtOnset
    case imagingModality
    case imagingHemorrhage
    case imagingHypodensityExtent
    case imagingEarlyInfarctSigns
    case imagingHyperdenseArterySign
    case imagingOcclusionSite
    case imagingAspects
    case imagingPcAspects
    case imagingCoreMl
    case imagingHypoperfusionTmax6Ml
    case imagingDwiFlairMismatch
    case imagingDwiLesionGtThirdMca
    case imagingFlairNoEarlyChange
    case imagingSignificantMassEffect
    case imagingPenumbraMismatchMl
    case imagingPonsMidbrainIndex
    case prestrokeMrs
    case facility
    case plannedEvt
    case evtAccessible
    case gcs
    case imagingIchVolumeMl
    case imagingIchDiameterACm
    case imagingIchDiameterBCm
    case imagingIchDiameterCCm
    case imagingIntraventricularHemorrhage
    case imagingInfratentorial
    case imagingCerebellar
    case imagingCerebellarHematomaDiameterCm
    case imagingBrainstemCompression
    case imagingHydrocephalus
    case historyAntiplatelet
    case anticoagulantHeparinUnitsLast3h
    case anticoagulantEnoxaparinLastDoseMg
    case weightMeasured
    case symptomsMigraineAura
    case symptomsFunctionalSigns
    case tia
    case tiaUnilateralWeakness
    case tiaSpeechDisturbance
    case tiaDurationMin
    case anticoagulantClass
    case ichVolumeMl
    case perfusionAvailable
    case perfusionMismatchRatio
    case perfusionMismatchVolumeMl
    case ivtPathway
    case ivtPossible
    case scoresAbcd2

    /// What kind of value a fact holds.
    public enum Kind: Sendable, Equatable {
        case number(ClosedRange<Double>, unit: String)
        case integer(ClosedRange<Int>)
        case flag
        case choice([String])
    }

    /// Where a fact comes from.
    public enum Origin: Sendable, Equatable {
        /// Read from the request; `required` ones must be present.
        case input(required: Bool)
        /// Computed from input facts before the rules run.
        case derived
        /// Set by the evaluation itself (the IVT pathway).
        case decided
    }

    public struct Definition: Sendable {
        public var name: String
        public var kind: Kind
        public var origin: Origin
    }

    static let minutes = 0.0...20_160.0  // two weeks
    static let days = 0.0...36_500.0
    static let anticoagulants = [
        "none", "warfarin", "apixaban", "rivaroxaban", "edoxaban", "dabigatran",
        "enoxaparin_treatment", "enoxaparin_prophylaxis", "ufh",
    ]
    /// Appended, never reordered (stored evaluations keep their codes): vertebral (intracranial
    /// V4) and the PCA's P1 and P2 segments since issue 18.
    static let occlusionSites = ["none", "ICA", "M1", "M2_dominant", "M2_nondominant", "M3", "ACA", "PCA", "basilar", "vertebral", "P1", "P2"]

    /// The fact's name (its JSON path in a presentation), kind and origin.
    public var definition: Definition {
        switch self {
        case .age: Definition(name: "age", kind: .number(0...120, unit: "years"), origin: .input(required: true))
        case .sex: Definition(name: "sex", kind: .choice(["F", "M"]), origin: .input(required: false))
        case .weightKg: Definition(name: "weight_kg", kind: .number(1...400, unit: "kg"), origin: .input(required: false))
        case .timesOnsetType: Definition(name: "times.onset_type", kind: .choice(["witnessed", "wake_up"]), origin: .input(required: true))
        case .timesLkwToArrivalMin: Definition(name: "times.lkw_to_arrival_min", kind: .number(Fact.minutes, unit: "min"), origin: .input(required: false))
        case .timesLkwToDecisionMin: Definition(name: "times.lkw_to_decision_min", kind: .number(Fact.minutes, unit: "min"), origin: .input(required: true))
        case .timesLkwToPunctureMin: Definition(name: "times.lkw_to_puncture_min", kind: .number(Fact.minutes, unit: "min"), origin: .input(required: false))
        case .timesSymptomRecognitionToDecisionMin:
            Definition(name: "times.symptom_recognition_to_decision_min", kind: .number(Fact.minutes, unit: "min"), origin: .input(required: false))
        case .timesSleepMidpointToDecisionMin:
            Definition(name: "times.sleep_midpoint_to_decision_min", kind: .number(Fact.minutes, unit: "min"), origin: .input(required: false))
        case .nihss: Definition(name: "nihss", kind: .integer(0...42), origin: .input(required: false))
        case .deficitDisabling: Definition(name: "deficit_disabling", kind: .flag, origin: .input(required: false))
        case .decreasedConsciousness: Definition(name: "decreased_consciousness", kind: .flag, origin: .input(required: false))
        case .visualFieldDefect: Definition(name: "visual_field_defect", kind: .flag, origin: .input(required: false))
        case .bpSystolic: Definition(name: "bp.systolic", kind: .number(40...320, unit: "mmHg"), origin: .input(required: false))
        case .bpDiastolic: Definition(name: "bp.diastolic", kind: .number(20...220, unit: "mmHg"), origin: .input(required: false))
        case .bpLowerable: Definition(name: "bp.lowerable", kind: .flag, origin: .input(required: false))
        case .glucoseMgDl: Definition(name: "glucose_mg_dl", kind: .number(5...2_000, unit: "mg/dL"), origin: .input(required: false))
        case .glucoseMmolL: Definition(name: "glucose_mmol_l", kind: .number(0.3...111, unit: "mmol/L"), origin: .input(required: false))
        case .labsPlatelets10e9L: Definition(name: "labs.platelets_10e9_l", kind: .number(0...2_000, unit: "×10⁹/L"), origin: .input(required: false))
        case .labsInr: Definition(name: "labs.inr", kind: .number(0.5...20, unit: ""), origin: .input(required: false))
        case .labsApttS: Definition(name: "labs.aptt_s", kind: .number(5...300, unit: "s"), origin: .input(required: false))
        case .labsPtS: Definition(name: "labs.pt_s", kind: .number(5...300, unit: "s"), origin: .input(required: false))
        case .labsCreatinineClearanceMlMin:
            Definition(name: "labs.creatinine_clearance_ml_min", kind: .number(0...300, unit: "mL/min"), origin: .input(required: false))
        case .labsAntiXaLevel:
            Definition(name: "labs.anti_xa_level", kind: .number(0...5_000, unit: "ng/mL (DOAC-calibrated)"), origin: .input(required: false))
        case .labsDiluteThrombinTimeS: Definition(name: "labs.dilute_thrombin_time_s", kind: .number(5...300, unit: "s"), origin: .input(required: false))
        case .anticoagulantType: Definition(name: "anticoagulant.type", kind: .choice(Fact.anticoagulants), origin: .input(required: false))
        case .anticoagulantLastDoseHoursAgo:
            Definition(name: "anticoagulant.last_dose_hours_ago", kind: .number(0...8_760, unit: "h"), origin: .input(required: false))
        case .historyDiabetes: Definition(name: "history.diabetes", kind: .flag, origin: .input(required: false))
        case .historyHypertension: Definition(name: "history.hypertension", kind: .flag, origin: .input(required: false))
        case .historyAtrialFibrillation: Definition(name: "history.atrial_fibrillation", kind: .flag, origin: .input(required: false))
        case .historyPriorStrokeAny: Definition(name: "history.prior_stroke_any", kind: .flag, origin: .input(required: false))
        case .historyPriorIch: Definition(name: "history.prior_ich", kind: .flag, origin: .input(required: false))
        case .historyIschemicStrokeDaysAgo:
            Definition(name: "history.ischemic_stroke_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historySevereHeadTraumaDaysAgo:
            Definition(name: "history.severe_head_trauma_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyIntracranialOrSpinalSurgeryDaysAgo:
            Definition(name: "history.intracranial_or_spinal_surgery_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyMajorSurgeryDaysAgo:
            Definition(name: "history.major_surgery_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyGiBleedDaysAgo: Definition(name: "history.gi_bleed_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyGiMalignancy: Definition(name: "history.gi_malignancy", kind: .flag, origin: .input(required: false))
        case .historyArterialPunctureNoncompressibleDaysAgo:
            Definition(name: "history.arterial_puncture_noncompressible_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyMiDaysAgo: Definition(name: "history.mi_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyInfectiveEndocarditis: Definition(name: "history.infective_endocarditis", kind: .flag, origin: .input(required: false))
        case .historyAorticArchDissection: Definition(name: "history.aortic_arch_dissection", kind: .flag, origin: .input(required: false))
        case .historyIntraAxialNeoplasm: Definition(name: "history.intra_axial_neoplasm", kind: .flag, origin: .input(required: false))
        case .historyPregnant: Definition(name: "history.pregnant", kind: .flag, origin: .input(required: false))
        case .historySeizureAtOnset: Definition(name: "history.seizure_at_onset", kind: .flag, origin: .input(required: false))
        case .historySpinalCordInjuryDaysAgo:
            Definition(name: "history.spinal_cord_injury_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyAmyloidImmunotherapy: Definition(name: "history.amyloid_immunotherapy", kind: .flag, origin: .input(required: false))
        case .historyMajorTraumaDaysAgo:
            Definition(name: "history.major_trauma_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyDuralPunctureDaysAgo:
            Definition(name: "history.dural_puncture_days_ago", kind: .number(Fact.days, unit: "days"), origin: .input(required: false))
        case .historyReviewed: Definition(name: "history.reviewed", kind: .flag, origin: .input(required: false))
        case .symptomsSuggestSah: Definition(name: "symptoms_suggest_sah", kind: .flag, origin: .input(required: false))
        case .headTraumaAtOnset: Definition(name: "head_trauma_at_onset", kind: .flag, origin: .input(required: false))
        case .imagingModality:
            Definition(name: "imaging.modality", kind: .choice(["NCCT", "NCCT+CTA", "NCCT+CTA+CTP", "MRI"]), origin: .input(required: false))
        case .imagingHemorrhage: Definition(name: "imaging.hemorrhage", kind: .flag, origin: .input(required: false))
        case .imagingHypodensityExtent:
            Definition(name: "imaging.hypodensity_extent", kind: .choice(["none", "lt_third", "gt_third"]), origin: .input(required: false))
        case .imagingEarlyInfarctSigns: Definition(name: "imaging.early_infarct_signs", kind: .flag, origin: .input(required: false))
        case .imagingHyperdenseArterySign: Definition(name: "imaging.hyperdense_artery_sign", kind: .flag, origin: .input(required: false))
        case .imagingOcclusionSite: Definition(name: "imaging.occlusion_site", kind: .choice(Fact.occlusionSites), origin: .input(required: false))
        case .imagingAspects: Definition(name: "imaging.aspects", kind: .integer(0...10), origin: .input(required: false))
        case .imagingPcAspects: Definition(name: "imaging.pc_aspects", kind: .integer(0...10), origin: .input(required: false))
        case .imagingCoreMl: Definition(name: "imaging.core_ml", kind: .number(0...1_000, unit: "mL"), origin: .input(required: false))
        case .imagingHypoperfusionTmax6Ml:
            Definition(name: "imaging.hypoperfusion_tmax6_ml", kind: .number(0...2_000, unit: "mL"), origin: .input(required: false))
        case .imagingDwiFlairMismatch: Definition(name: "imaging.dwi_flair_mismatch", kind: .flag, origin: .input(required: false))
        case .imagingDwiLesionGtThirdMca: Definition(name: "imaging.dwi_lesion_gt_third_mca", kind: .flag, origin: .input(required: false))
        case .imagingFlairNoEarlyChange: Definition(name: "imaging.flair_no_early_change", kind: .flag, origin: .input(required: false))
        case .imagingSignificantMassEffect: Definition(name: "imaging.significant_mass_effect", kind: .flag, origin: .input(required: false))
        case .imagingPenumbraMismatchMl: Definition(name: "imaging.penumbra_mismatch_ml", kind: .number(0...2_000, unit: "mL"), origin: .input(required: false))
        case .imagingPonsMidbrainIndex: Definition(name: "imaging.pons_midbrain_index", kind: .integer(0...8), origin: .input(required: false))
        case .prestrokeMrs: Definition(name: "prestroke_mrs", kind: .integer(0...5), origin: .input(required: false))
        case .facility: Definition(name: "facility", kind: .choice(["EVT_capable", "non_EVT"]), origin: .input(required: false))
        case .plannedEvt: Definition(name: "planned_evt", kind: .flag, origin: .input(required: false))
        case .evtAccessible: Definition(name: "evt_accessible", kind: .flag, origin: .input(required: false))
        case .gcs: Definition(name: "gcs", kind: .integer(3...15), origin: .input(required: false))
        case .imagingIchVolumeMl: Definition(name: "imaging.ich_volume_ml", kind: .number(0...500, unit: "mL"), origin: .input(required: false))
        case .imagingIchDiameterACm: Definition(name: "imaging.ich_diameter_a_cm", kind: .number(0...20, unit: "cm"), origin: .input(required: false))
        case .imagingIchDiameterBCm: Definition(name: "imaging.ich_diameter_b_cm", kind: .number(0...20, unit: "cm"), origin: .input(required: false))
        case .imagingIchDiameterCCm: Definition(name: "imaging.ich_diameter_c_cm", kind: .number(0...20, unit: "cm"), origin: .input(required: false))
        case .imagingIntraventricularHemorrhage: Definition(name: "imaging.intraventricular_hemorrhage", kind: .flag, origin: .input(required: false))
        case .imagingInfratentorial: Definition(name: "imaging.infratentorial", kind: .flag, origin: .input(required: false))
        case .imagingCerebellarHematomaDiameterCm:
            Definition(name: "imaging.cerebellar_hematoma_diameter_cm", kind: .number(0...15, unit: "cm"), origin: .input(required: false))
        case .imagingCerebellar: Definition(name: "imaging.cerebellar", kind: .flag, origin: .input(required: false))
        case .imagingBrainstemCompression: Definition(name: "imaging.brainstem_compression", kind: .flag, origin: .input(required: false))
        case .imagingHydrocephalus: Definition(name: "imaging.hydrocephalus", kind: .flag, origin: .input(required: false))
        case .historyAntiplatelet: Definition(name: "history.antiplatelet", kind: .flag, origin: .input(required: false))
        case .anticoagulantHeparinUnitsLast3h:
            Definition(name: "anticoagulant.heparin_units_last_3h", kind: .number(0...100_000, unit: "units"), origin: .input(required: false))
        case .anticoagulantEnoxaparinLastDoseMg:
            Definition(name: "anticoagulant.enoxaparin_last_dose_mg", kind: .number(0...400, unit: "mg"), origin: .input(required: false))
        case .weightMeasured: Definition(name: "weight_measured", kind: .flag, origin: .input(required: false))
        case .symptomsMigraineAura: Definition(name: "symptoms.migraine_aura", kind: .flag, origin: .input(required: false))
        case .symptomsFunctionalSigns: Definition(name: "symptoms.functional_signs", kind: .flag, origin: .input(required: false))
        case .tia: Definition(name: "tia", kind: .flag, origin: .input(required: false))
        case .tiaUnilateralWeakness: Definition(name: "tia_features.unilateral_weakness", kind: .flag, origin: .input(required: false))
        case .tiaSpeechDisturbance: Definition(name: "tia_features.speech_disturbance", kind: .flag, origin: .input(required: false))
        case .tiaDurationMin: Definition(name: "tia_features.duration_min", kind: .number(0...1_440, unit: "min"), origin: .input(required: false))
        case .ichVolumeMl: Definition(name: "ich.volume_ml", kind: .number(0...4_000, unit: "mL"), origin: .derived)
        case .anticoagulantClass:
            Definition(name: "anticoagulant.class", kind: .choice(["none", "vka", "doac", "lmwh_treatment", "lmwh_prophylaxis", "heparin"]), origin: .derived)
        case .perfusionAvailable: Definition(name: "perfusion.available", kind: .flag, origin: .derived)
        case .perfusionMismatchRatio: Definition(name: "perfusion.mismatch_ratio", kind: .number(0...1_000_000, unit: ""), origin: .derived)
        case .perfusionMismatchVolumeMl: Definition(name: "perfusion.mismatch_volume_ml", kind: .number(-1_000...2_000, unit: "mL"), origin: .derived)
        case .ivtPathway: Definition(name: "ivt.pathway", kind: .choice([]), origin: .decided)
        case .ivtPossible: Definition(name: "ivt.possible", kind: .flag, origin: .decided)
        case .scoresAbcd2: Definition(name: "scores.abcd2", kind: .integer(0...7), origin: .decided)
        }
    }

    /// The input facts a derived fact is computed from (the fact itself for inputs), so a
    /// missing derived value is reported as the input to ask for.
    public var sources: [Fact] {
        switch self {
        case .anticoagulantClass: [.anticoagulantType]
        case .ichVolumeMl: [.imagingIchVolumeMl]
        case .scoresAbcd2: [.age, .bpSystolic, .bpDiastolic, .tiaUnilateralWeakness, .tiaSpeechDisturbance, .tiaDurationMin, .historyDiabetes]
        case .perfusionAvailable, .perfusionMismatchRatio, .perfusionMismatchVolumeMl: [.imagingCoreMl, .imagingHypoperfusionTmax6Ml]
        default: [self]
        }
    }

    /// The codes a choice fact can take (empty for other kinds; the IVT pathway's codes are
    /// the protocol's pathway ids).
    public var vocabulary: [String] { Fact.vocabularies[rawValue] }

    private static let vocabularies: [[String]] = allCases.map { fact in
        if case .choice(let codes) = fact.definition.kind { codes } else { [] }
    }

    /// The fact called `name`, if there is one.
    public static func named(_ name: String) -> Fact? { byName[name] }

    private static let byName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.definition.name, $0) })
}
