/// A condition as a protocol file states it, over the facts of a presentation and the
/// trials whose criteria are met; compiled into a `ConditionArena` for evaluation.
///
/// File syntax: `{"fact": "labs.inr", ">": 1.7}` (also `>=`, `<`, `<=`, `==`, `!=`),
/// `{"fact": …, "in": […]}`, `{"fact": …, "between": [low, high]}` (inclusive),
/// `{"fact": …, "known": true}`, `{"trial_met": "DAWN_group_A"}`, `{"all": […]}`,
/// `{"any": […]}`, `{"not": {…}}`, `{"always": true}`.
indirect enum Condition: Sendable {
    enum Comparison: String, Sendable, CaseIterable {
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
    }

    case compare(Fact, Comparison, Double)
    case equals(Fact, FactValue)
    case differs(Fact, FactValue)
    case oneOf(Fact, [FactValue])
    case between(Fact, Double, Double)
    case known(Fact, Bool)
    case trialMet(Int)
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case always

}
