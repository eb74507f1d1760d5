public import Clinical

/// The thrombectomy answer: the recommendation under the chosen profile and under every
/// profile, each profile's guideline level, the trials whose criteria are all met, and for
/// each other trial enrolling this occlusion site the criteria that failed.
public struct ThrombectomyResult: Sendable {
    enum Applicability: Sendable {
        case applicable, notApplicable, unknown
    }

    let book: RuleBook
    let facts: Facts
    let profile: Int
    let applicability: Applicability
    /// Bit i: trial i enrols this site; which trials' criteria all hold or cannot yet be decided.
    let enrolling: UInt64
    let trials: ConditionArena.TrialTruths
    var met: UInt64 { trials.met }
    /// Per profile, the index of the first statement that holds (-1: none).
    let statements: [Int16]
    /// Per profile, the statement that could not be decided for lack of data before any held (-1: none).
    let undecided: [Int16]

    public var trialCriteriaMet: [String] {
        book.evt.trials.indices.filter { met & (1 << UInt64($0)) != 0 }.map { book.evt.trials[$0].id }
    }

    /// The recommendation under profile `index`.
    func recommendation(profile index: Int) -> String {
        switch applicability {
        case .notApplicable: return "not_applicable"
        case .unknown: return "needs_data"
        case .applicable:
            if undecided[index] >= 0 { return "needs_data" }
            let position = statements[index]
            if position >= 0, let recommendation = book.evt.statements[index][Int(position)].recommendation { return recommendation }
            return met == 0 ? book.evt.otherwise : book.evt.withTrialMet
        }
    }

    public var recommendation: String { recommendation(profile: profile) }

    /// What the chosen profile's recommendation rests on: a guideline `statement`, only met
    /// `trial_criteria`, or `no_statement` (no statement covers the patient: an individual
    /// decision, not a graded recommendation); nil when thrombectomy does not apply or waits for data.
    public var basis: String? {
        guard applicability == .applicable, undecided[profile] < 0 else { return nil }
        if let statement, statement.recommendation != nil { return statement.basis.rawValue }
        return met == 0 ? ThrombectomyStatement.Basis.noStatement.rawValue : "trial_criteria"
    }

    /// The basis said for a person: what the recommendation rests on, in words.
    public var basisExplanation: String? {
        switch basis {
        case "statement"?: book.phrases(.evtBasisStatement)
        case "trial_criteria"?: book.phrases(.evtBasisTrialCriteria)
        case "no_statement"? where recommendation == "not_recommended": book.phrases(.evtBasisNoneNotRecommended)
        case "no_statement"?: book.phrases(.evtBasisNone)
        default: nil
        }
    }

    /// The chosen profile's statement that holds, if one does.
    private var statement: ThrombectomyStatement? {
        guard applicability == .applicable, undecided[profile] < 0, statements[profile] >= 0 else { return nil }
        return book.evt.statements[profile][Int(statements[profile])]
    }

    /// What the clinician must know beside the recommendation: warnings of the statement that
    /// holds (later trials, no statement) and of each met trial (how this answer's timing differs).
    public var warnings: [String] {
        var texts = (statement?.warnings ?? []).filter { book.arena.evaluate($0.condition, facts) == .yes }.map(\.text)
        for (index, trial) in book.evt.trials.enumerated() where met & (1 << UInt64(index)) != 0 {
            for warning in trial.warningsWhenMet where book.arena.evaluate(warning.condition, facts) == .yes && !texts.contains(warning.text) {
                texts.append(warning.text)
            }
        }
        return texts
    }

    /// Whether thrombectomy is on the table under the chosen profile.
    public var possible: Bool { ["recommended", "reasonable", "may_be_considered"].contains(recommendation) }

    public var recommendationByProfile: [String: String] {
        Dictionary(uniqueKeysWithValues: book.profiles.indices.map { (book.profiles[$0], recommendation(profile: $0)) })
    }

    public var levels: [String: String] {
        Dictionary(
            uniqueKeysWithValues: book.profiles.indices.map { index in
                guard applicability == .applicable else { return (book.profiles[index], "none") }
                if undecided[index] >= 0 {
                    return (book.profiles[index], book.phrases(.evtNeedsData, ["level": book.evt.statements[index][Int(undecided[index])].level]))
                }
                let position = statements[index]
                return (book.profiles[index], position >= 0 ? book.evt.statements[index][Int(position)].level : "none")
            })
    }

    public var failedCriteria: [String: [String]] {
        switch applicability {
        case .notApplicable: return ["all": [book.evt.notApplicableText]]
        case .unknown: return [:]
        case .applicable: break
        }
        var failed: [String: [String]] = [:]
        for (index, trial) in book.evt.trials.enumerated() where enrolling & (1 << UInt64(index)) != 0 && met & (1 << UInt64(index)) == 0 {
            failed[trial.id] = trial.criteria.filter { book.arena.evaluate($0.condition, facts) != .yes }.map { criterion in
                let unknown = book.arena.unknownFacts(criterion.condition, facts).map(\.definition.name)
                return TextTemplate.render(criterion.fails, facts, book.phrases)
                    + (unknown.isEmpty ? "" : book.phrases(.notKnownSuffix, ["fields": unknown.joined(separator: ", ")]))
            }
        }
        return failed
    }

    public var missingData: [MissingData] {
        switch applicability {
        case .notApplicable:
            return []
        case .unknown:
            return book.arena.unknownFacts(book.evt.applicable, facts).map { MissingData(field: $0.definition.name, neededBy: "EVT", blocking: true) }
        case .applicable:
            let position = undecided[profile]
            guard position >= 0 else { return [] }
            let statement = book.evt.statements[profile][Int(position)]
            var fields = book.arena.unknownFacts(statement.condition, facts, trials: trials)
            for (index, criteria) in book.evt.trialCriteria.enumerated() where trials.undecided & (1 << UInt64(index)) != 0 {
                for criterion in criteria { fields += book.arena.unknownFacts(criterion, facts).filter { !fields.contains($0) } }
            }
            return fields.map { MissingData(field: $0.definition.name, neededBy: "EVT: \(statement.level)", blocking: true) }
        }
    }

    /// Core and hypoperfusion volumes with the mismatch, when perfusion imaging was done.
    public struct Perfusion: Sendable {
        public var coreMl: Double
        public var hypoperfusionTmax6Ml: Double
        public var mismatchVolumeMl: Double?
        public var mismatchRatio: Double?
    }

    public var perfusion: Perfusion? {
        guard let core = facts.number(.imagingCoreMl), let hypoperfusion = facts.number(.imagingHypoperfusionTmax6Ml) else { return nil }
        return .init(
            coreMl: core, hypoperfusionTmax6Ml: hypoperfusion, mismatchVolumeMl: facts.number(.perfusionMismatchVolumeMl),
            mismatchRatio: facts.number(.perfusionMismatchRatio).map { ($0 * 1000).rounded() / 1000 })
    }
}

extension ThrombectomyResult: JSONWritable {
    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("recommendation", recommendation)
            json.field("basis", basis)
            json.field("recommendation_by_profile", recommendationByProfile)
            json.field("trial_criteria_met", strings: trialCriteriaMet)
            json.field("levels", levels)
            json.field("warnings", strings: warnings)
            json.key("failed_criteria")
            let failed = failedCriteria
            json.object { json in
                for trial in failed.keys.sorted() { json.field(trial, strings: failed[trial] ?? []) }
            }
            json.key("perfusion")
            if let perfusion {
                json.object { json in
                    json.field("core_ml", perfusion.coreMl)
                    json.field("hypoperfusion_tmax6_ml", perfusion.hypoperfusionTmax6Ml)
                    json.field("mismatch_volume_ml", perfusion.mismatchVolumeMl)
                    json.field("mismatch_ratio", perfusion.mismatchRatio)
                }
            } else {
                json.null()
            }
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }
}
