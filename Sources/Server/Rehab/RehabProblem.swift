import Foundation
import Hummingbird
import Rehabilitation
import Storage

/// Turns the clinic's refusals into problems: a clash → 409 naming the caller's booking it
/// clashes with; a rule of the modality catalogue → 422 with the rule and its sources; a bad
/// field → 422 naming it; an unknown room, therapist, patient or session → 404 or 422.
enum RehabProblem {
    static func map<Result>(_ work: () async throws -> Result) async throws -> Result {
        do {
            return try await DatabaseProblem.map(work)
        } catch let conflict as BookingConflict {
            var problem = Problem(.conflict, "booking-conflict", detail: describe(conflict))
            problem.conflict = .init(kind: conflict.kind.rawValue, sessionId: conflict.session, start: conflict.start, end: conflict.end)
            throw problem
        } catch let violation as BookingRuleViolation {
            let sources = violation.sources.isEmpty ? "" : " (sources: \(violation.sources.joined(separator: ", ")))"
            var problem = Problem(.unprocessableContent, "booking-refused", detail: violation.message + sources)
            problem.errors = [.init(field: violation.kind.rawValue, detail: violation.message)]
            throw problem
        } catch let error as RehabInputError {
            var problem = Problem(.unprocessableContent, "invalid-body", detail: "\(error.field) \(error.message).")
            problem.errors = [.init(field: error.field, detail: error.message)]
            throw problem
        } catch is UnknownRoom {
            throw Problem(.unprocessableContent, "unknown-room", detail: "No room or pool with that id at that clinic is accessible to you.")
        } catch is UnknownTherapist {
            throw Problem(.unprocessableContent, "unknown-therapist", detail: "No active therapist with that id at that clinic is accessible to you.")
        } catch is NotTransferred {
            throw Problem(
                .unprocessableContent, "not-transferred",
                detail: "The patient belongs to another organisation that has not transferred them to this clinic.")
        } catch is AttendanceRecorded {
            throw Problem(.conflict, "attendance-recorded", detail: "Attendance is recorded for that session: it happened. Correct the attendance instead.")
        } catch is UnknownPatient {
            throw Problem(.unprocessableContent, "unknown-patient", detail: "No patient with that id is accessible to you.")
        } catch is UnknownSession {
            throw Problem(.notFound, "not-found", detail: "No booked session with that id is accessible to you.")
        } catch is UnknownSeries {
            throw Problem(.notFound, "not-found", detail: "No series with that id is accessible to you.")
        } catch is UnknownPlan {
            throw Problem(.notFound, "not-found", detail: "No plan with that id is accessible to you.")
        } catch is NotAMonday {
            throw Problem(.unprocessableContent, "invalid-body", detail: "A week starts on a Monday.")
        } catch let error as SessionNotStarted {
            throw Problem(
                .conflict, "session-not-started",
                detail: "The session starts at \(error.start.formatted(.iso8601)); attendance is recorded once it has started.")
        } catch is NoOpenOffer {
            throw Problem(.conflict, "no-open-offer", detail: "That waitlist entry has no open offer (taken, declined or lapsed).")
        } catch let error as PlanNotReady {
            throw Problem(.conflict, "plan-not-ready", detail: "Only a finished plan can be published; this one is \(error.status).")
        } catch let error as UnknownScheduleReference {
            throw Problem(
                .unprocessableContent, "invalid-body", detail: "Session \(error.row) names \(error.field) \(error.value), which the clinic does not have.")
        }
    }

    static func describe(_ conflict: BookingConflict) -> String {
        let what =
            switch conflict.kind {
            case .therapistBusy: "The therapist is already booked then"
            case .patientBusy: "The patient is already booked then"
            case .roomBusy: "The room is already booked then"
            case .roomFull: "The room or pool is full then"
            case .groupFull: "The group is full"
            }
        guard let session = conflict.session, let start = conflict.start, let end = conflict.end else { return what + "." }
        return "\(what): session \(session.uuidString.lowercased()), \(start.formatted(.iso8601))–\(end.formatted(.iso8601))."
    }

    /// Refuses (403) a write for an organisation the caller does not act for.
    static func acting(for organisation: UUID, _ access: AccessContext) throws {
        guard access.organisations.contains(organisation) else {
            throw Problem(.forbidden, "forbidden", detail: "You do not act for that organisation.")
        }
    }

    /// The clinic a read is about: the `clinic` query parameter, else the caller's first organisation.
    static func clinic(_ request: Request, _ access: AccessContext) throws -> UUID {
        if let clinic = try QueryParameter.uuid(request, "clinic") { return clinic }
        guard let first = access.organisations.first else {
            throw Problem(.badRequest, "invalid-parameter", detail: "clinic is needed: your token names no organisation.")
        }
        return first
    }

    /// A `YYYY-MM-DD` query parameter.
    static func day(_ request: Request, _ name: String) throws -> CalendarDay? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let day = CalendarDay(String(text)) else {
            throw Problem(.badRequest, "invalid-parameter", detail: "\(name) must be a day YYYY-MM-DD.")
        }
        return day
    }
}
