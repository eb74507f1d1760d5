import AcuteCare
import Clinical
import Foundation
import ProtocolLibrary

/// The project's protocol files and a baseline presentation to vary in tests.
enum Support {
    static let library = ProtocolLibrary(
        directory: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols"))
    static let protocolDirectory = library.directory.appendingPathComponent(ProtocolLibrary.acuteFolder)

    static func files() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in AcuteProtocol.fileNames {
            files[name] = try Data(contentsOf: protocolDirectory.appendingPathComponent(name))
        }
        return files
    }

    static let acute: AcuteProtocol = {
        do {
            return try library.acute()
        } catch {
            preconditionFailure("the project's protocol does not load: \(error)")
        }
    }()

    static let evaluator = AcuteEvaluator(protocol: acute)

    /// Vector C01: an uncomplicated nLVO stroke at 90 min, everything known.
    static var baseline: [String: Any] {
        [
            "age": 68, "sex": "M", "weight_kg": 80.0,
            "times": ["onset_type": "witnessed", "lkw_to_arrival_min": 60, "lkw_to_decision_min": 90, "lkw_to_puncture_min": 120],
            "nihss": 8, "deficit_disabling": true, "decreased_consciousness": false, "visual_field_defect": false,
            "bp": ["systolic": 160, "diastolic": 90, "lowerable": true], "glucose_mg_dl": 126,
            "labs": ["platelets_10e9_l": 230, "inr": 1.0, "aptt_s": 30, "pt_s": 12],
            "anticoagulant": ["type": "none"],
            "history": [
                "diabetes": false, "hypertension": true, "atrial_fibrillation": false, "prior_stroke_any": false, "prior_ich": false,
                "gi_malignancy": false, "infective_endocarditis": false, "aortic_arch_dissection": false, "intra_axial_neoplasm": false,
                "pregnant": false, "seizure_at_onset": false,
            ],
            "imaging": [
                "modality": "NCCT+CTA", "hemorrhage": false, "hypodensity_extent": "none", "early_infarct_signs": false,
                "hyperdense_artery_sign": false, "occlusion_site": "none", "aspects": 10, "significant_mass_effect": false,
            ],
            "prestroke_mrs": 0, "facility": "EVT_capable", "planned_evt": false, "evt_accessible": true,
        ]
    }

    /// An anterior LVO (M1) variant of the baseline for thrombectomy tests.
    static func lvo(puncture: Double, _ changes: [String: Any] = [:]) -> [String: Any] {
        var merged: [String: Any] = [
            "imaging.occlusion_site": "M1", "times.lkw_to_puncture_min": puncture, "times.lkw_to_decision_min": puncture - 20,
            "nihss": 14, "imaging.modality": "NCCT+CTA+CTP",
        ]
        merged.merge(changes) { $1 }
        return merged
    }

    /// The baseline with `changes` applied ("labs.inr": 1.8 sets a nested member; NSNull clears it).
    static func presentation(_ changes: [String: Any] = [:]) throws -> Presentation {
        var document = baseline
        for (path, value) in changes {
            set(&document, path.split(separator: ".").map(String.init), value)
        }
        let data = try JSONSerialization.data(withJSONObject: document)
        return try PresentationReader(protocol: acute).read(try JSONParser.parse(data))
    }

    static func evaluate(_ changes: [String: Any] = [:], profile: String? = nil) throws -> AcuteEvaluation {
        try evaluator.evaluate(try presentation(changes), profile: profile)
    }

    private static func set(_ document: inout [String: Any], _ path: [String], _ value: Any) {
        guard let key = path.first else { return }
        if path.count == 1 {
            document[key] = value
        } else {
            var inner = document[key] as? [String: Any] ?? [:]
            set(&inner, Array(path.dropFirst()), value)
            document[key] = inner
        }
    }
}

extension ThrombolysisResult {
    /// Every code the answer lists, across categories.
    var codes: [String] {
        (absoluteContraindications + relativeContraindications + correctBeforeTreatment + notIndicatedReasons).map(\.code)
    }
}
