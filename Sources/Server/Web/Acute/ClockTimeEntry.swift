import Foundation

/// A clock time typed on a bedside page (`datetime-local`: `2026-12-07T14:05`), read on the
/// server in the hospitals' zone (`ServerConfiguration.timeZone`), never the device's. A full
/// date and time, so a time just past midnight cannot be read as nearly a day ago; a time the
/// zone skips or repeats when the clocks change is refused rather than guessed, as is a time
/// still to come or one more than `oldest` ago (a mistyped year). Only `YYYY-MM-DDTHH:MM` is
/// read (seconds, which some browsers add, are accepted and dropped: the field shows minutes);
/// a zone suffix (`Z`, `+01:00`) is refused, never ignored.
enum ClockTimeEntry {
    enum Problem: Error, Equatable {
        /// Not a date and time.
        case unreadable
        /// The zone skips it (clocks going forward).
        case skipped
        /// The zone has it twice (clocks going back): which one is meant cannot be known.
        case repeated
        /// Later than now.
        case future
        /// Longer ago than any acute course runs (`oldest`).
        case tooOld
    }

    /// The longest ago a clock time may be: an acute episode's times are hours old, not months.
    static let oldest: TimeInterval = 30 * 86_400

    private static let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:[0-5]\d(\.\d{1,3})?)?$"#

    /// The instant `text` names in `zone`, no later than `now`.
    static func instant(_ text: String, in zone: TimeZone, now: Date) -> Result<Date, Problem> {
        let text = text.trimmingCharacters(in: .whitespaces)
        guard text.range(of: pattern, options: .regularExpression) != nil else { return .failure(.unreadable) }
        let parts = text.split(separator: "T")
        guard parts.count == 2 else { return .failure(.unreadable) }
        let day = parts[0].split(separator: "-").compactMap { Int($0) }
        let time = parts[1].split(separator: ":").compactMap { Int($0) }
        guard day.count == 3, (2...3).contains(time.count), parts[0].count == 10 else { return .failure(.unreadable) }
        let wanted = DateComponents(year: day[0], month: day[1], day: day[2], hour: time[0], minute: time[1])
        let calendar = Self.calendar(zone)
        guard (1...12).contains(day[1]), (0...23).contains(time[0]), (0...59).contains(time[1]),
            let month = calendar.date(from: DateComponents(year: day[0], month: day[1], day: 1, hour: 12)),
            calendar.range(of: .day, in: .month, for: month)?.contains(day[2]) == true,
            let date = calendar.date(from: wanted)
        else { return .failure(.unreadable) }
        func reads(_ instant: Date) -> Bool {
            let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
            return local.year == day[0] && local.month == day[1] && local.day == day[2] && local.hour == time[0] && local.minute == time[1]
        }
        guard reads(date) else { return .failure(.skipped) }
        // Clocks go back by at most an hour, so a repeated time is the same time an hour apart.
        guard !reads(date.addingTimeInterval(-3_600)), !reads(date.addingTimeInterval(3_600)) else { return .failure(.repeated) }
        guard date <= now else { return .failure(.future) }
        guard now.timeIntervalSince(date) <= oldest else { return .failure(.tooOld) }
        return .success(date)
    }

    /// `date` as a `datetime-local` value in `zone` (what the field shows for a stored time).
    static func text(_ date: Date, in zone: TimeZone) -> String {
        let local = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(String(format: "%04d", local.year ?? 0))-\(two(local.month))-\(two(local.day))T\(two(local.hour)):\(two(local.minute))"
    }

    /// A problem in words.
    static func message(_ problem: Problem, _ texts: TextCatalogue.Texts) -> String {
        switch problem {
        case .unreadable: texts["clock_unreadable"]
        case .skipped: texts["clock_skipped"]
        case .repeated: texts["clock_repeated"]
        case .future: texts["clock_future"]
        case .tooOld: texts["clock_too_old"]
        }
    }

    private static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
