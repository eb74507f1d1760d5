import Clinical
import Foundation
import Hummingbird
import Rehabilitation
import Storage

extension RehabPages {
    struct SessionView {
        struct Participant {
            var patientId: String
            var pseudonym: String
            var cancelled: Bool
            var attendance: String
            var minutes: String
            var attended: Bool
            var noShow: Bool
            var weekLink: String
        }

        struct Precaution {
            var patient: String
            var flag: String
            var note: String
            var sources: String
        }
        struct Waiting {
            var pseudonym: String
            var priority: Int
            var status: String
            var acceptLink: String?
        }

        let title = "Session"
        var csrf: String
        var action: String
        var modality: String
        var when: String
        var therapist: String
        var room: String
        var places: String
        /// The catalogue's evidence for the modality after stroke.
        var hasEvidence: Bool
        var evidenceGrade: String
        var evidenceText: String
        var evidenceSources: String
        var precautions: [Precaution]
        var hasPrecautions: Bool
        var cancelled: Bool
        var cancelReason: String
        var series: Bool
        var participants: [Participant]
        var started: Bool
        var canMark: Bool
        var canMove: Bool
        var canCancel: Bool
        var isGroup: Bool
        var day: String
        var startTime: String
        var endTime: String
        var therapists: [Choice]
        var rooms: [Choice]
        var waitlist: [Waiting]
        var hasWaitlist: Bool
        var notice: String?
        var error: String?
        var weekLink: String
    }

    /// A session: who, where, when; attendance marking once it has started; until it has
    /// ended, the move form and the cancel form with the waitlist the freed slot would be offered to.
    func sessionPage(
        _ request: Request, _ caller: Caller, id: UUID, notice: String?, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let entry = try await bookings.session(id, as: caller.access) else {
            throw Refusal.notFound("No session with that id is accessible to you.")
        }
        let settings = caller.settings
        let start = settings.local(entry.start)
        let end = settings.local(entry.end)
        let therapists = try await resources.therapists(clinic: caller.clinic, as: caller.access).filter(\.active)
        let rooms = try await resources.rooms(clinic: caller.clinic, as: caller.access)
        let waitlist = try await rehab.waitlist.entries(clinic: caller.clinic, as: caller.access)
            .filter { $0.modality == entry.modality && ($0.status == .waiting || ($0.status == .offered && $0.offeredSession == id)) }
        let week = start.day.adding(days: -start.day.weekday)
        let csrf = WebSession.csrfToken(request)
        let active = entry.participants.filter { !$0.cancelled }
        let evidence = try? bookings.catalogue.modality(entry.modality).evidence
        let precautions = try await bookings.precautions(entry, as: caller.access)
        let view = SessionView(
            csrf: csrf, action: "/rehab/sessions/\(id.uuidString.lowercased())", modality: name(of: entry.modality),
            when: "\(start.day) \(Self.clock(start.minutes))–\(Self.clock(end.minutes))",
            therapist: therapists.first { $0.id == entry.therapistId }.map { "\($0.name) (\($0.code))" } ?? entry.therapistCode ?? "none needed",
            room: rooms.first { $0.id == entry.roomId }.map { "\($0.name) (\($0.code))" } ?? entry.roomCode,
            places: "\(active.count) of \(entry.maxParticipants)",
            hasEvidence: evidence != nil, evidenceGrade: evidence?.grade ?? "", evidenceText: evidence?.text ?? "",
            evidenceSources: evidence?.sources.joined(separator: ", ") ?? "",
            precautions: precautions.map {
                .init(
                    patient: $0.patient, flag: $0.flag.replacingOccurrences(of: "_", with: " "), note: $0.note,
                    sources: $0.sources.joined(separator: ", "))
            },
            hasPrecautions: !precautions.isEmpty, cancelled: entry.cancelled, cancelReason: entry.cancelReason ?? "",
            series: entry.seriesId != nil,
            participants: entry.participants.map { participant in
                .init(
                    patientId: participant.patientId.uuidString.lowercased(), pseudonym: participant.pseudonym, cancelled: participant.cancelled,
                    attendance: participant.attendance.map { $0 == "no_show" ? "no-show" : "attended" } ?? "not recorded",
                    minutes: participant.minutesDelivered.map(String.init) ?? "", attended: participant.attendance == "attended",
                    noShow: participant.attendance == "no_show",
                    weekLink: "/rehab/patients/\(participant.patientId.uuidString.lowercased())/week?week=\(week)")
            },
            started: entry.start <= Date(), canMark: entry.start <= Date() && !entry.cancelled,
            canMove: caller.isCoordinator && !entry.cancelled && entry.end > Date(), canCancel: !entry.cancelled && entry.end > Date(),
            isGroup: entry.maxParticipants > 1,
            day: "\(start.day)", startTime: Self.clock(start.minutes), endTime: Self.clock(end.minutes),
            therapists: [.init(value: "", label: "none", selected: entry.therapistId == nil)]
                + therapists.compactMap { therapist in
                    therapist.id.map {
                        .init(value: $0.uuidString.lowercased(), label: "\(therapist.code) \(therapist.name)", selected: $0 == entry.therapistId)
                    }
                },
            rooms: rooms.compactMap { room in
                room.id.map { .init(value: $0.uuidString.lowercased(), label: "\(room.code) \(room.name)", selected: $0 == entry.roomId) }
            },
            waitlist: waitlist.map { waiting in
                .init(
                    pseudonym: waiting.pseudonym ?? "", priority: waiting.priority, status: waiting.status?.rawValue ?? "",
                    acceptLink: waiting.status == .offered && caller.isCoordinator
                        ? waiting.id.map { "/rehab/waitlist/\($0.uuidString.lowercased())/accept" } : nil)
            },
            hasWaitlist: !waitlist.isEmpty, notice: notice, error: error,
            weekLink: "/rehab?week=\(week)&room=\(entry.roomId.uuidString.lowercased())")
        return try pages.page("rehab-session", view, request: request, identity: caller.identity, csrf: csrf, status: status)
    }

    /// The session page's forms: `do` = attendance, move or cancel. A refusal shows the page
    /// again with the reason (422 or 409) and changes nothing.
    func sessionForm(_ request: Request, _ context: SignedInContext, _ caller: Caller, id: UUID) async throws -> Response {
        let form = try await context.form(request)
        do {
            let notice = try await apply(form, caller, id: id)
            return try await sessionPage(request, caller, id: id, notice: notice)
        } catch {
            guard let problem = Problem.from(error), [.unprocessableContent, .conflict, .badRequest].contains(problem.status) else { throw error }
            return try await sessionPage(request, caller, id: id, notice: nil, error: problem.detail, status: problem.status)
        }
    }

    private func apply(_ form: [String: String], _ caller: Caller, id: UUID) async throws -> String {
        switch form["do"] {
        case "attendance":
            guard let patient = form["patient"].flatMap(UUID.init(uuidString:)) else { throw Refusal.invalid("patient", "is missing") }
            let minutes = try form["minutes"].flatMap { $0.isEmpty ? nil : $0 }.map { text -> Int in
                guard let value = Int(text) else { throw Refusal.invalid("minutes", "must be a whole number") }
                return value
            }
            let record = AttendanceRecord(
                attendance: form["attendance"] ?? "", minutesDelivered: form["attendance"] == "attended" ? minutes : nil,
                note: form["note"].flatMap { $0.isEmpty ? nil : $0 })
            guard try await bookings.recordAttendance(record, session: id, patient: patient, as: caller.access) else { throw Refusal.unknownSession }
            return "Attendance recorded."
        case "move":
            guard caller.isCoordinator else { throw Refusal.notPermitted("Coordinators move sessions.") }
            guard let day = form["day"].flatMap(CalendarDay.init) else { throw Refusal.invalid("day", "must be a day YYYY-MM-DD") }
            guard let start = form["start"].flatMap(ClockTime.init), let end = form["end"].flatMap(ClockTime.init), end > start else {
                throw Refusal.invalid("start", "start and end must be times HH:MM, the end after the start")
            }
            let therapist: UUID? = form["therapist"].flatMap(UUID.init(uuidString:))
            guard let room = form["room"].flatMap(UUID.init(uuidString:)) else { throw Refusal.invalid("room", "is missing") }
            try await bookings.move(
                id, start: caller.settings.instant(day, start), end: caller.settings.instant(day, end), therapist: .some(therapist),
                room: room, as: caller.access)
            return "Session moved."
        case "cancel":
            let patient = form["patient"].flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
            guard
                let outcome = try await bookings.cancel(
                    id, patient: patient, reason: (form["reason"] ?? "").trimmingCharacters(in: .whitespaces),
                    as: caller.access)
            else { throw Refusal.unknownSession }
            let what = outcome.sessionCancelled ? "Session cancelled." : "The patient's place was cancelled."
            guard let offer = outcome.offer else { return what + " Nobody on the waitlist fits the freed slot." }
            return what + " The freed slot is offered to \(offer.pseudonym ?? "the first fitting patient on the waitlist") until "
                + "\(Self.clock(caller.settings.local(offer.offerExpiresAt ?? Date()).minutes))."
        default:
            throw Refusal.invalid("do", "must be attendance, move or cancel")
        }
    }
}
