/// Decides IVT for a presentation under one profile (reference/acute.md section 1): the
/// first pathway whose window and criteria hold, then every rule, then the status by the
/// vectors' precedence (contraindicated > not_indicated > needs_data > conditional >
/// eligible_with_caution > eligible). `needs_data` extends the vectors' vocabulary: a rule
/// needed a value that is not known, and the answer names it instead of assuming. A blank
/// recent-event field counts as "no such event" only when the history is marked reviewed
/// (`history.reviewed` true); otherwise it is named as not confirmed.
enum ThrombolysisAssessment {
    static let outsideWindow = "OUTSIDE_WINDOW"

    static func assess(_ facts: inout Facts, book: RuleBook, profile: Int) -> ThrombolysisResult {
        let arena = book.arena
        let ivt = book.ivt
        var pathwayIndex: Int?
        var failures: [(pathway: Int16, criterion: Int16)] = []
        var undecidedWindows: [Int16] = []
        for (index, window) in ivt.windows.enumerated() {
            let truth = arena.evaluate(window, facts)
            if truth == .unknown { undecidedWindows.append(Int16(index)) }
            guard truth == .yes else { continue }
            if let failed = ivt.pathwayCriteria[index].firstIndex(where: { arena.evaluate($0, facts) != .yes }) {
                failures.append((Int16(index), Int16(failed)))
            } else {
                pathwayIndex = index
                break
            }
        }
        var outside: [Int16] = []
        if let pathwayIndex {
            facts[.ivtPathway] = .code(Int16(pathwayIndex))
            failures = []
            undecidedWindows = []
        } else {
            for (index, text) in ivt.outsideWindows.enumerated() where arena.evaluate(text.condition, facts) == .yes {
                outside.append(Int16(index))
            }
        }
        var fired: [Int16] = []
        var unknown: [(rule: Int16, blocking: Bool)] = []
        var absolute = false
        var notIndicated = pathwayIndex == nil
        var blocking = false
        var correct = false
        var relative = false
        let mask: UInt8 = 1 << UInt8(profile)
        let unconfirmedHistory = facts[.historyReviewed] != .flag(true)
        for (index, rule) in ivt.checks.enumerated() where rule.profileMask & mask != 0 {
            switch arena.evaluate(rule.condition, facts) {
            case .yes:
                fired.append(Int16(index))
                switch rule.category {
                case .notIndicated: notIndicated = true
                case .correctBeforeTreatment: correct = true
                case .contraindication: if rule.absolute { absolute = true } else { relative = true }
                case .warning, .note: break
                }
            case .no:
                break
            case .unknown:
                guard rule.category != .note, rule.category != .warning else { break }
                let needed = rule.whenUnknown == .needsData || rule.needsDataIf.map { arena.evaluate($0, facts) == .yes } ?? false
                guard needed || rule.whenUnknown != .ignore || unconfirmedHistory else { break }
                unknown.append((Int16(index), needed))
                blocking = blocking || needed
            }
        }
        let status: ThrombolysisResult.Status =
            if absolute {
                .contraindicated
            } else if notIndicated {
                .notIndicated
            } else if blocking {
                .needsData
            } else if correct {
                .conditional
            } else if relative {
                .eligibleWithCaution
            } else {
                .eligible
            }
        return ThrombolysisResult(
            book: book, facts: facts, decision: status, pathwayIndex: pathwayIndex, pathwayFailures: failures,
            undecidedWindows: undecidedWindows, outsideWindows: outside, fired: fired, unknownRules: unknown)
    }
}
