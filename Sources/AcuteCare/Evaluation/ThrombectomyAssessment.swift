/// Decides thrombectomy (reference/acute.md section 2): which trials enrolling the
/// occlusion site have every criterion met, then for each profile the first guideline
/// statement that holds. A statement that cannot be decided for lack of data before any
/// holds leaves that profile's answer at `needs_data`, naming what it needs, rather than
/// passing over it to a weaker statement.
enum ThrombectomyAssessment {
    static func assess(_ facts: Facts, book: RuleBook, profile: Int) -> ThrombectomyResult {
        let arena = book.arena
        let evt = book.evt
        let applicability: ThrombectomyResult.Applicability = switch arena.evaluate(evt.applicable, facts) {
        case .yes: .applicable
        case .no: .notApplicable
        case .unknown: .unknown
        }
        var enrolling: UInt64 = 0, met: UInt64 = 0
        var statements: [Int16] = Array(repeating: -1, count: evt.statements.count)
        var undecided: [Int16] = Array(repeating: -1, count: evt.statements.count)
        if applicability == .applicable, let site = facts.codeIndex(.imagingOcclusionSite) {
            for (index, sites) in evt.trialSites.enumerated() where sites & (1 << UInt64(site)) != 0 {
                enrolling |= 1 << UInt64(index)
                if evt.trialCriteria[index].allSatisfy({ arena.evaluate($0, facts) == .yes }) { met |= 1 << UInt64(index) }
            }
            for (index, list) in evt.statementConditions.enumerated() {
                for (position, condition) in list.enumerated() {
                    let truth = arena.evaluate(condition, facts, trials: met)
                    if truth == .no { continue }
                    if truth == .yes { statements[index] = Int16(position) } else { undecided[index] = Int16(position) }
                    break
                }
            }
        }
        return ThrombectomyResult(book: book, facts: facts, profile: profile, applicability: applicability, enrolling: enrolling,
                                  met: met, statements: statements, undecided: undecided)
    }
}
