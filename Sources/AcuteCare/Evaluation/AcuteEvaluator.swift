public import Clinical

/// Evaluates presentations against a loaded protocol. Pure: no I/O, no clock.
public struct AcuteEvaluator: Sendable {
    public let acute: AcuteProtocol
    /// The time-to-treatment outcome model, also answered on its own (`strokepath acute outcome`).
    public let outcomeModel: OutcomeModel

    /// Per profile (in profiles.json order), what every answer under it must say about it.
    private let profileNotices: [[String]]

    public init(protocol acute: AcuteProtocol) {
        self.acute = acute
        outcomeModel = OutcomeModel(tables: acute.book.outcome)
        profileNotices = acute.profiles.map { $0.notices(in: acute) }
    }

    /// The model's estimate for no treatment and each option on the table, or, where the model
    /// does not cover the patient (outcome.json `estimable`), the reason it gives none.
    private func expectedOutcome(
        _ facts: Facts, _ presentation: Presentation, ivt: ThrombolysisResult,
        evt: ThrombectomyResult
    ) -> AcuteEvaluation.ExpectedOutcome {
        let book = acute.book
        let scope = book.outcome.scope
        let site = facts.codeIndex(.imagingOcclusionSite)
        let lvo = site.map(book.outcome.lvoSites.contains) ?? false
        let needle = ivt.treatmentPossible ? facts.number(.timesLkwToDecisionMin) : nil
        let puncture = evt.possible ? facts.number(.timesLkwToPunctureMin) : nil
        let outside = site.flatMap { scope.sitesOutsideModel.contains($0) ? OutcomeScope.Reason.siteOutsideModel($0) : nil }
        var ivtReason = outside
        var evtReason = outside
        if let needle, ivtReason == nil {
            if let pathway = ivt.pathwayIndex, scope.ivtPathwaysNotEstimated.contains(pathway) {
                ivtReason = .imagingSelectedIVT(pathway: pathway)
            } else if needle >= book.outcome.noEffectIVT {
                ivtReason = .pastNoEffectIVT(minutes: needle)
            }
        }
        if let puncture, evtReason == nil {
            if let site, !scope.evtSites.contains(site) {
                evtReason = .evtSite(site)
            } else if puncture >= book.outcome.noEffectMT {
                evtReason = .pastNoEffectEVT(minutes: puncture)
            } else if puncture > scope.evtLateWindowAfter {
                evtReason = .lateWindowEVT(minutes: puncture)
            }
        }
        var notEstimated: [(option: String, reason: OutcomeScope.Reason)] = []
        if let outside { notEstimated.append(("no_treatment", outside)) }
        if needle != nil, let ivtReason { notEstimated.append(("ivt", ivtReason)) }
        if puncture != nil, let evtReason { notEstimated.append(("evt", evtReason)) }
        if needle != nil, puncture != nil, let reason = evtReason ?? ivtReason { notEstimated.append(("ivt_and_evt", reason)) }
        let ivtEstimate = ivtReason == nil ? needle : nil
        let evtEstimate = evtReason == nil ? puncture : nil
        // Drip-and-ship against mothership estimates thrombectomy at each route's puncture: the same limits apply.
        var routingReason = outside
        if routingReason == nil, let routes = presentation.routing {
            let latest = max(routes.dripAndShip.puncture, routes.mothership.puncture)
            if latest >= book.outcome.noEffectMT {
                routingReason = .pastNoEffectEVT(minutes: latest)
            } else if latest > scope.evtLateWindowAfter {
                routingReason = .lateWindowEVT(minutes: latest)
            }
        }
        if presentation.routing != nil, let routingReason { notEstimated.append(("routing", routingReason)) }
        return AcuteEvaluation.ExpectedOutcome(
            book: book, stroke: lvo ? "lvo" : "nlvo",
            noTreatment: outside == nil ? outcomeModel.estimate(lvo: lvo, needle: nil, puncture: nil) : nil,
            ivt: ivtEstimate.map { outcomeModel.estimate(lvo: lvo, needle: $0, puncture: nil) },
            evt: evtEstimate.map { outcomeModel.estimate(lvo: true, needle: nil, puncture: $0) },
            ivtAndEvt: ivtEstimate.flatMap { needle in evtEstimate.map { outcomeModel.estimate(lvo: true, needle: needle, puncture: $0) } },
            notEstimated: notEstimated,
            routing: routingReason != nil
                ? nil
                : presentation.routing.map {
                    outcomeModel.compareRoutes($0, lvoSite: site.map { _ in lvo }, ivtPossible: ivt.treatmentPossible)
                }
        )
    }

    public func evaluate(_ presentation: Presentation, profile requested: String? = nil) throws(Refusal) -> AcuteEvaluation {
        let book = acute.book
        let wanted = requested ?? acute.defaultProfile
        guard let profile = book.profiles.firstIndex(of: wanted) else {
            throw Refusal.unknownProfile(known: book.profiles)
        }
        var facts = presentation.facts
        let ivt = ThrombolysisAssessment.assess(&facts, book: book, profile: profile)
        let evt = ThrombectomyAssessment.assess(facts, book: book, profile: profile)
        let scores = ScoreResults.calculate(facts, book: book)
        // Decided facts the antiplatelet rules name: whether IVT is on the table, the ABCD² total.
        // Undecided while IVT waits for data: no antiplatelet plan before the IVT decision.
        facts[.ivtPossible] = ivt.decision == .needsData ? nil : .flag(ivt.treatmentPossible)
        if let abcd2 = scores.total("ABCD2") { facts[.scoresAbcd2] = .number(Double(abcd2)) }
        return AcuteEvaluation(
            book: book, facts: facts, profile: wanted, profileNotices: profileNotices[profile], protocolVersion: acute.version, ivt: ivt,
            doses: DoseCalculator.doses(facts, book.doses, applicable: ivt.treatmentPossible, offered: ivt.offers), evt: evt,
            scores: scores, hemorrhage: HemorrhageResult.assess(facts, book: book, scores: scores),
            antiplatelet: AntiplateletResult.assess(facts, book: book), mimics: AnswerNote.holding(book.mimics, facts, book.arena),
            orders: OrdersResult.assess(facts, book: book, tenecteplaseOffered: ivt.offers("tenecteplase")),
            expectedOutcome: expectedOutcome(facts, presentation, ivt: ivt, evt: evt),
            ignoredFields: presentation.ignoredFields
        )
    }
}

extension Refusal {
    /// A profile the protocol does not have.
    public static func unknownProfile(known: [String]) -> Refusal {
        Refusal(.invalidField, "invalid-presentation", field: "profile", message: "must be one of \(known.joined(separator: ", "))")
    }
}
