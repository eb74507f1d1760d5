import Foundation

/// A week's sessions as an iCalendar file (RFC 5545): one VEVENT per session, times in UTC,
/// text escaped, lines ended with CRLF and folded at 75 octets. An event keeps its UID (the
/// session's id) and its SEQUENCE grows with the time it is written, so that importing a newer
/// file moves a moved session and cancels a cancelled one (`STATUS:CANCELLED`).
enum WeekCalendar {
    struct Event {
        var id: UUID
        var start: Date
        var end: Date
        var summary: String
        var cancelled: Bool
        var location: String
        var description: String
    }

    static func render(_ events: [Event], calendarName: String, stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//StrokePath//Rehabilitation week//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:\(text(calendarName))",
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT", "UID:\(event.id.uuidString.lowercased())@strokepath", "DTSTAMP:\(utc(stamp))",
                "SEQUENCE:\(Int(stamp.timeIntervalSince1970 / 60))", "DTSTART:\(utc(event.start))", "DTEND:\(utc(event.end))",
                "SUMMARY:\(text(event.summary))", "LOCATION:\(text(event.location))", "STATUS:\(event.cancelled ? "CANCELLED" : "CONFIRMED")",
            ]
            if !event.description.isEmpty { lines.append("DESCRIPTION:\(text(event.description))") }
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A date-time in UTC, `20261207T083000Z`.
    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// TEXT escaped (RFC 5545 §3.3.11): backslash, semicolon, comma, line breaks.
    static func text(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;").replacingOccurrences(of: ",", with: "\\,")
            .replacingOccurrences(of: "\r\n", with: "\\n").replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\n")
    }

    /// A content line folded after 75 octets, each continuation starting with a space, never
    /// inside a character.
    static func fold(_ line: String) -> String {
        var parts: [String] = []
        var current = ""
        var octets = 0
        for character in line {
            let size = String(character).utf8.count
            if octets + size > (parts.isEmpty ? 75 : 74) {
                parts.append(current)
                current = ""
                octets = 0
            }
            current.append(character)
            octets += size
        }
        parts.append(current)
        return parts.joined(separator: "\r\n ")
    }
}
