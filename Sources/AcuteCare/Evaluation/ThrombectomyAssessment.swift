/// Decides thrombectomy (reference/acute.md section 2): which trials enrolling the
/// occlusion site have every criterion met (or none failed but some cannot be decided), then
/// for each profile the first guideline statement that holds; a statement resting on an
/// undecided trial is itself undecided. A statement that cannot be decided for lack of data before any
/// holds leaves that profile's answer at `needs_data`, naming what it needs, rather than
/// passing over it to a weaker statement.
enum ThrombectomyAssessment {
    static func assess(_ facts: Facts, book: RuleBook, profile: Int) -> ThrombectomyResult {
        let arena = book.arena
        let evt = book.evt
        let applicability: ThrombectomyResult.Applicability =
            switch arena.evaluate(evt.applicable, facts) {
            case .yes: .applicable
            case .no: .notApplicable
            case .unknown: .unknown
            }
        var enrolling: UInt64 = 0
        var trials = ConditionArena.TrialTruths()
        var statements: [Int16] = Array(repeating: -1, count: evt.statements.count)
        var undecided: [Int16] = Array(repeating: -1, count: evt.statements.count)
        if applicability == .applicable, let site = facts.codeIndex(.imagingOcclusionSite) {
            for (index, sites) in evt.trialSites.enumerated() where sites & (1 << UInt64(site)) != 0 {
                let bit: UInt64 = 1 << UInt64(index)
                enrolling |= bit
                var truth = Truth.yes
                for criterion in evt.trialCriteria[index] {
                    let value = arena.evaluate(criterion, facts)
                    if value == .no {
                        truth = .no
                        break
                    }
                    if value == .unknown { truth = .unknown }
                }
                if truth == .yes { trials.met |= bit } else if truth == .unknown { trials.undecided |= bit }
            }
            for (index, list) in evt.statementConditions.enumerated() {
                for (position, condition) in list.enumerated() {
                    let truth = arena.evaluate(condition, facts, trials: trials)
                    if truth == .no { continue }
                    if truth == .yes { statements[index] = Int16(position) } else { undecided[index] = Int16(position) }
                    break
                }
            }
        }
        return ThrombectomyResult(
            book: book, facts: facts, profile: profile, applicability: applicability, enrolling: enrolling,
            trials: trials, statements: statements, undecided: undecided)
    }
}
