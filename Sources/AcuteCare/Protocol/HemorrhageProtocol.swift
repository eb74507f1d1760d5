/// What to do now for a spontaneous intracerebral haemorrhage (hemorrhage.json): the blood
/// pressure target, reversal per anticoagulant or antiplatelet, the ICH score's caution, and
/// what else is urgent.
struct HemorrhageProtocol: Sendable {
    struct BloodPressure: Sendable {
        var lowerFrom: Double
        var lowerUpTo: Double
        var target: Double
        var range: [Double]
        var avoidBelow: Double
        var lowerText: String
        var aboveText: String
        var belowText: String
        var unknownText: String
        var sources: [String]
    }

    /// A reversal agent's dose: fixed, or a fact (weight, units given) times a factor —
    /// chosen by a band of another fact (the INR, the hours since the dose) where the file
    /// gives bands — up to a maximum; or said in words only.
    struct Dose: Sendable {
        /// A band of the banding fact: from `from` (inclusive) or above `above`, up to `to`
        /// (inclusive) or below `below`; the first band that holds is used.
        struct Band: Sendable {
            var from: Double?
            var above: Double?
            var to: Double?
            var below: Double?
            var per: Double
            var max: Double?

            func contains(_ value: Double) -> Bool {
                from.map { value >= $0 } != false && above.map { value > $0 } != false && to.map { value <= $0 } != false
                    && below.map { value < $0 } != false
            }
        }

        enum Kind: Sendable {
            case fixed(Double)
            case scaled(of: Fact, per: Double, max: Double?)
            case banded(of: Fact, by: Fact, bands: [Band])
            case textOnly
        }

        var kind: Kind
        var unit: String
        /// The factor's unit ("IU/kg"), for the dose's basis.
        var perText: String
        /// What to say when the banding fact is outside every band.
        var outsideText: String?
    }

    struct Agent: Sendable {
        var agent: String
        var text: String
        var dose: Dose
    }

    struct Reversal: Sendable {
        var id: String
        var title: String
        var when: ConditionArena.Ref
        var agents: [Agent]
        var notes: [String]
        var sources: [String]
    }

    var appliesWhen: ConditionArena.Ref
    var bloodPressure: BloodPressure
    /// The id of the ICH score in scores.json, and what must be said with it.
    var scoreID: String
    var caution: String
    var cautionSources: [String]
    var reversal: [Reversal]
    var urgent: [ConditionalNote]
}
