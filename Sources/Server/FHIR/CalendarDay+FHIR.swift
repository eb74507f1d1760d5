import Clinical
import Foundation

extension CalendarDay {
    /// The day's first instant in `zone` (a FHIR `date` searched as a `dateTime`, as a searched
    /// day is read: in the hospitals' zone).
    func start(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // The zone's own reckoning of its midnight (a clock change may fall between it and UTC's).
        return calendar.date(from: DateComponents(year: year, month: month, day: day))
            ?? Date(timeIntervalSince1970: Double(ordinal) * 86_400)
    }

    /// The day's last instant in `zone`.
    func end(in zone: TimeZone) -> Date { adding(days: 1).start(in: zone).addingTimeInterval(-0.001) }

    /// Today in `zone`.
    static func today(in zone: TimeZone) -> CalendarDay {
        let now = Date()
        let days = (now.timeIntervalSince1970 + Double(zone.secondsFromGMT(for: now))) / 86_400
        return CalendarDay(year: 1970, month: 1, day: 1).adding(days: Int(days.rounded(.down)))
    }
}
