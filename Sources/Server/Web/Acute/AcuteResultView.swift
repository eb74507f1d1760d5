import AcuteCare
import Foundation

/// What the acute result page shows, prepared for the template: one card per option with a
/// status colour, the dose box, reasons with their citations, the expected outcome chart.
struct AcuteResultView {
    struct Reason {
        var kind: String
        var code: String
        var text: String
        var citation: String
    }

    /// Something the answer names, in words, with its code for whoever needs it (on hover).
    struct Named {
        var text: String
        var code: String
    }

    struct Pair {
        var name: String
        var value: String
    }

    struct Doses {
        var tenecteplase: Tenecteplase?
        var alteplase: Alteplase?
        var rationale: String
    }

    struct Tenecteplase {
        var band: String
        var exact: String
        var warnings: [String]
    }

    struct Alteplase {
        var total: String
        var detail: String
    }

    let title = "Acute decision"
    var evaluationId: String
    var stored: String
    var spooled: Bool
    var profile: String
    var profileNotices: [String]
    var protocolVersion: String
    var lkwEpochMs: Int64
    /// When the evaluation was made and last known well, for the printed handover (UTC, 24-hour).
    var evaluatedAt: String
    var lkwAt: String
    var lkwMinutesAgo: Int
    var ivtStatus: String
    var ivtTone: String
    var ivtPathway: String
    var ivtPathwayCode: String
    var ivtReasons: [Reason]
    var ivtWarnings: [String]
    var ivtNotes: [String]
    var doses: Doses?
    var evtRecommendation: String
    var evtTone: String
    var evtLevel: String
    var evtBasis: String?
    var evtWarnings: [String]
    var evtMet: [Named]
    var evtFailed: [Pair]
    var evtOtherProfiles: [Pair]
    var bloodPressure: [Pair]
    var hemorrhage: AcuteHemorrhageCard?
    var antiplateletRecommendation: String
    var antiplateletTone: String
    var antiplateletText: String
    var antiplateletRegimen: String?
    var antiplateletCitation: String
    var mimics: [String]
    var orders: [Pair]
    var hasOrders: Bool
    var weightWarning: String?
    var scores: [Pair]
    var missing: [Named]
    var outcomeChart: String
    var outcomeRows: [Pair]
    var notEstimated: [Pair]
    /// Stored, not computed: Mustache reads stored properties only.
    var hasMet: Bool
    var hasMissing: Bool

    /// - Parameters:
    ///   - titles: the protocol's rules, pathways and trials in words, by code or id (`AcuteProtocol.titles`).
    init(
        _ evaluation: AcuteEvaluation, id: UUID, stored: String, lkwMinutesAgo: Double, now: Date, sources: [String: AcuteProtocol.Source],
        titles: [String: String]
    ) {
        evaluationId = id.uuidString
        self.stored = stored
        spooled = stored == "spool"
        profile = evaluation.profile
        profileNotices = evaluation.profileNotices
        protocolVersion = evaluation.protocolVersion
        lkwEpochMs = Int64((now.timeIntervalSince1970 - lkwMinutesAgo * 60) * 1000)
        evaluatedAt = Self.utc(now)
        lkwAt = Self.utc(now.addingTimeInterval(-lkwMinutesAgo * 60))
        self.lkwMinutesAgo = Int(lkwMinutesAgo.rounded())
        let ivt = evaluation.ivt
        ivtStatus = ivt.status.replacingOccurrences(of: "_", with: " ")
        ivtTone =
            switch ivt.decision {
            case .eligible: "ok"
            case .eligibleWithCaution, .conditional, .needsData: "warn"
            case .contraindicated, .notIndicated: "bad"
            }
        ivtPathway = ivt.pathway.map { titles[$0] ?? $0 } ?? "no pathway"
        ivtPathwayCode = ivt.pathway ?? ""
        func cite(_ ids: [String]) -> String {
            ids.compactMap { sources[$0].map { "\($0.citation)\($0.doi.map { " doi:\($0)" } ?? "")" } }.joined(separator: "; ")
        }
        ivtReasons =
            ivt.absoluteContraindications.map { Reason(kind: "Absolute", code: $0.code, text: $0.text, citation: cite($0.sources)) }
            + ivt.notIndicatedReasons.map { Reason(kind: "Not indicated", code: $0.code, text: $0.text, citation: cite($0.sources)) }
            + ivt.correctBeforeTreatment.map { Reason(kind: "Correct first", code: $0.code, text: $0.text, citation: cite($0.sources)) }
            + ivt.relativeContraindications.map { Reason(kind: "Relative", code: $0.code, text: $0.text, citation: cite($0.sources)) }
        ivtWarnings = ivt.warnings
        ivtNotes = ivt.notes
        if evaluation.doses.doseApplicable {
            let tnk = evaluation.doses.tenecteplase.flatMap { tnk in
                tnk.offered
                    ? Tenecteplase(
                        band: "\(Self.mg(tnk.bandDoseMg)) mg = \(Self.mg(tnk.bandVolumeMlAt5mgPerMl)) mL (band \(tnk.weightBand))",
                        exact: "exact \(tnk.mgPerKg) mg/kg: \(Self.mg(tnk.exactWeightBasedMg)) mg\(tnk.capped ? " (capped)" : "")", warnings: tnk.warnings)
                    : nil
            }
            let tpa = evaluation.doses.alteplase.flatMap { tpa in
                tpa.offered
                    ? Alteplase(
                        total: "\(Self.mg(tpa.totalMg)) mg\(tpa.capped ? " (capped)" : "")",
                        detail:
                            "bolus \(Self.mg(tpa.bolusMg)) mg over 1 min, then \(Self.mg(tpa.infusionMg)) mg over 60 min; discard \(Self.mg(tpa.discardFrom100mgVialMg)) mg of a 100 mg vial"
                    ) : nil
            }
            if tnk != nil || tpa != nil { doses = Doses(tenecteplase: tnk, alteplase: tpa, rationale: ivt.agentRationale ?? "") }
        }
        let evt = evaluation.evt
        evtRecommendation = evt.recommendation.replacingOccurrences(of: "_", with: " ")
        evtTone =
            switch evt.recommendation {
            case "recommended": "ok"
            case "reasonable", "may_be_considered", "needs_data": "warn"
            case "not_recommended": "bad"
            default: "muted"
            }
        evtLevel = evt.levels[evaluation.profile] ?? "none"
        evtBasis = evt.basisExplanation
        evtWarnings = evt.warnings
        evtMet = evt.trialCriteriaMet.map { Named(text: titles[$0] ?? $0, code: $0) }
        hasMet = !evtMet.isEmpty
        evtFailed = evt.failedCriteria.sorted { $0.key < $1.key }.map {
            Pair(name: $0.key == "all" ? "Not applicable" : titles[$0.key] ?? $0.key, value: $0.value.joined(separator: "; "))
        }
        evtOtherProfiles = evt.recommendationByProfile.sorted { $0.key < $1.key }.filter { $0.key != evaluation.profile }
            .map { Pair(name: $0.key, value: "\($0.value.replacingOccurrences(of: "_", with: " ")) — \(evt.levels[$0.key] ?? "none")") }
        bloodPressure = evaluation.bpPlan.sorted { $0.key < $1.key }.map { Pair(name: $0.key.replacingOccurrences(of: "_", with: " "), value: $0.value) }
        hemorrhage = evaluation.hemorrhage.map { AcuteHemorrhageCard($0, cite: cite) }
        let antiplatelet = evaluation.antiplatelet
        antiplateletRecommendation =
            switch antiplatelet.recommendation {
            case "dual": "dual antiplatelet therapy"
            case "single": "one antiplatelet agent"
            case "none": "no antiplatelet agent now"
            default: "needs data"
            }
        antiplateletTone = antiplatelet.recommendation == "needs_data" ? "warn" : "muted"
        antiplateletText = antiplatelet.text
        antiplateletRegimen = antiplatelet.regimen
        antiplateletCitation = cite(antiplatelet.sources)
        mimics = evaluation.mimics.map(\.text)
        orders = evaluation.orders?.orders.map { Pair(name: $0.id.replacingOccurrences(of: "_", with: " "), value: $0.text) } ?? []
        hasOrders = evaluation.orders != nil
        weightWarning = evaluation.orders?.weightWarning
        // The ICH score is shown in the haemorrhage card, with its caution.
        scores = evaluation.scores.all.filter { $0.key != evaluation.hemorrhage?.scoreID }.sorted { $0.key < $1.key }
            .map { Pair(name: $0.key, value: $0.value.summary) }
        hasMissing = !evaluation.missingData.isEmpty
        missing = evaluation.missingData.map { item in
            let needer =
                titles[item.neededBy] ?? titles[String(item.neededBy.split(separator: ".").last ?? "")]
                ?? Self.parts[String(item.neededBy.split(separator: ":").first?.split(separator: ".").first ?? "")] ?? item.neededBy
            return Named(
                text: "\(AcuteFormFields.label(of: item.field)) — for \(needer)\(item.blocking ? " (needed before deciding)" : "")",
                code: "\(item.field) · \(item.neededBy)")
        }
        let outcome = evaluation.expectedOutcome
        let options: [(String, OutcomeEstimate?)] = [
            ("No treatment", outcome.noTreatment), ("IVT", outcome.ivt), ("EVT", outcome.evt), ("IVT + EVT", outcome.ivtAndEvt),
        ]
        let shown = options.compactMap { label, estimate in estimate.map { (label, $0) } }
        outcomeChart = SVGChart.stackedShares(
            shown.map { (label: $0.0, shares: $0.1.mrsProbabilities) },
            categories: (0...6).map { "mRS \($0)" },
            title: "Expected 90-day mRS (\(outcome.stroke.uppercased()), \(evaluation.outcomeModel))")
        notEstimated = outcome.notEstimatedReasons.sorted { $0.key < $1.key }
            .map { Pair(name: Self.optionLabel[$0.key] ?? $0.key, value: $0.value) }
        outcomeRows = shown.map { label, estimate in
            let independent = estimate.mrsProbabilities.prefix(3).reduce(0, +)
            return Pair(
                name: label,
                value:
                    "mRS 0–2 \(Int((independent * 100).rounded())) %, mean mRS \(String(format: "%.2f", estimate.meanMRS)), utility \(String(format: "%.2f", estimate.meanUtility))"
            )
        }
    }

    /// The parts of the answer a missing fact can be needed by, when it is no rule, pathway or trial.
    static let parts = [
        "orders": "the orders after thrombolysis", "doses": "the doses", "EVT": "thrombectomy", "antiplatelet": "antiplatelet therapy",
        "hemorrhage": "the haemorrhage plan", "mimics": "the mimic checks",
    ]

    static let optionLabel = [
        "no_treatment": "No treatment", "ivt": "IVT", "evt": "EVT", "ivt_and_evt": "IVT + EVT",
        "routing": "Drip-and-ship vs mothership",
    ]

    private static func utc(_ date: Date) -> String {
        date.formatted(Date.FormatStyle(date: .numeric, time: .shortened, locale: Locale(identifier: "sv_SE"), timeZone: .gmt))
    }

    private static func mg(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
