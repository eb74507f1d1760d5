/// A protocol's compiled clinical content: the condition table and every part that refers
/// into it. Immutable and shared by reference.
final class RuleBook: Sendable {
    let profiles: [String]
    let arena: ConditionArena
    let ivt: ThrombolysisProtocol
    let evt: ThrombectomyProtocol
    let doses: DosingProtocol
    let bloodPressure: BloodPressureProtocol
    let scores: [ScoreDefinition]
    let hemorrhage: HemorrhageProtocol
    let antiplatelet: AntiplateletProtocol
    let mimics: [ConditionalNote]
    let orders: OrdersProtocol
    let outcome: OutcomeTables
    let phrases: Phrases
    /// Every score item of every score in order, and the bands they point into, as plain data.
    let scoreItems: [ScoreItemCheck]
    let scoreBands: [(condition: ConditionArena.Ref, points: Int16)]

    /// How one score item is scored, as plain data.
    enum ScoreItemCheck: Sendable {
        case scaled(Fact, divisor: Double)
        case bands(first: Int32, count: Int32, otherwise: Int16)
    }

    init(
        profiles: [String], arena: ConditionArena, ivt: ThrombolysisProtocol, evt: ThrombectomyProtocol, doses: DosingProtocol,
        bloodPressure: BloodPressureProtocol, scores: [ScoreDefinition], hemorrhage: HemorrhageProtocol,
        antiplatelet: AntiplateletProtocol, mimics: [ConditionalNote], orders: OrdersProtocol,
        outcome: OutcomeTables, phrases: Phrases
    ) {
        self.profiles = profiles
        self.arena = arena
        self.ivt = ivt
        self.evt = evt
        self.doses = doses
        self.bloodPressure = bloodPressure
        self.scores = scores
        self.hemorrhage = hemorrhage
        self.antiplatelet = antiplatelet
        self.mimics = mimics
        self.orders = orders
        self.outcome = outcome
        self.phrases = phrases
        var items: [ScoreItemCheck] = []
        var bands: [(condition: ConditionArena.Ref, points: Int16)] = []
        for item in scores.flatMap(\.items) {
            switch item {
            case .scaled(_, let fact, let divisor):
                items.append(.scaled(fact, divisor: divisor))
            case .bands(_, let list, let otherwise):
                items.append(.bands(first: Int32(bands.count), count: Int32(list.count), otherwise: Int16(otherwise)))
                bands += list.map { ($0.condition, Int16($0.points)) }
            }
        }
        scoreItems = items
        scoreBands = bands
    }
}
