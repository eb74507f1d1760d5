public import Foundation

/// The times the service accepts. Nothing clinical happened before 1900 or is planned after
/// 2200; outside those years a time is a typing error or a probe, and the extremes would
/// reach PostgreSQL as `±infinity` (`Date.distantPast` and `Date.distantFuture` encode to
/// them), where one such episode stopped the regional report refresh for every region.
public enum TimeRules {
    /// 1900-01-01T00:00:00Z.
    public static let earliest = Date(timeIntervalSince1970: -2_208_988_800)
    /// 2200-01-01T00:00:00Z.
    public static let latest = Date(timeIntervalSince1970: 7_258_118_400)
    /// How far ahead of the server's clock a time that records the past may be (clocks
    /// differ, and a day covers any zone written wrongly).
    public static let pastLeeway: TimeInterval = 86_400

    /// Refuses a time outside 1900–2200.
    public static func check(_ time: Date, field: String) throws(Refusal) {
        guard time >= earliest, time < latest else { throw Refusal.invalid(field, "must be a time from 1900 to 2199") }
    }

    /// Refuses a time outside 1900–2200 or more than a day ahead of `now`, for times that
    /// record what has happened (arrival, onset, an assessment).
    public static func checkPast(_ time: Date, field: String, now: Date) throws(Refusal) {
        try check(time, field: field)
        guard time <= now.addingTimeInterval(pastLeeway) else { throw Refusal.invalid(field, "must not be in the future: it records what has happened") }
    }

    /// Refuses a range whose end is before its start.
    public static func checkOrder(_ from: Date, _ to: Date, fields: (String, String)) throws(Refusal) {
        guard from <= to else { throw Refusal.invalid(fields.1, "must be on or after \(fields.0)") }
    }
}
