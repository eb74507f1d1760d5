public import Clinical

/// What to do now for an intracerebral haemorrhage (hemorrhage.json): the blood-pressure
/// target for the systolic given, reversal of what the patient takes with doses from the
/// facts given, the ICH score with its caution, and what else is urgent. Built only when the
/// imaging shows a haemorrhage.
public struct HemorrhageResult: Sendable, JSONWritable {
    public struct BloodPressureTarget: Sendable, Equatable {
        /// lower, lower_with_care (above the range studied), none, measure (systolic unknown).
        public var action: String
        public var targetSystolic: Double
        public var range: [Double]
        public var avoidBelowSystolic: Double
        public var text: String
        public var sources: [String]
    }

    public struct Agent: Sendable, Equatable {
        public var agent: String
        public var text: String
        /// The dose as said ("2000 IU"); nil where a fact it needs is missing or it is said in
        /// the text only.
        public var dose: String?
        public var amount: Double?
        public var unit: String
        /// How it was worked out ("25 IU/kg × 80 kg, INR 2.6"), or why there is none.
        public var basis: String?
    }

    public struct Reversal: Sendable, Equatable {
        public var id: String
        public var title: String
        public var agents: [Agent]
        public var notes: [String]
        public var sources: [String]
    }

    public var bloodPressure: BloodPressureTarget
    /// For each anticoagulant or antiplatelet the patient takes; empty when none is known.
    public var reversal: [Reversal]
    /// With no reversal: whether none is taken, or none is known (ask); nil otherwise.
    public var reversalNote: String?
    /// The id of the ICH score (shown with its caution here, not among the other scores).
    public var scoreID: String
    public var ichScore: ScoreResult?
    public var ichScoreCaution: String
    public var urgent: [AnswerNote]
    public var missingData: [MissingData]

    /// The block for `facts`, or nil when the imaging shows no haemorrhage (or it is unknown).
    static func assess(_ facts: Facts, book: RuleBook, scores: ScoreResults) -> HemorrhageResult? {
        let plan = book.hemorrhage
        guard book.arena.evaluate(plan.appliesWhen, facts) == .yes else { return nil }
        var missing: [MissingData] = []
        func need(_ fact: Fact, _ by: String) {
            let item = MissingData(field: fact.definition.name, neededBy: by, blocking: false)
            if !missing.contains(item) { missing.append(item) }
        }
        var reversal: [Reversal] = []
        for entry in plan.reversal {
            switch book.arena.evaluate(entry.when, facts) {
            case .yes:
                let agents = entry.agents.map { agent in dose(agent, facts, book.phrases, neededBy: "hemorrhage.reversal.\(entry.id)", need: need) }
                reversal.append(Reversal(id: entry.id, title: entry.title, agents: agents, notes: entry.notes, sources: entry.sources))
            case .unknown:
                for fact in book.arena.unknownFacts(entry.when, facts) { need(fact, "hemorrhage.reversal") }
            case .no:
                break
            }
        }
        let urgent = AnswerNote.holding(plan.urgent, facts, book.arena)
        for entry in plan.urgent {
            // Empty unless the condition is undecided.
            for fact in book.arena.unknownFacts(entry.when, facts) { need(fact, "hemorrhage.urgent.\(entry.id)") }
        }
        let bp = plan.bloodPressure
        if facts.number(.bpSystolic) == nil { need(.bpSystolic, "hemorrhage.blood_pressure") }
        let score = scores[plan.scoreID]
        let noneTaken = facts.code(.anticoagulantType) == "none" && facts[.historyAntiplatelet] == .flag(false)
        let note =
            reversal.isEmpty
            ? book.phrases(noneTaken ? .noAntithromboticTaken : .noAntithromboticKnown) : nil
        return HemorrhageResult(
            bloodPressure: bloodPressure(facts.number(.bpSystolic), bp), reversal: reversal, reversalNote: note, scoreID: plan.scoreID, ichScore: score,
            ichScoreCaution: plan.caution, urgent: urgent, missingData: missing + (score?.missingData ?? []))
    }

    /// The target and what to do at systolic `systolic`.
    static func bloodPressure(_ systolic: Double?, _ bp: HemorrhageProtocol.BloodPressure) -> BloodPressureTarget {
        let (action, text): (String, String) =
            switch systolic {
            case nil: ("measure", bp.unknownText)
            case let value? where value > bp.lowerUpTo: ("lower_with_care", bp.aboveText)
            case let value? where value >= bp.lowerFrom: ("lower", bp.lowerText)
            default: ("none", bp.belowText)
            }
        return BloodPressureTarget(
            action: action, targetSystolic: bp.target, range: bp.range, avoidBelowSystolic: bp.avoidBelow, text: text, sources: bp.sources)
    }

    /// An agent with its dose worked out from the facts, or the facts it lacks named.
    static func dose(_ agent: HemorrhageProtocol.Agent, _ facts: Facts, _ phrases: Phrases, neededBy: String, need: (Fact, String) -> Void) -> Agent {
        var result = Agent(agent: agent.agent, text: agent.text, dose: nil, amount: nil, unit: agent.dose.unit, basis: nil)
        let dose = agent.dose
        func scaled(_ of: Fact, per: Double, max: Double?, band: String) {
            guard let value = facts.number(of) else {
                need(of, neededBy)
                result.basis = phrases(.reversalNeeds, ["fact": of.definition.name])
                return
            }
            let raw = value * per
            let amount = max.map { Swift.min(raw, $0) } ?? raw
            let rounded = (amount * 10).rounded() / 10
            result.amount = rounded
            result.dose = "\(TextTemplate.describe(rounded)) \(dose.unit)"
            result.basis =
                "\(TextTemplate.describe(per)) \(dose.perText) × \(TextTemplate.describe(value)) \(unitOf(of))\(band)"
                + (max.map { raw > $0 ? phrases(.reversalCapped, ["max": TextTemplate.describe($0), "unit": dose.unit]) : "" } ?? "")
        }
        switch dose.kind {
        case .textOnly:
            break
        case .fixed(let amount):
            result.amount = amount
            result.dose = "\(TextTemplate.describe(amount)) \(dose.unit)"
        case .scaled(let of, let per, let max):
            scaled(of, per: per, max: max, band: "")
        case .banded(let of, let by, let bands):
            guard let level = facts.number(by) else {
                need(by, neededBy)
                if facts.number(of) == nil { need(of, neededBy) }
                result.basis =
                    facts.number(of) == nil
                    ? phrases(.reversalNeedsBoth, ["fact": by.definition.name, "other": of.definition.name])
                    : phrases(.reversalNeeds, ["fact": by.definition.name])
                break
            }
            guard let band = bands.first(where: { $0.contains(level) }) else {
                result.basis =
                    dose.outsideText ?? phrases(.reversalOutsideBands, ["fact": by.definition.name, "level": TextTemplate.describe(level)])
                break
            }
            scaled(of, per: band.per, max: band.max, band: ", \(by.definition.name) \(TextTemplate.describe(level))")
        }
        return result
    }

    private static func unitOf(_ fact: Fact) -> String {
        if case .number(_, let unit) = fact.definition.kind { return unit }
        return ""
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("bp_target")
            json.object { json in
                json.field("action", bloodPressure.action)
                json.field("target_systolic", bloodPressure.targetSystolic)
                json.key("range")
                json.array(bloodPressure.range) { $0.number($1) }
                json.field("avoid_below_systolic", bloodPressure.avoidBelowSystolic)
                json.field("text", bloodPressure.text)
                json.field("sources", strings: bloodPressure.sources)
            }
            json.key("reversal")
            json.array(reversal) { json, entry in
                json.object { json in
                    json.field("for", entry.id)
                    json.field("title", entry.title)
                    json.key("agents")
                    json.array(entry.agents) { json, agent in
                        json.object { json in
                            json.field("agent", agent.agent)
                            json.field("dose", agent.dose)
                            json.field("amount", agent.amount)
                            json.field("unit", agent.unit.isEmpty ? nil : agent.unit)
                            json.field("basis", agent.basis)
                            json.field("text", agent.text)
                        }
                    }
                    json.field("notes", strings: entry.notes)
                    json.field("sources", strings: entry.sources)
                }
            }
            json.field("reversal_note", reversalNote)
            json.key("ich_score")
            if let ichScore { ichScore.write(to: &json) } else { json.null() }
            json.field("ich_score_caution", ichScoreCaution)
            json.key("urgent")
            json.array(urgent) { $1.write(to: &$0) }
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }
}
