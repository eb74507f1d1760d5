public import Clinical
public import Foundation

/// What can clash when a session is booked or moved (the database's exclusion constraints
/// and capacity triggers).
public enum BookingClash: String, Sendable {
    case therapistBusy = "therapist_busy"
    case patientBusy = "patient_busy"
    case roomBusy = "room_busy"
    case roomFull = "room_full"
    case groupFull = "group_full"

    var sentence: String {
        switch self {
        case .therapistBusy: "The therapist is already booked then"
        case .patientBusy: "The patient is already booked then"
        case .roomBusy: "The room is already booked then"
        case .roomFull: "The room or pool is full then"
        case .groupFull: "The group is full"
        }
    }
}

/// The clinic's refusals, one line each.
extension Refusal {
    public static let unknownRoom = Refusal(.unknownReference, "unknown-room", message: "No room or pool with that id at that clinic is accessible to you.")
    public static let unknownTherapist = Refusal(
        .unknownReference, "unknown-therapist", message: "No active therapist with that id at that clinic is accessible to you.")
    public static let unknownPatient = Refusal(.unknownReference, "unknown-patient", message: "No patient with that id is accessible to you.")
    public static let notTransferred = Refusal(
        .ruleViolation, "not-transferred", message: "The patient belongs to another organisation that has not transferred them to this clinic.")
    public static let unknownSession = Refusal.notFound("No booked session with that id is accessible to you.")
    public static let unknownSeries = Refusal.notFound("No series with that id is accessible to you.")
    public static let unknownPlan = Refusal.notFound("No plan with that id is accessible to you.")
    public static let notAMonday = Refusal(.invalidField, "invalid-body", field: "week", message: "must be a Monday: a week starts on a Monday")
    public static let attendanceRecorded = Refusal(
        .conflict, "attendance-recorded", message: "Attendance is recorded for that session: it happened. Correct the attendance instead.")
    public static let noOpenOffer = Refusal(.conflict, "no-open-offer", message: "That waitlist entry has no open offer (taken, declined or lapsed).")

    /// Attendance is recorded once the session has started.
    public static func sessionNotStarted(_ start: Date) -> Refusal {
        Refusal(.conflict, "session-not-started", message: "The session starts at \(start.formatted(.iso8601)); attendance is recorded once it has started.")
    }

    /// Only a finished plan can be published.
    public static func planNotReady(_ status: String) -> Refusal {
        Refusal(.conflict, "plan-not-ready", message: "Only a finished plan can be published; this one is \(status).")
    }

    /// A schedule row names something the clinic does not have.
    public static func unknownScheduleReference(row: Int, field: String, value: String) -> Refusal {
        Refusal(.unknownReference, "invalid-body", field: field, message: "Session \(row) names \(field) \(value), which the clinic does not have.")
    }

    /// A booking the database refused because it clashes, with the caller's own booked session
    /// it clashes with when the caller may see it (never another patient's data).
    public static func bookingConflict(_ clash: BookingClash, session: UUID? = nil, start: Date? = nil, end: Date? = nil) -> Refusal {
        var message = clash.sentence + "."
        if let session, let start, let end {
            message = "\(clash.sentence): session \(session.uuidString.lowercased()), \(start.formatted(.iso8601))–\(end.formatted(.iso8601))."
        }
        return Refusal(.conflict, "booking-conflict", message: message, related: .init(kind: clash.rawValue, id: session, start: start, end: end))
    }

    /// The clash of a refused booking, if it is one.
    public var bookingClash: BookingClash? {
        guard name == "booking-conflict", let kind = related?.kind else { return nil }
        return BookingClash(rawValue: kind)
    }
}
