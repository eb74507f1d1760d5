import Foundation
import ProtocolLibrary
import Rehabilitation

/// The project's copies of the rehab-week/1 instances and baselines, and instances changed
/// as a test needs.
enum RehabFixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rehab")
    static let catalogue = ProtocolLibrary.nearest(to: folder)?.url(.rehabCatalogue) ?? folder

    static func week(_ size: String) throws -> RehabWeek {
        try RehabWeek.decode(try Data(contentsOf: folder.appendingPathComponent("instances/\(size)_seed1.json")))
    }

    /// The instance's JSON, changed by `change`.
    static func week(_ size: String, changing change: (inout [String: Any]) throws -> Void) throws -> RehabWeek {
        try RehabWeek.decode(try data(size, changing: change))
    }

    static func data(_ size: String, changing change: (inout [String: Any]) throws -> Void) throws -> Data {
        let data = try Data(contentsOf: folder.appendingPathComponent("instances/\(size)_seed1.json"))
        guard var object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        try change(&object)
        return try JSONSerialization.data(withJSONObject: object)
    }

    static func baseline(_ size: String) throws -> [ScheduleRow] {
        try ScheduleFile.rows(from: try Data(contentsOf: folder.appendingPathComponent("baseline/\(size)_seed1.feasible.json")))
            .compactMap(ScheduleRow.init)
    }

    /// The rows as the scorer reads them from a file.
    static func scorerRows(_ rows: [ScheduleRow]) -> [ScheduleScorer.Row] {
        rows.map(ScheduleScorer.Row.init)
    }
}

extension Array where Element == [String: Any] {
    /// The index of the first element whose `key` is `value`.
    func index(of value: String, at key: String) -> Int? { firstIndex { $0[key] as? String == value } }
}
