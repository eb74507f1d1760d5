/// A profile the request named that the protocol does not have.
public struct UnknownProfile: Error, Sendable, CustomStringConvertible {
    public var name: String
    public var known: [String]
    public var description: String { "unknown profile \(name) (known: \(known.joined(separator: ", ")))" }
}

/// Evaluates presentations against a loaded protocol. Pure: no I/O, no clock.
public struct AcuteEvaluator: Sendable {
    public let acute: AcuteProtocol
    /// The time-to-treatment outcome model, also answered on its own (`strokepath acute outcome`).
    public let outcomeModel: OutcomeModel

    public init(protocol acute: AcuteProtocol) {
        self.acute = acute
        outcomeModel = OutcomeModel(tables: acute.book.outcome)
    }

    public func evaluate(_ presentation: Presentation, profile requested: String? = nil) throws(UnknownProfile) -> AcuteEvaluation {
        let book = acute.book
        let wanted = requested ?? acute.defaultProfile
        guard let profile = book.profiles.firstIndex(of: wanted) else {
            throw UnknownProfile(name: wanted, known: book.profiles)
        }
        var facts = presentation.facts
        let ivt = ThrombolysisAssessment.assess(&facts, book: book, profile: profile)
        let evt = ThrombectomyAssessment.assess(facts, book: book, profile: profile)
        let lvo = facts.codeIndex(.imagingOcclusionSite).map(book.outcome.lvoSites.contains) ?? false
        let needle = ivt.treatmentPossible ? facts.number(.timesLkwToDecisionMin) : nil
        let puncture = evt.possible ? facts.number(.timesLkwToPunctureMin) : nil
        let expected = AcuteEvaluation.ExpectedOutcome(
            stroke: lvo ? "lvo" : "nlvo",
            noTreatment: outcomeModel.estimate(lvo: lvo, needle: nil, puncture: nil),
            ivt: needle.map { outcomeModel.estimate(lvo: lvo, needle: $0, puncture: nil) },
            evt: puncture.map { outcomeModel.estimate(lvo: true, needle: nil, puncture: $0) },
            ivtAndEvt: needle.flatMap { needle in puncture.map { outcomeModel.estimate(lvo: true, needle: needle, puncture: $0) } },
            routing: presentation.routing.map {
                outcomeModel.compareRoutes($0, lvoSite: facts.codeIndex(.imagingOcclusionSite).map { _ in lvo }, ivtPossible: ivt.treatmentPossible)
            }
        )
        return AcuteEvaluation(
            book: book, facts: facts, profile: wanted, protocolVersion: acute.version, ivt: ivt,
            doses: DoseCalculator.doses(facts, book.doses, applicable: ivt.treatmentPossible), evt: evt,
            scores: ScoreResults.calculate(facts, book: book), expectedOutcome: expected, ignoredFields: presentation.ignoredFields
        )
    }
}
