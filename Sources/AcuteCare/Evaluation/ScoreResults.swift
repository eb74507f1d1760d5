public import Clinical
import Foundation

/// One prognostic score as the answer shows it: total, points per item, and the published
/// risk for the total with its source.
public struct ScoreResult: Sendable, JSONWritable {
    public var total: Int?
    public var points: [String: Int]
    public var risk: [String: RiskValue]
    public var notes: [String]
    public var missingData: [MissingData]
    /// The protocol's words for the summary.
    let phrases: Phrases

    /// A risk figure: published text ("15%") or a computed number.
    public enum RiskValue: Sendable, Equatable {
        case text(String)
        case number(Double)
    }

    /// The total with its published risks as a reader sees them ("3 — mortality at 30 days 72%"),
    /// or what it still needs.
    public var summary: String {
        let shown = risk.filter { $0.key != "source" && $0.key != "anchor" }.sorted { $0.key < $1.key }.map { key, value in
            let figure =
                switch value {
                case .text(let text): text
                case .number(let number): "\(Int((number * 100).rounded()))%"
                }
            return "\(phrases.risk(key)) \(figure)"
        }
        return total.map { "\($0) — \(shown.joined(separator: ", "))" }
            ?? phrases(.scoreIncomplete, ["fields": missingData.map(\.field).joined(separator: ", ")])
    }

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.field("total", total)
            json.key("points")
            json.object { json in for key in points.keys.sorted() { json.field(key, points[key]) } }
            json.key("risk")
            json.object { json in
                for key in risk.keys.sorted() {
                    switch risk[key] {
                    case .text(let text)?: json.field(key, text)
                    case .number(let number)?: json.field(key, number)
                    case nil: break
                    }
                }
            }
            json.field("notes", strings: notes)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }
}

/// Every score of the protocol for one presentation: item points in one flat table
/// (`unknownPoints` where an item's facts are missing), read out per score on demand.
public struct ScoreResults: Sendable, JSONWritable {
    static let unknownPoints = Int16.min

    let book: RuleBook
    let facts: Facts
    let points: [Int16]
    /// Per score, whether it applies to the presentation.
    let applies: [Bool]

    static func calculate(_ facts: Facts, book: RuleBook) -> ScoreResults {
        var points: [Int16] = []
        points.reserveCapacity(book.scoreItems.count)
        for item in book.scoreItems {
            switch item {
            case .scaled(let fact, let divisor):
                points.append(facts.number(fact).map { Int16((($0 / divisor).rounded(.down))) } ?? unknownPoints)
            case .bands(let first, let count, let otherwise):
                var value = otherwise
                for position in Int(first)..<Int(first + count) {
                    let truth = book.arena.evaluate(book.scoreBands[position].condition, facts)
                    if truth == .yes {
                        value = book.scoreBands[position].points
                        break
                    }
                    if truth == .unknown {
                        value = unknownPoints
                        break
                    }
                }
                points.append(value)
            }
        }
        return ScoreResults(
            book: book, facts: facts, points: points, applies: book.scores.map { $0.when.map { book.arena.evaluate($0, facts) == .yes } ?? true })
    }

    /// The total of score `id` ("HAT", "SEDAN", "DRAGON", "ASTRAL", "THRIVE"), nil when an
    /// item's facts are missing or there is no such score.
    public func total(_ id: String) -> Int? { self[id]?.total }

    public subscript(id: String) -> ScoreResult? {
        var offset = 0
        for (index, score) in book.scores.enumerated() {
            if score.id == id { return applies[index] ? result(score, Array(points[offset..<offset + score.items.count])) : nil }
            offset += score.items.count
        }
        return nil
    }

    /// What every score lacked (cheap when nothing is missing: no result is built).
    var missingData: [MissingData] {
        var missing: [MissingData] = []
        var offset = 0
        for (index, score) in book.scores.enumerated() {
            let itemPoints = points[offset..<offset + score.items.count]
            offset += score.items.count
            if applies[index], itemPoints.contains(Self.unknownPoints) { missing += missingData(score, Array(itemPoints)) }
        }
        return missing
    }

    private func missingData(_ score: ScoreDefinition, _ itemPoints: [Int16]) -> [MissingData] {
        var missing: [MissingData] = []
        for (item, value) in zip(score.items, itemPoints) where value == Self.unknownPoints {
            switch item {
            case .scaled(_, let fact, _):
                missing.append(MissingData(field: fact.definition.name, neededBy: score.id, blocking: false))
            case .bands(_, let bands, _):
                for band in bands {
                    for fact in book.arena.unknownFacts(band.condition, facts) {
                        let item = MissingData(field: fact.definition.name, neededBy: score.id, blocking: false)
                        if !missing.contains(item) { missing.append(item) }
                    }
                }
            }
        }
        return missing
    }

    private func result(_ score: ScoreDefinition, _ itemPoints: [Int16]) -> ScoreResult {
        var byKey: [String: Int] = [:]
        for (item, value) in zip(score.items, itemPoints) where value != Self.unknownPoints {
            byKey[item.key] = Int(value)
        }
        let missing = missingData(score, itemPoints)
        var result = ScoreResult(total: nil, points: byKey, risk: [:], notes: score.notes, missingData: missing, phrases: book.phrases)
        guard missing.isEmpty else { return result }
        let total = itemPoints.reduce(0) { $0 + Int($1) }
        result.total = total
        if let band = score.risk.first(where: { $0.from <= total && total <= $0.to }) ?? (total > (score.risk.last?.to ?? .max) ? score.risk.last : nil) {
            for (key, value) in band.values { result.risk[key] = .text(value) }
        }
        if let fit = score.logistic { result.risk[fit.key] = .number(Self.logistic(fit, total)) }
        if let anchor = score.anchor { result.risk["anchor"] = .text(anchor) }
        result.risk["source"] = .text(score.riskSource)
        return result
    }

    /// Every score by id.
    public var all: [String: ScoreResult] {
        Dictionary(uniqueKeysWithValues: book.scores.compactMap { score in self[score.id].map { (score.id, $0) } })
    }

    /// Written straight from the item points (no intermediate dictionaries: this runs for
    /// every answer), scores and their members in key order.
    public func write(to writer: inout JSONWriter) {
        var offsets: [String: Int] = [:]
        var offset = 0
        var applying: [ScoreDefinition] = []
        for (index, score) in book.scores.enumerated() {
            offsets[score.id] = offset
            offset += score.items.count
            if applies[index] { applying.append(score) }
        }
        writer.object { json in
            for score in applying.sorted(by: { $0.id < $1.id }) {
                let start = offsets[score.id] ?? 0
                let itemPoints = points[start..<start + score.items.count]
                guard !itemPoints.contains(Self.unknownPoints) else {
                    json.field(score.id, result(score, Array(itemPoints)))
                    continue
                }
                let total = itemPoints.reduce(0) { $0 + Int($1) }
                json.key(score.id)
                json.object { json in
                    json.field("total", total)
                    json.key("points")
                    json.object { json in
                        for (item, value) in zip(score.items, itemPoints).sorted(by: { $0.0.key < $1.0.key }) { json.field(item.key, Int(value)) }
                    }
                    json.key("risk")
                    json.object { json in writeRisk(score, total: total, into: &json) }
                    json.field("notes", strings: score.notes)
                    json.key("missing_data")
                    json.array([MissingData]()) { $1.write(to: &$0) }
                }
            }
        }
    }

    /// The risk members of a complete score, in key order.
    private func writeRisk(_ score: ScoreDefinition, total: Int, into json: inout JSONWriter) {
        var members: [(String, ScoreResult.RiskValue)] = []
        if let band = score.risk.first(where: { $0.from <= total && total <= $0.to }) ?? (total > (score.risk.last?.to ?? .max) ? score.risk.last : nil) {
            members += band.values.map { ($0.key, .text($0.value)) }
        }
        if let fit = score.logistic { members.append((fit.key, .number(Self.logistic(fit, total)))) }
        if let anchor = score.anchor { members.append(("anchor", .text(anchor))) }
        members.append(("source", .text(score.riskSource)))
        for (key, value) in members.sorted(by: { $0.0 < $1.0 }) {
            switch value {
            case .text(let text): json.field(key, text)
            case .number(let number): json.field(key, number)
            }
        }
    }

    static func logistic(_ fit: ScoreDefinition.Logistic, _ total: Int) -> Double {
        let probability = 1 / (1 + exp(-(fit.slope * Double(total) + fit.intercept)))
        let scale = pow(10, Double(fit.decimals))
        return (probability * scale).rounded() / scale
    }
}
