public import Foundation

/// Reads a `rehab-week/1` schedule file (`{"instance": name, "sessions": [row, …]}`) as
/// leniently as score.py does: a row with a missing or ill-typed field is kept, to be
/// counted as a `bad_reference`, and numbers are taken as Python's `int()` takes them.
public enum ScheduleFile {
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// An id no instance has, for ids that are not text (score.py finds them unknown too).
    static let notAnID = "\u{0}"

    public static func rows(from data: Data) throws(Unreadable) -> [ScheduleScorer.Row] {
        guard let document = try? JSONSerialization.jsonObject(with: data) else {
            throw Unreadable(description: "the schedule is not JSON")
        }
        guard let object = document as? [String: Any] else {
            throw Unreadable(description: "the schedule must be an object with a sessions list")
        }
        guard let sessions = object["sessions"] as? [Any] else { return [] }
        return sessions.map { element in
            guard let row = element as? [String: Any] else {
                return ScheduleScorer.Row(patient: nil, modality: nil, therapist: nil, room: nil, day: nil, start: nil, length: nil)
            }
            func id(_ key: String) -> String? {
                guard let value = row[key] else { return nil }
                return value as? String ?? notAnID
            }
            let therapist: String??
            switch row["therapist"] {
            case nil, is NSNull: therapist = nil
            case let text as String: therapist = .some(text)
            default: therapist = .some(nil)
            }
            return ScheduleScorer.Row(
                patient: id("patient"), modality: id("modality"), therapist: therapist, room: id("room"),
                day: integer(row["day"]), start: integer(row["start"]), length: integer(row["length"]))
        }
    }

    /// Python's `int()`: whole numbers and numbers truncated toward zero, decimal text; nil
    /// for anything else.
    static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as NSNumber:
            let double = number.doubleValue
            guard double.isFinite, abs(double) < 9e18 else { return nil }
            return Int(double.rounded(.towardZero))
        case let text as String:
            return Int(text.trimmingCharacters(in: .whitespaces))
        default:
            return nil
        }
    }
}

extension ScheduleFile {
    /// A `rehab-week/1` schedule document: one line per row, keys in a fixed order, the
    /// therapist `null` where the modality needs none.
    public static func document(instance: String, solver: String, rows: [ScheduleRow]) -> Data {
        func text(_ value: String) -> String {
            let data = (try? JSONSerialization.data(withJSONObject: [value], options: [.fragmentsAllowed])) ?? Data("[\"\"]".utf8)
            return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
        }
        var out = "{\"instance\": \(text(instance)), \"solver\": \(text(solver)), \"sessions\": [\n"
        for (index, row) in rows.enumerated() {
            out +=
                "  {\"patient\": \(text(row.patient)), \"modality\": \(text(row.modality)), \"therapist\": \(row.therapist.map(text) ?? "null"), "
                + "\"room\": \(text(row.room)), \"day\": \(row.day), \"start\": \(row.start), \"length\": \(row.length)}"
                + (index == rows.count - 1 ? "\n" : ",\n")
        }
        out += "]}\n"
        return Data(out.utf8)
    }
}
