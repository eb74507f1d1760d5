import Clinical
import Foundation
import HTTPTypes
import Storage

/// Reads an episode body (create or change) field by field: a member left out is
/// unchanged, `null` clears it, and every bad member is named in one 422 answer.
struct EpisodeChangesReader {
    static let timeFields = ["lastKnownWell", "arrivalAt", "imagingAt", "needleAt", "groinPunctureAt", "reperfusionAt"]
    static let fields = Set(timeFields + ["strokeType", "onsetWitnessed", "nihssAtArrival", "thrombolytic", "mtici", "arrivalMode"])

    /// The server's clock: a time that records the past may be at most a day ahead of it.
    let now: Date
    private(set) var errors: [Problem.FieldError] = []

    init(now: Date = Date()) { self.now = now }

    mutating func read(_ members: [String: JSONValue], allowing extra: Set<String> = []) -> EpisodeChanges {
        var changes = EpisodeChanges()
        for key in members.keys.sorted() where !Self.fields.contains(key) && !extra.contains(key) {
            errors.append(.init(field: key, detail: "is not a field of an episode"))
        }
        for field in Self.timeFields {
            guard let value = members[field] else { continue }
            let time: Date?? = time(value, field)
            switch field {
            case "lastKnownWell": changes.lastKnownWell = time
            case "arrivalAt": changes.arrivalAt = time
            case "imagingAt": changes.imagingAt = time
            case "needleAt": changes.needleAt = time
            case "groinPunctureAt": changes.groinPunctureAt = time
            default: changes.reperfusionAt = time
            }
        }
        if let value = members["strokeType"] {
            if case .string(let text) = value, let type = StrokeType(rawValue: text) {
                changes.strokeType = type
            } else {
                errors.append(.init(field: "strokeType", detail: "must be one of \(StrokeType.allCases.map(\.rawValue).sorted().joined(separator: ", "))"))
            }
        }
        changes.thrombolytic = code(members["thrombolytic"], "thrombolytic", EpisodeChanges.thrombolytics)
        changes.arrivalMode = code(members["arrivalMode"], "arrivalMode", EpisodeChanges.arrivalModes)
        changes.mtici = code(members["mtici"], "mtici", EpisodeChanges.mticiGrades)
        switch members["onsetWitnessed"] {
        case nil: break
        case .null?: changes.onsetWitnessed = .some(nil)
        case .bool(let witnessed)?: changes.onsetWitnessed = .some(witnessed)
        default: errors.append(.init(field: "onsetWitnessed", detail: "must be true, false or null"))
        }
        switch members["nihssAtArrival"] {
        case nil: break
        case .null?: changes.nihssAtArrival = .some(nil)
        case .number(let score)? where score == score.rounded() && (0...42).contains(score): changes.nihssAtArrival = .some(Int(score))
        default: errors.append(.init(field: "nihssAtArrival", detail: "must be a whole number 0–42 or null"))
        }
        return changes
    }

    mutating func uuid(_ value: JSONValue?, _ field: String) -> UUID? {
        guard case .string(let text)? = value, let id = UUID(uuidString: text) else {
            errors.append(.init(field: field, detail: value == nil ? "is required" : "must be a UUID"))
            return nil
        }
        return id
    }

    private mutating func time(_ value: JSONValue, _ field: String) -> Date?? {
        switch value {
        case .null: return .some(nil)
        case .string(let text):
            guard let date = try? Date(text, strategy: .iso8601) else { break }
            do throws(Refusal) {
                try TimeRules.checkPast(date, field: field, now: now)
                return .some(date)
            } catch {
                errors.append(.init(field: field, detail: error.message))
                return nil
            }
        default: break
        }
        errors.append(.init(field: field, detail: "must be an ISO 8601 time with a zone (e.g. 2026-11-29T08:15:00Z) or null"))
        return nil
    }

    private mutating func code(_ value: JSONValue?, _ field: String, _ allowed: Set<String>) -> String?? {
        switch value {
        case nil: return nil
        case .null?: return .some(nil)
        case .string(let text)? where allowed.contains(text): return .some(text)
        default:
            errors.append(.init(field: field, detail: "must be one of \(allowed.sorted().joined(separator: ", ")) or null"))
            return nil
        }
    }

    /// The 422 problem naming every bad field, if there is one.
    var problem: Problem? {
        guard !errors.isEmpty else { return nil }
        var problem = Problem(.unprocessableContent, "invalid-body", detail: "The episode has \(errors.count) invalid field(s).")
        problem.errors = errors
        return problem
    }
}
