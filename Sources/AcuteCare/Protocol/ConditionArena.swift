/// Every condition of a protocol, compiled into one flat table of plain-data nodes, so that
/// evaluating a rule touches no reference counts. A condition is referred to by the index
/// of its root node. Evaluation is three-valued: `all` is no if any part is no, `any` is
/// yes if any part is yes, otherwise unknown parts make the whole unknown.
struct ConditionArena: Sendable {
    /// The root node of one condition.
    struct Ref: Sendable, Equatable {
        fileprivate var node: Int32
    }

    private enum Node: Sendable {
        case compare(Fact, Condition.Comparison, Double)
        case equals(Fact, FactValue)
        case differs(Fact, FactValue)
        case oneOf(Fact, first: Int32, count: Int32)
        case between(Fact, Double, Double)
        case known(Fact, Bool)
        case trialMet(Int32)
        case all(first: Int32, count: Int32)
        case any(first: Int32, count: Int32)
        case not(Int32)
        case always
    }

    private var nodes: [Node] = []
    private var children: [Int32] = []
    private var values: [FactValue] = []

    /// Relative tolerance at boundaries, so a ratio computed as 1.7999999999999998 still
    /// meets `>= 1.8` and 1.2000000000000002 does not meet `> 1.2`.
    static let tolerance = 1e-9

    /// Whether the condition is `{"always": true}`.
    func isAlways(_ ref: Ref) -> Bool {
        if case .always = nodes[Int(ref.node)] { return true }
        return false
    }

    mutating func add(_ condition: Condition) -> Ref {
        Ref(node: append(condition))
    }

    private mutating func append(_ condition: Condition) -> Int32 {
        let node: Node
        switch condition {
        case .compare(let fact, let comparison, let threshold): node = .compare(fact, comparison, threshold)
        case .equals(let fact, let value): node = .equals(fact, value)
        case .differs(let fact, let value): node = .differs(fact, value)
        case .oneOf(let fact, let options):
            node = .oneOf(fact, first: Int32(values.count), count: Int32(options.count))
            values += options
        case .between(let fact, let low, let high): node = .between(fact, low, high)
        case .known(let fact, let expected): node = .known(fact, expected)
        case .trialMet(let index): node = .trialMet(Int32(index))
        case .always: node = .always
        case .not(let inner): node = .not(append(inner))
        case .all(let parts), .any(let parts):
            let roots = parts.map { append($0) }
            let first = Int32(children.count)
            children += roots
            if case .all = condition {
                node = .all(first: first, count: Int32(roots.count))
            } else {
                node = .any(first: first, count: Int32(roots.count))
            }
        }
        nodes.append(node)
        return Int32(nodes.count - 1)
    }

    /// Which trials' criteria hold: bit i of `met` when all of trial i's criteria hold, of
    /// `undecided` when none fails but one cannot be decided for lack of data.
    struct TrialTruths: Sendable {
        var met: UInt64 = 0
        var undecided: UInt64 = 0
    }

    /// The truth of a condition; `trials` says which trials' criteria are met or undecided.
    func evaluate(_ ref: Ref, _ facts: Facts, trials: TrialTruths = .init()) -> Truth {
        evaluate(node: ref.node, facts, trials)
    }

    private func evaluate(node index: Int32, _ facts: Facts, _ trials: TrialTruths) -> Truth {
        switch nodes[Int(index)] {
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
        case .oneOf(let fact, let first, let count):
            guard let value = facts[fact] else { return .unknown }
            for position in Int(first)..<Int(first + count) where Self.same(value, values[position]) { return .yes }
            return .no
        case .between(let fact, let low, let high):
            guard let value = facts.number(fact) else { return .unknown }
            return Truth(value >= low - Self.tolerance * max(1, abs(low)) && value <= high + Self.tolerance * max(1, abs(high)))
        case .known(let fact, let expected):
            return Truth((facts[fact] != nil) == expected)
        case .trialMet(let trial):
            guard trial < 64 else { return .no }
            if trials.met & (1 << UInt64(trial)) != 0 { return .yes }
            return trials.undecided & (1 << UInt64(trial)) != 0 ? .unknown : .no
        case .all(let first, let count):
            var result = Truth.yes
            for position in Int(first)..<Int(first + count) {
                switch evaluate(node: children[position], facts, trials) {
                case .no: return .no
                case .unknown: result = .unknown
                case .yes: break
                }
            }
            return result
        case .any(let first, let count):
            var result = Truth.no
            for position in Int(first)..<Int(first + count) {
                switch evaluate(node: children[position], facts, trials) {
                case .yes: return .yes
                case .unknown: result = .unknown
                case .no: break
                }
            }
            return result
        case .not(let inner):
            switch evaluate(node: inner, facts, trials) {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        case .always:
            return .yes
        }
    }

    /// The input facts not known that leave the condition undecided (to name what is missing):
    /// a branch already decided by known facts is passed over, so a value that cannot change
    /// the answer is not asked for. `trials` as for `evaluate`.
    func unknownFacts(_ ref: Ref, _ facts: Facts, trials: TrialTruths = .init()) -> [Fact] {
        var found: [Fact] = []
        if evaluate(node: ref.node, facts, trials) == .unknown { collectUnknown(ref.node, facts, trials, into: &found) }
        return found
    }

    private func collectUnknown(_ index: Int32, _ facts: Facts, _ trials: TrialTruths, into found: inout [Fact]) {
        switch nodes[Int(index)] {
        case .compare(let fact, _, _), .equals(let fact, _), .differs(let fact, _), .oneOf(let fact, _, _), .between(let fact, _, _):
            guard facts[fact] == nil else { return }
            for source in fact.sources where facts[source] == nil && !found.contains(source) { found.append(source) }
        case .known, .trialMet, .always:
            return
        case .all(let first, let count), .any(let first, let count):
            for position in Int(first)..<Int(first + count) where evaluate(node: children[position], facts, trials) == .unknown {
                collectUnknown(children[position], facts, trials, into: &found)
            }
        case .not(let inner):
            collectUnknown(inner, facts, trials, into: &found)
        }
    }

    private static func same(_ value: FactValue, _ expected: FactValue) -> Bool {
        if case .number(let a) = value, case .number(let b) = expected { return abs(a - b) <= tolerance * max(1, abs(b)) }
        return value == expected
    }
}
