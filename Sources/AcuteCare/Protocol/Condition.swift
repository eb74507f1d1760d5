/// A condition in a protocol file, over the facts of a presentation and the trials whose
/// criteria are met, evaluated in three-valued logic: `all` is no if any part is no,
/// `any` is yes if any part is yes, otherwise unknown parts make the whole unknown.
///
/// File syntax: `{"fact": "labs.inr", ">": 1.7}` (also `>=`, `<`, `<=`, `==`, `!=`),
/// `{"fact": …, "in": […]}`, `{"fact": …, "between": [low, high]}` (inclusive),
/// `{"fact": …, "known": true}`, `{"trial_met": "DAWN_group_A"}`, `{"all": […]}`,
/// `{"any": […]}`, `{"not": {…}}`, `{"always": true}`.
indirect enum Condition: Sendable {
    enum Comparison: String, Sendable, CaseIterable {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
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

    /// Relative tolerance at boundaries, so a ratio computed as 1.7999999999999998 still
    /// meets `>= 1.8` and 1.2000000000000002 does not meet `> 1.2`.
    static let tolerance = 1e-9

    func evaluate(_ facts: Facts, trials: [Bool] = []) -> Truth {
        switch self {
        case .compare(let fact, let comparison, let threshold):
            guard let value = facts.number(fact) else { return .unknown }
            let slack = Self.tolerance * max(1, abs(threshold))
            switch comparison {
            case .less: return Truth(value < threshold - slack)
            case .lessOrEqual: return Truth(value <= threshold + slack)
            case .greater: return Truth(value > threshold + slack)
            case .greaterOrEqual: return Truth(value >= threshold - slack)
            }
        case .equals(let fact, let expected):
            guard let value = facts[fact] else { return .unknown }
            return Truth(Self.same(value, expected))
        case .differs(let fact, let expected):
            guard let value = facts[fact] else { return .unknown }
            return Truth(!Self.same(value, expected))
        case .oneOf(let fact, let options):
            guard let value = facts[fact] else { return .unknown }
            return Truth(options.contains { Self.same(value, $0) })
        case .between(let fact, let low, let high):
            guard let value = facts.number(fact) else { return .unknown }
            return Truth(value >= low - Self.tolerance * max(1, abs(low)) && value <= high + Self.tolerance * max(1, abs(high)))
        case .known(let fact, let expected):
            return Truth((facts[fact] != nil) == expected)
        case .trialMet(let index):
            return Truth(index < trials.count && trials[index])
        case .all(let parts):
            var result = Truth.yes
            for part in parts {
                switch part.evaluate(facts, trials: trials) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        case .any(let parts):
            var result = Truth.no
            for part in parts {
                switch part.evaluate(facts, trials: trials) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
            }
            return result
        case .not(let inner):
            switch inner.evaluate(facts, trials: trials) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        case .always:
            return .yes
        }
    }

    /// The facts this condition reads that are not known (to name what is missing).
    func unknownFacts(_ facts: Facts) -> [Fact] {
        switch self {
        case .compare(let fact, _, _), .equals(let fact, _), .differs(let fact, _), .oneOf(let fact, _), .between(let fact, _, _):
            facts[fact] == nil ? fact.sources.filter { facts[$0] == nil } : []
        case .known, .trialMet, .always:
            []
        case .all(let parts), .any(let parts):
            parts.flatMap { $0.unknownFacts(facts) }
        case .not(let inner):
            inner.unknownFacts(facts)
        }
    }

    private static func same(_ value: FactValue, _ expected: FactValue) -> Bool {
        if case .number(let a) = value, case .number(let b) = expected { return abs(a - b) <= tolerance * max(1, abs(b)) }
        return value == expected
    }
}
