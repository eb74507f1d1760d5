public import Foundation

/// A weekly rehabilitation timetabling instance in the `rehab-week/1` format
/// (bench/rehab/problem.md): the time grid, modalities, rooms, therapists, patients,
/// prescriptions, contraindication rules, same-day exclusions and objective weights.
public struct RehabWeek: Sendable, Decodable {
    public struct TimeGrid: Sendable, Decodable {
        public var slotMinutes: Int
        public var slotsPerDay: Int
        public var amPmBoundarySlot: Int
    }

    public struct Day: Sendable, Decodable {
        public var index: Int
        public var name: String
        public var weekend: Bool
    }

    public struct Modality: Sendable, Decodable {
        public var id: String
        public var skill: String?
        public var requiresTherapist: Bool
        public var roomType: String
        public var maxGroup: Int
        public var defaultSlots: Int
        public var restAfterSlots: Int
        public var teamRestricted: Bool
        /// Earliest day after stroke, by stroke type ("ischaemic", "haemorrhagic").
        public var minDaysAfterStroke: [String: Int]
    }

    public struct ContraindicationRule: Sendable, Decodable {
        public var flag: String
        public var modalities: [String]
    }

    /// Half-open slot windows `[start, end)` per day.
    public typealias Windows = [[[Int]]]

    public struct Room: Sendable, Decodable {
        public var id: String
        public var type: String
        public var capacity: Int
        public var maxSessions: Int
        public var open: Windows
    }

    public struct Therapist: Sendable, Decodable {
        public var id: String
        public var skills: [String]
        public var teams: [Int]
        public var shifts: Windows
        public var maxContactMinutes: [Int]
    }

    public struct Patient: Sendable, Decodable {
        public var id: String
        public var team: Int
        public var setting: String
        public var strokeType: String
        public var daysSinceStroke: Int
        public var priority: Int
        public var flags: [String]
        public var maxMinutesPerDay: Int
        public var minGapSlots: Int
        public var timePreference: String
        public var availability: Windows
    }

    public struct Prescription: Sendable, Decodable {
        public var id: String
        public var patient: String
        public var modality: String
        public var sessionsPerWeek: Int
        public var sessionSlots: Int
        public var maxPerDay: Int
    }

    public struct Weights: Sendable, Decodable {
        public var unmetMinute: Int
        public var dailyImbalanceMinute: Int
        public var extraTherapist: Int
        public var timePreference: Int
        public var outpatientIdleMinute: Int
        public var weekendSession: Int
    }

    public var name: String
    public var timeGrid: TimeGrid
    public var days: [Day]
    public var modalities: [Modality]
    public var contraindicationRules: [ContraindicationRule]
    public var sameDayExclusive: [[String]]
    public var rooms: [Room]
    public var therapists: [Therapist]
    public var patients: [Patient]
    public var prescriptions: [Prescription]
    public var weights: Weights

    /// Reads an instance; a malformed one is refused naming the field.
    public static func decode(_ data: Data) throws(RehabWeekError) -> RehabWeek {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(RehabWeek.self, from: data)
        } catch let DecodingError.keyNotFound(key, context) {
            throw RehabWeekError(field: Self.path(context.codingPath + [key]), message: "is missing")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw RehabWeekError(field: Self.path(context.codingPath), message: "has the wrong type")
        } catch let DecodingError.dataCorrupted(context) {
            throw RehabWeekError(field: Self.path(context.codingPath), message: "is not valid JSON")
        } catch {
            throw RehabWeekError(field: "(document)", message: "cannot be read")
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.isEmpty ? "(document)" : keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}

/// A malformed instance: the field (JSON path) and what is wrong.
public struct RehabWeekError: Error, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String
    public var description: String { "\(field): \(message)" }
}
