import Foundation

/// A prognostic score's total, points per item, and the published risk for the total.
public struct ScoreResult: Sendable, Encodable {
    public var total: Int?
    public var points: [String: Int]
    public var risk: [String: RiskValue]
    public var notes: [String]
    public var missingData: [MissingData]

    /// A risk figure: published text ("15%") or a computed number.
    public enum RiskValue: Sendable, Encodable, Equatable {
        case text(String)
        case number(Double)

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .text(let text): try container.encode(text)
            case .number(let number): try container.encode(number)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case total, points, risk, notes, missingData = "missing_data"
    }
}

enum ScoreCalculator {
    static func score(_ definition: ScoreDefinition, _ facts: Facts) -> ScoreResult {
        var points: [String: Int] = [:]
        var missing: [MissingData] = []
        for item in definition.items {
            switch item {
            case .scaled(let key, let fact, let divisor):
                if let value = facts.number(fact) {
                    points[key] = Int((value / divisor).rounded(.down))
                } else {
                    missing.append(MissingData(field: fact.definition.name, neededBy: definition.id, blocking: false))
                }
            case .bands(let key, let bands, let otherwise):
                var value: Int? = otherwise
                for band in bands {
                    let truth = band.condition.evaluate(facts)
                    if truth == .yes {
                        value = band.points
                        break
                    }
                    if truth == .unknown {
                        value = nil
                        missing += band.condition.unknownFacts(facts).map { MissingData(field: $0.definition.name, neededBy: definition.id, blocking: false) }
                        break
                    }
                }
                if let value { points[key] = value }
            }
        }
        var result = ScoreResult(total: nil, points: points, risk: [:], notes: definition.notes, missingData: missing)
        guard missing.isEmpty else { return result }
        let total = points.values.reduce(0, +)
        result.total = total
        if let band = definition.risk.first(where: { $0.from <= total && total <= $0.to }) ?? (total > (definition.risk.last?.to ?? .max) ? definition.risk.last : nil) {
            for (key, value) in band.values { result.risk[key] = .text(value) }
        }
        if let fit = definition.logistic {
            let probability = 1 / (1 + exp(-(fit.slope * Double(total) + fit.intercept)))
            let scale = pow(10, Double(fit.decimals))
            result.risk[fit.key] = .number((probability * scale).rounded() / scale)
        }
        if let anchor = definition.anchor { result.risk["anchor"] = .text(anchor) }
        result.risk["source"] = .text(definition.riskSource)
        return result
    }
}
