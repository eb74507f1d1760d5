import Foundation
import Storage

/// Where a session or a patient's place in it stands, for the colours and words of the clinic's
/// pages: booked (not started), to record (started, attendance not yet recorded), attended,
/// no-show, cancelled. A session is attended when anyone attended and everyone is recorded.
enum SessionStatus: String, CaseIterable {
    case booked
    case toRecord = "to_record"
    case attended
    case noShow = "no_show"
    case cancelled

    /// The status of a whole session at `now`.
    static func of(_ entry: TimetableEntry, now: Date) -> SessionStatus {
        let active = entry.participants.filter { !$0.cancelled }
        if entry.cancelled || active.isEmpty { return .cancelled }
        if entry.start > now { return .booked }
        if active.contains(where: { $0.attendance == nil }) { return .toRecord }
        return active.allSatisfy { $0.attendance == "no_show" } ? .noShow : .attended
    }

    /// The status of one patient's place.
    static func of(_ participant: TimetableEntry.Participant, in entry: TimetableEntry, now: Date) -> SessionStatus {
        if entry.cancelled || participant.cancelled { return .cancelled }
        if entry.start > now { return .booked }
        switch participant.attendance {
        case "attended": return .attended
        case "no_show": return .noShow
        default: return .toRecord
        }
    }

    /// The CSS class of its colour (`status-…`, text contrast 4.5:1 or more on its background).
    var css: String { "status-" + rawValue.replacingOccurrences(of: "_", with: "-") }

    /// Its word, in the page's language.
    func label(_ texts: TextCatalogue.Texts) -> String { texts["status_\(rawValue)"] }
}
