import AcuteCare
import Foundation

/// What the acute result page shows, prepared for the template: one card per option with a
/// status colour, the dose box, reasons with their citations, the expected outcome chart.
/// The page's own words are the catalogue's, in the page's language; what the protocols and the
/// engine say (reasons, warnings, levels, plans) comes in the page's language with the answer
/// (`ProtocolStatements.acuteAnswer`), marked with its `lang` in the template; citations stay
/// as published. Every translation is in the hazard log (docs/clinical-safety.md T8).
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

    /// A fact still missing: its name on the form, and what needs it (the protocol's words).
    struct Missing {
        var label: String
        var neededBy: String
        /// `en` when what needs it is named by the protocol (a rule, pathway or trial).
        var neededByLang: String?
        var blocking: Bool
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

    var evaluationId: String
    /// Whose evaluation, when it was started from an episode (the handover names them).
    var patient: String?
    /// The episode's form again, or a blank one.
    var newEvaluationHref: String
    /// The episode could not be looked up in time: the answer is not linked to it.
    var unlinked: Bool
    /// The `lang` of the protocols' statements on this answer (`ProtocolStatements.acuteAnswer`).
    var statementLang: String
    /// Said when a Swedish page shows the statements in English (the Swedish did not decide alike).
    var statementsInEnglish: String?
    /// The evaluation's last known well is not the episode's: which one is right is the team's
    /// to say, and the episode's to record.
    var lkwDiffers: String?
    var stored: String
    var spooled: Bool
    var profile: String
    var profileNotices: [String]
    var protocolVersion: String
    var lkwEpochMs: Int64
    /// When the evaluation was made and last known well, for the printed handover (in the
    /// hospitals' zone, or UTC where none is set).
    var evaluatedAt: String
    var lkwAt: String
    var footer: String
    var lkwMinutesAgo: Int
    var ivtStatus: String
    var ivtTone: String
    var ivtPathway: String
    var ivtPathwayCode: String
    /// `en` when the pathway is the protocol's title.
    var ivtPathwayLang: String?
    var ivtReasons: [Reason]
    var ivtWarnings: [String]
    var ivtNotes: [String]
    var doses: Doses?
    var evtRecommendation: String
    var evtTone: String
    var evtLevel: String
    /// `en` when the level is the protocol's words.
    var evtLevelLang: String?
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
    var missing: [Missing]
    var outcomeChart: String
    var outcomeRows: [Pair]
    var notEstimated: [Pair]
    /// Stored, not computed: Mustache reads stored properties only.
    var hasMet: Bool
    var hasMissing: Bool

    /// - Parameters:
    ///   - said: the answer and the language of its statements (`ProtocolStatements.acuteAnswer`).
    ///   - titles: the protocol's rules, pathways and trials in words, by code or id (`AcuteProtocol.titles`), in that language.
    init(
        _ said: (AcuteEvaluation, PageLanguage), id: UUID, stored: String, lkwMinutesAgo: Double, now: Date, sources: [String: AcuteProtocol.Source],
        titles: [String: String], texts: TextCatalogue.Texts, zone: TimeZone?, episode: AcuteEpisodePages.Banner?, unlinked: Bool
    ) {
        let (evaluation, statementLanguage) = said
        let statementLang = ProtocolStatements.tag(statementLanguage)
        self.statementLang = statementLang
        statementsInEnglish = statementLanguage != texts.language && texts.language == .sv ? texts["acute_statements_in_english"] : nil
        evaluationId = id.uuidString
        patient = episode?.patient
        newEvaluationHref = episode.map { "/acute?episode=\($0.id.uuidString.lowercased())" } ?? "/acute"
        self.unlinked = unlinked
        let used = now.addingTimeInterval(-lkwMinutesAgo * 60)
        if let episode, episode.lastKnownWell.map({ abs($0.timeIntervalSince(used)) >= 60 }) ?? true {
            lkwDiffers = texts.format(
                "acute_lkw_differs",
                [
                    "used": texts.moment(used, in: zone ?? .gmt),
                    "episode": episode.lastKnownWell.map { texts.moment($0, in: zone ?? .gmt) } ?? texts["acute_lkw_none"],
                ])
        }
        self.stored = stored
        spooled = stored == "spool"
        profile = evaluation.profile
        profileNotices = evaluation.profileNotices
        protocolVersion = evaluation.protocolVersion
        lkwEpochMs = Int64((now.timeIntervalSince1970 - lkwMinutesAgo * 60) * 1000)
        evaluatedAt = texts.moment(now, in: zone ?? .gmt)
        lkwAt = texts.moment(now.addingTimeInterval(-lkwMinutesAgo * 60), in: zone ?? .gmt)
        footer = texts.format(
            "acute_result_footer",
            ["id": id.uuidString, "stored": stored, "profile": evaluation.profile, "protocol": evaluation.protocolVersion])
        self.lkwMinutesAgo = Int(lkwMinutesAgo.rounded())
        let ivt = evaluation.ivt
        ivtStatus =
            switch ivt.decision {
            case .eligible: texts["acute_ivt_eligible"]
            case .eligibleWithCaution: texts["acute_ivt_eligible_with_caution"]
            case .conditional: texts["acute_ivt_conditional"]
            case .needsData: texts["acute_ivt_needs_data"]
            case .notIndicated: texts["acute_ivt_not_indicated"]
            case .contraindicated: texts["acute_ivt_contraindicated"]
            }
        ivtTone =
            switch ivt.decision {
            case .eligible: "ok"
            case .eligibleWithCaution, .conditional, .needsData: "warn"
            case .contraindicated, .notIndicated: "bad"
            }
        ivtPathway = ivt.pathway.map { titles[$0] ?? $0 } ?? texts["acute_no_pathway"]
        ivtPathwayCode = ivt.pathway ?? ""
        ivtPathwayLang = ivt.pathway == nil ? nil : statementLang
        func cite(_ ids: [String]) -> String {
            ids.compactMap { sources[$0].map { "\($0.citation)\($0.doi.map { " doi:\($0)" } ?? "")" } }.joined(separator: "; ")
        }
        ivtReasons =
            ivt.absoluteContraindications.map { Reason(kind: texts["acute_reason_absolute"], code: $0.code, text: $0.text, citation: cite($0.sources)) }
            + ivt.notIndicatedReasons.map { Reason(kind: texts["acute_reason_not_indicated"], code: $0.code, text: $0.text, citation: cite($0.sources)) }
            + ivt.correctBeforeTreatment.map { Reason(kind: texts["acute_reason_correct_first"], code: $0.code, text: $0.text, citation: cite($0.sources)) }
            + ivt.relativeContraindications.map { Reason(kind: texts["acute_reason_relative"], code: $0.code, text: $0.text, citation: cite($0.sources)) }
        ivtWarnings = ivt.warnings
        ivtNotes = ivt.notes
        /// Milligrams and millilitres to a tenth, as before the pages were translated (a dose is never
        /// shown more precisely than it is drawn up); mg/kg to the hundredth (0.25).
        func amount(_ value: Double, digits: Int = 1) -> String {
            value.formatted(.number.precision(.fractionLength(0...digits)).locale(texts.language.locale).grouping(.never))
        }
        if evaluation.doses.doseApplicable {
            let tnk = evaluation.doses.tenecteplase.flatMap { tnk in
                tnk.offered
                    ? Tenecteplase(
                        band: texts.format(
                            "acute_dose_tenecteplase_band",
                            ["mg": amount(tnk.bandDoseMg), "ml": amount(tnk.bandVolumeMlAt5mgPerMl), "band": "\(tnk.weightBand)"]),
                        exact: tnk.capped
                            ? texts.format(
                                "acute_dose_tenecteplase_exact_capped", ["per_kg": amount(tnk.mgPerKg, digits: 2), "mg": amount(tnk.exactWeightBasedMg)])
                            : texts.format("acute_dose_tenecteplase_exact", ["per_kg": amount(tnk.mgPerKg, digits: 2), "mg": amount(tnk.exactWeightBasedMg)]),
                        warnings: tnk.warnings)
                    : nil
            }
            let tpa = evaluation.doses.alteplase.flatMap { tpa in
                tpa.offered
                    ? Alteplase(
                        total: tpa.capped
                            ? texts.format("acute_dose_alteplase_total_capped", ["mg": amount(tpa.totalMg)])
                            : texts.format("acute_dose_alteplase_total", ["mg": amount(tpa.totalMg)]),
                        detail: texts.format(
                            "acute_dose_alteplase_detail",
                            ["bolus": amount(tpa.bolusMg), "infusion": amount(tpa.infusionMg), "discard": amount(tpa.discardFrom100mgVialMg)])
                    ) : nil
            }
            if tnk != nil || tpa != nil { doses = Doses(tenecteplase: tnk, alteplase: tpa, rationale: ivt.agentRationale ?? "") }
        }
        let evt = evaluation.evt
        evtRecommendation = Self.recommendation(evt.recommendation, texts)
        evtTone =
            switch evt.recommendation {
            case "recommended": "ok"
            case "reasonable", "may_be_considered", "needs_data": "warn"
            case "not_recommended": "bad"
            default: "muted"
            }
        func level(_ profile: String) -> String {
            guard let level = evt.levels[profile], level != "none" else { return texts["acute_level_none"] }
            return level
        }
        evtLevel = level(evaluation.profile)
        evtLevelLang = evt.levels[evaluation.profile].map { $0 == "none" ? nil : statementLang } ?? nil
        evtBasis = evt.basisExplanation
        evtWarnings = evt.warnings
        evtMet = evt.trialCriteriaMet.map { Named(text: titles[$0] ?? $0, code: $0) }
        hasMet = !evtMet.isEmpty
        evtFailed = evt.failedCriteria.sorted { $0.key < $1.key }.map {
            Pair(name: $0.key == "all" ? texts["acute_not_applicable"] : titles[$0.key] ?? $0.key, value: $0.value.joined(separator: "; "))
        }
        evtOtherProfiles = evt.recommendationByProfile.sorted { $0.key < $1.key }.filter { $0.key != evaluation.profile }
            .map { Pair(name: $0.key, value: "\(Self.recommendation($0.value, texts)) — \(level($0.key))") }
        bloodPressure = evaluation.bpPlan.sorted { $0.key < $1.key }.map { Pair(name: Self.name(of: $0.key, texts), value: $0.value) }
        hemorrhage = evaluation.hemorrhage.map { AcuteHemorrhageCard($0, cite: cite, texts: texts) }
        let antiplatelet = evaluation.antiplatelet
        antiplateletRecommendation =
            switch antiplatelet.recommendation {
            case "dual": texts["acute_antiplatelet_dual"]
            case "single": texts["acute_antiplatelet_single"]
            case "none": texts["acute_antiplatelet_none"]
            default: texts["acute_antiplatelet_needs_data"]
            }
        antiplateletTone = antiplatelet.recommendation == "needs_data" ? "warn" : "muted"
        antiplateletText = antiplatelet.text
        antiplateletRegimen = antiplatelet.regimen
        antiplateletCitation = cite(antiplatelet.sources)
        mimics = evaluation.mimics.map(\.text)
        orders = evaluation.orders?.orders.map { Pair(name: Self.name(of: $0.id, texts), value: $0.text) } ?? []
        hasOrders = evaluation.orders != nil
        weightWarning = evaluation.orders?.weightWarning
        // The ICH score is shown in the haemorrhage card, with its caution.
        scores = evaluation.scores.all.filter { $0.key != evaluation.hemorrhage?.scoreID }.sorted { $0.key < $1.key }
            .map { Pair(name: $0.key, value: $0.value.summary) }
        hasMissing = !evaluation.missingData.isEmpty
        missing = evaluation.missingData.map { item in
            let part = String(item.neededBy.split(separator: ":").first?.split(separator: ".").first ?? "")
            let named = titles[item.neededBy] ?? titles[String(item.neededBy.split(separator: ".").last ?? "")]
            let translated = named == nil ? Self.part(part, texts) : nil
            return Missing(
                label: AcuteFormFields.label(of: item.field, texts), neededBy: named ?? translated ?? item.neededBy,
                neededByLang: translated == nil ? statementLang : nil, blocking: item.blocking, code: "\(item.field) · \(item.neededBy)")
        }
        let outcome = evaluation.expectedOutcome
        let options: [(String, OutcomeEstimate?)] = [
            (texts["acute_option_no_treatment"], outcome.noTreatment), (texts["acute_option_ivt"], outcome.ivt), (texts["acute_option_evt"], outcome.evt),
            (texts["acute_option_ivt_and_evt"], outcome.ivtAndEvt),
        ]
        let shown = options.compactMap { label, estimate in estimate.map { (label, $0) } }
        outcomeChart = SVGChart.stackedShares(
            shown.map { (label: $0.0, shares: $0.1.mrsProbabilities) },
            categories: (0...6).map { "mRS \($0)" },
            title: texts.format("acute_outcome_title", ["stroke": outcome.stroke.uppercased(), "model": evaluation.outcomeModel]))
        notEstimated = outcome.notEstimatedReasons.sorted { $0.key < $1.key }
            .map { Pair(name: Self.outcomeOption($0.key, texts) ?? $0.key, value: $0.value) }
        outcomeRows = shown.map { label, estimate in
            let independent = estimate.mrsProbabilities.prefix(3).reduce(0, +)
            return Pair(
                name: label,
                value: texts.format(
                    "acute_outcome_row",
                    [
                        "independent": "\(Int((independent * 100).rounded()))", "mean": texts.number(estimate.meanMRS, digits: 2),
                        "utility": texts.number(estimate.meanUtility, digits: 2),
                    ]))
        }
    }

    /// A thrombectomy recommendation in words; one the page does not know stays its code.
    static func recommendation(_ code: String, _ texts: TextCatalogue.Texts) -> String {
        switch code {
        case "recommended": texts["acute_evt_recommended"]
        case "reasonable": texts["acute_evt_reasonable"]
        case "may_be_considered": texts["acute_evt_may_be_considered"]
        case "not_recommended": texts["acute_evt_not_recommended"]
        case "needs_data": texts["acute_evt_needs_data"]
        case "not_applicable": texts["acute_evt_not_applicable"]
        default: code
        }
    }

    /// The parts of the answer a missing fact can be needed by, when it is no rule, pathway or trial.
    static func part(_ code: String, _ texts: TextCatalogue.Texts) -> String? {
        switch code {
        case "orders": texts["acute_part_orders"]
        case "doses": texts["acute_part_doses"]
        case "EVT": texts["acute_part_evt"]
        case "antiplatelet": texts["acute_part_antiplatelet"]
        case "hemorrhage": texts["acute_part_hemorrhage"]
        case "mimics": texts["acute_part_mimics"]
        default: nil
        }
    }

    /// An option of the expected outcome by its code.
    static func outcomeOption(_ code: String, _ texts: TextCatalogue.Texts) -> String? {
        switch code {
        case "no_treatment": texts["acute_option_no_treatment"]
        case "ivt": texts["acute_option_ivt"]
        case "evt": texts["acute_option_evt"]
        case "ivt_and_evt": texts["acute_option_ivt_and_evt"]
        case "routing": texts["acute_option_routing"]
        default: nil
        }
    }

    /// The catalogue's names of the blood-pressure plan's moments (the engine's keys) and of
    /// the orders (the protocol's ids).
    static let planNames = [
        "before_IVT": "acute_bp_before_ivt", "after_IVT_24h": "acute_bp_after_ivt", "before_EVT": "acute_bp_before_evt",
        "during_and_after_EVT_24h": "acute_bp_during_after_evt", "after_successful_reperfusion": "acute_bp_after_reperfusion",
        "no_reperfusion": "acute_bp_no_reperfusion", "intracerebral_hemorrhage": "acute_bp_intracerebral_hemorrhage",
        "monitoring": "acute_order_monitoring", "sich_protocol": "acute_order_sich", "angioedema_protocol": "acute_order_angioedema",
        "no_antithrombotics_24h": "acute_order_no_antithrombotics", "no_invasive_24h": "acute_order_no_invasive",
    ]

    /// A plan's moment or an order in words (one the catalogue does not know yet by its id).
    static func name(of key: String, _ texts: TextCatalogue.Texts) -> String {
        planNames[key].map { texts[$0] } ?? key.replacingOccurrences(of: "_", with: " ")
    }

}
