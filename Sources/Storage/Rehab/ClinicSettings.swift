public import Clinical
public import Foundation
import Postgres

/// A clinic's planning grid and local time: `standard` until the clinic sets its own.
public struct ClinicSettings: Sendable, Codable, Equatable {
    public var timeZone: String
    public var dayStart: ClockTime
    public var slotMinutes: Int
    public var weekdaySlots: Int
    /// 0 when the clinic does not plan on Saturdays.
    public var saturdaySlots: Int
    public var amPmBoundarySlot: Int
    /// Share of a shift given to patients, in percent.
    public var contactPercent: Int
    /// How long a waitlist offer of a freed slot holds.
    public var offerMinutes: Int
    /// Where the clinic is and its phone number, for the letters to its patients.
    public var address: String? = nil
    public var phone: String? = nil

    /// 08:00–16:00 in 15-minute slots on weekdays, 08:00–12:00 on Saturdays (the grid of
    /// rehab-week/1), UTC, 80 % of a shift with patients, offers held for two hours.
    public static let standard = ClinicSettings(
        timeZone: "UTC", dayStart: ClockTime(clamping: 480), slotMinutes: 15, weekdaySlots: 32,
        saturdaySlots: 16, amPmBoundarySlot: 16, contactPercent: 80, offerMinutes: 120)

    /// The clinic's time zone; UTC if the stored name is unknown to this system.
    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? .gmt }

    /// The instant a local day and time of day name in the clinic's zone (clock time: on a
    /// daylight-saving day 10:00 is 10:00, not ten hours after midnight).
    public func instant(_ day: CalendarDay, _ time: ClockTime) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let (date, minutes) = time.minutes == 1_440 ? (day.adding(days: 1), 0) : (day, time.minutes)
        return calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day, hour: minutes / 60, minute: minutes % 60))
            ?? Date(timeIntervalSince1970: Double(date.ordinal) * 86_400 + Double(minutes) * 60)
    }

    /// The local day and minutes after midnight of an instant.
    public func local(_ instant: Date) -> (day: CalendarDay, minutes: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return (CalendarDay(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1), (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// Slots planned on a week day (0 = Monday): the weekday grid Monday–Friday, the Saturday
    /// grid on Saturday, none on Sunday.
    public func slots(onWeekday weekday: Int) -> Int {
        switch weekday {
        case 0...4: weekdaySlots
        case 5: saturdaySlots
        default: 0
        }
    }

    /// Refuses an unknown time zone and a grid that does not fit in a day.
    public func check() throws(Refusal) {
        guard TimeZone(identifier: timeZone) != nil else { throw Refusal.invalid("timeZone", "\(timeZone) is not a known time zone") }
        guard [5, 10, 15, 20, 30].contains(slotMinutes) else { throw Refusal.invalid("slotMinutes", "must be 5, 10, 15, 20 or 30") }
        guard (1...64).contains(weekdaySlots) else { throw Refusal.invalid("weekdaySlots", "must be 1 to 64") }
        guard (0...64).contains(saturdaySlots) else { throw Refusal.invalid("saturdaySlots", "must be 0 to 64") }
        guard (0...weekdaySlots).contains(amPmBoundarySlot) else { throw Refusal.invalid("amPmBoundarySlot", "must be within the weekday grid") }
        guard dayStart.minutes + max(weekdaySlots, saturdaySlots) * slotMinutes <= 1_440 else {
            throw Refusal.invalid("weekdaySlots", "the grid runs past midnight")
        }
        guard (10...100).contains(contactPercent) else { throw Refusal.invalid("contactPercent", "must be 10 to 100") }
        guard (5...10_080).contains(offerMinutes) else { throw Refusal.invalid("offerMinutes", "must be 5 to 10080") }
        if let address {
            guard address.count <= 300 else { throw Refusal.invalid("address", "must be at most 300 characters") }
            try TextRules.checkFreeText(address.replacingOccurrences(of: "\n", with: " "), field: "address")
        }
        if let phone {
            guard phone.count <= 40 else { throw Refusal.invalid("phone", "must be at most 40 characters") }
            try TextRules.checkFreeText(phone, field: "phone")
        }
    }

    /// The clinic's settings, `standard` if it has set none.
    static func load(_ organisation: UUID, on connection: PostgresConnection) async throws -> ClinicSettings {
        guard
            let row = try await connection.query(
                """
                SELECT time_zone, to_char(day_start, 'HH24:MI'), slot_minutes, weekday_slots, saturday_slots, am_pm_boundary_slot,
                       contact_percent, offer_minutes, address, phone
                FROM rehab_clinic_settings WHERE organisation_id = \(organisation)
                """, prepared: true
            ).first
        else { return .standard }
        let (zone, dayStart, slotMinutes, weekdaySlots, saturdaySlots, boundary, contactPercent, offerMinutes, address, phone) =
            try row.decode((String, ClockTime, Int, Int, Int, Int, Int, Int, String, String).self)
        return ClinicSettings(
            timeZone: zone, dayStart: dayStart, slotMinutes: slotMinutes, weekdaySlots: weekdaySlots, saturdaySlots: saturdaySlots,
            amPmBoundarySlot: boundary, contactPercent: contactPercent, offerMinutes: offerMinutes, address: address.isEmpty ? nil : address,
            phone: phone.isEmpty ? nil : phone)
    }

    /// Stores the clinic's settings (checked first).
    func save(_ organisation: UUID, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO rehab_clinic_settings (organisation_id, time_zone, day_start, slot_minutes, weekday_slots, saturday_slots,
                                               am_pm_boundary_slot, contact_percent, offer_minutes, address, phone)
            VALUES (\(organisation), \(timeZone), \(dayStart.description)::time, \(slotMinutes), \(weekdaySlots), \(saturdaySlots),
                    \(amPmBoundarySlot), \(contactPercent), \(offerMinutes), \(address ?? ""), \(phone ?? ""))
            ON CONFLICT (organisation_id) DO UPDATE SET time_zone = EXCLUDED.time_zone, day_start = EXCLUDED.day_start,
                slot_minutes = EXCLUDED.slot_minutes, weekday_slots = EXCLUDED.weekday_slots, saturday_slots = EXCLUDED.saturday_slots,
                am_pm_boundary_slot = EXCLUDED.am_pm_boundary_slot, contact_percent = EXCLUDED.contact_percent,
                offer_minutes = EXCLUDED.offer_minutes, address = EXCLUDED.address, phone = EXCLUDED.phone
            """, prepared: true)
    }
}
