import Foundation

/// A time of day in the clinic's local time, written "HH:MM" in JSON and SQL.
public struct ClockTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Minutes after midnight, 0–1440.
    public var minutes: Int

    public init?(minutes: Int) {
        guard (0...1_440).contains(minutes) else { return nil }
        self.minutes = minutes
    }

    /// The time `minutes` after midnight, held within the day.
    public init(clamping minutes: Int) {
        self.minutes = min(max(minutes, 0), 1_440)
    }

    /// Reads "HH:MM" (or "HH:MM:SS" with zero seconds, as PostgreSQL writes a time).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0.count == 2 }),
            let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours), (0..<60).contains(minutes),
            parts.count == 2 || parts[2] == "00", hours * 60 + minutes <= 1_440
        else { return nil }
        self.minutes = hours * 60 + minutes
    }

    public var description: String { String(format: "%02d:%02d", minutes / 60, minutes % 60) }

    public static func < (lhs: ClockTime, rhs: ClockTime) -> Bool { lhs.minutes < rhs.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = ClockTime(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a time HH:MM"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A calendar day, written "YYYY-MM-DD" in JSON and SQL.
public struct CalendarDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Reads "YYYY-MM-DD"; refuses days that do not exist (2026-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1900...2200).contains(year)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)),
            calendar.component(.day, from: date) == day, calendar.component(.month, from: date) == month
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    public var description: String { String(format: "%04d-%02d-%02d", year, month, day) }

    /// Days since 1970-01-01.
    public var ordinal: Int {
        Int((Self.utc.date(from: DateComponents(year: year, month: month, day: day))?.timeIntervalSince1970 ?? 0) / 86_400)
    }

    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int { ((ordinal + 3) % 7 + 7) % 7 }

    /// The day `count` days later (earlier when negative).
    public func adding(days count: Int) -> CalendarDay {
        let date = Date(timeIntervalSince1970: Double(ordinal + count) * 86_400)
        let parts = Self.utc.dateComponents([.year, .month, .day], from: date)
        return CalendarDay(year: parts.year ?? year, month: parts.month ?? month, day: parts.day ?? day)
    }

    /// Whole days from `self` to `other`.
    public func days(to other: CalendarDay) -> Int { other.ordinal - ordinal }

    public static func < (lhs: CalendarDay, rhs: CalendarDay) -> Bool { lhs.ordinal < rhs.ordinal }

    /// A day from calendar parts the caller knows to be valid.
    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        return calendar
    }()

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let day = CalendarDay(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(text) is not a day YYYY-MM-DD"))
        }
        self = day
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A recurring window of a week day, `[start, end)` in local time: a shift, opening hours,
/// when a patient can attend.
public struct WeeklyWindow: Sendable, Hashable, Codable {
    /// 0 = Monday … 6 = Sunday.
    public var weekday: Int
    public var start: ClockTime
    public var end: ClockTime

    public init(weekday: Int, start: ClockTime, end: ClockTime) {
        self.weekday = weekday
        self.start = start
        self.end = end
    }

    /// Refuses a week day outside 0–6 or an end not after the start; `field` names the list.
    public static func check(_ windows: [WeeklyWindow], _ field: String) throws(Refusal) {
        for (index, window) in windows.enumerated() {
            guard (0...6).contains(window.weekday) else { throw Refusal.invalid("\(field)[\(index)].weekday", "must be 0 (Monday) to 6 (Sunday)") }
            guard window.end > window.start else { throw Refusal.invalid("\(field)[\(index)].end", "must be after the start") }
        }
        let sorted = windows.sorted { ($0.weekday, $0.start) < ($1.weekday, $1.start) }
        for (first, second) in zip(sorted, sorted.dropFirst()) where first.weekday == second.weekday && second.start < first.end {
            throw Refusal.invalid(field, "windows overlap on week day \(first.weekday) at \(second.start)")
        }
    }
}
