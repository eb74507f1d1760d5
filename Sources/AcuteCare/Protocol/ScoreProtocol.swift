/// The NIHSS items and the ASPECTS and pc-ASPECTS regions (scores.json).
public struct ScaleDefinitions: Sendable {
    struct NIHSSItem: Sendable {
        var id: String
        var label: String
        var max: Int
        var untestableAllowed: Bool
    }

    struct RegionScale: Sendable {
        struct Region: Sendable {
            var id: String
            var weight: Int
        }

        var start: Int
        var regions: [Region]

        func score(affected: [String]) -> Int {
            max(0, start - regions.filter { affected.contains($0.id) }.reduce(0) { $0 + $1.weight })
        }
    }

    var nihss: (items: [NIHSSItem], sources: [String])
    var aspects: RegionScale
    var pcAspects: RegionScale
}

/// A prognostic score: items with points, and the published risk per total.
struct ScoreDefinition: Sendable {
    enum Item: Sendable {
        /// The points of the first band whose condition holds, else `otherwise`.
        case bands(key: String, bands: [(condition: ConditionArena.Ref, points: Int)], otherwise: Int)
        /// floor(fact / divisor) points.
        case scaled(key: String, fact: Fact, divisor: Double)

        var key: String {
            switch self {
            case .bands(let key, _, _), .scaled(let key, _, _): key
            }
        }
    }

    struct RiskBand: Sendable {
        var from: Int, to: Int
        var values: [(key: String, value: String)]
    }

    struct Logistic: Sendable {
        var key: String, intercept: Double, slope: Double, decimals: Int
    }

    var id: String
    var title: String
    var items: [Item]
    var risk: [RiskBand]
    var riskSource: String
    var anchor: String?
    var logistic: Logistic?
    var notes: [String]
    var sources: [String]
    /// When the score applies (the ICH score to a haemorrhage); nil: always. A score that does
    /// not apply is not in the answer and asks for nothing.
    var when: ConditionArena.Ref?
}

/// The anchor distributions of the time-to-treatment outcome model (outcome.json), with
/// their logits computed once at load.
struct OutcomeTables: Sendable {
    /// One cohort's anchors: logit P(mRS <= k), k = 0…5, at t = 0 and at the no-effect time,
    /// and the no-effect cumulative table itself.
    struct Cohort: Sendable {
        var earlyLogits: [Double]
        var lateLogits: [Double]
        var late: [Double]
    }

    var model: String
    var noEffectIVT: Double
    var noEffectMT: Double
    var nlvoIVT: Cohort
    var lvoIVT: Cohort
    var lvoMT: Cohort
    var untreatedLVO: [Double]
    var untreatedNLVO: [Double]
    var utilityName: String
    var utility: [Double]
    /// Occlusion-site codes (indices of imaging.occlusion_site) counted as LVO.
    var lvoSites: [Int16]
    /// The LVO probability a routing comparison assumes when the request gives none: by
    /// whether imaging shows an LVO site; and the caveat every comparison carries.
    var routingLVOProbability: (lvoSite: Double, otherwise: Double)
    var routingNote: String
    var scope: OutcomeScope
}
