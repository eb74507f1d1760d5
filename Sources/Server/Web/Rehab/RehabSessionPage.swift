import Clinical
import Foundation
import Hummingbird
import Rehabilitation
import Storage

extension RehabPages {
    struct SessionView {
        struct Participant {
            var patientId: String
            var name: String
            var cancelled: Bool
            var attendance: String
            var statusCss: String
            var minutes: String
            var attended: Bool
            var noShow: Bool
            var unrecorded: Bool
            var weekLink: String
            var attendanceLabel: String
            var minutesLabel: String
        }

        struct Precaution {
            var patient: String
            var flag: String
            var note: String
            var sources: String
        }

        struct Waiting {
            var name: String
            var priority: String
            var status: String
            var acceptLink: String?
        }

        /// A time the session could move to, as the move form's fields.
        struct Suggestion {
            var label: String
            var day: String
            var start: String
            var end: String
            var therapist: String
            var room: String
        }

        struct Status {
            var css: String
            var label: String
        }

        var csrf: String
        var action: String
        var modality: String
        var when: String
        var status: Status
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
        var canMarkAll: Bool
        var sessionMinutes: Int
        var canMove: Bool
        var suggestions: [Suggestion]
        var hasSuggestions: Bool
        var canOffer: Bool
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
        var dayLink: String
    }

    /// How many free times the move form suggests, and how many candidate times it tries.
    static let suggestions = 5
    static let candidatesTried = 48

    /// A session: who (by name, for the care staff), where, when and its status; attendance
    /// marking once it has started, one at a time or the whole group at once; until it has
    /// ended, the nearest free times to move it to (and any other time by hand), a free place
    /// offered to the waitlist now, and the cancel form.
    func sessionPage(
        _ request: Request, _ caller: Caller, id: UUID, notice: String?, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let entry = try await bookings.session(id, as: caller.access) else {
            throw Refusal.notFound("No session with that id is accessible to you.")
        }
        let texts = pages.texts(request)
        let now = Date()
        let settings = caller.settings
        let start = settings.local(entry.start)
        let end = settings.local(entry.end)
        let therapists = try await resources.therapists(clinic: caller.clinic, as: caller.access).filter(\.active)
        let rooms = try await resources.rooms(clinic: caller.clinic, as: caller.access)
        let waitlist = try await rehab.waitlist.entries(clinic: caller.clinic, as: caller.access)
            .filter { $0.modality == entry.modality && ($0.status == .waiting || ($0.status == .offered && $0.offeredSession == id)) }
        let names = try await patientNames(
            entry.participants.map { ($0.patientId, $0.pseudonym) } + waitlist.map { ($0.patientId, $0.pseudonym ?? "") }, caller)
        let week = start.day.adding(days: -start.day.weekday)
        let csrf = WebSession.csrfToken(request)
        let active = entry.participants.filter { !$0.cancelled }
        let said = statements.rehab(texts.language)
        let evidence = try? said.modality(entry.modality).evidence
        let precautions = try await bookings.precautions(entry, as: caller.access)
        let canMove = caller.isCoordinator && !entry.cancelled && entry.end > now
        let suggestions = canMove ? try await freeTimes(entry, caller, now: now, texts: texts) : []
        let sessionStatus = SessionStatus.of(entry, now: now)
        let view = SessionView(
            csrf: csrf, action: "/rehab/sessions/\(id.uuidString.lowercased())",
            modality: name(of: entry.modality, texts),
            when: "\(texts.day(entry.start, in: settings.zone)) \(Self.clock(start.minutes))–\(Self.clock(end.minutes))",
            status: .init(css: sessionStatus.css, label: sessionStatus.label(texts)),
            therapist: therapists.first { $0.id == entry.therapistId }.map { "\($0.name) (\($0.code))" } ?? entry.therapistCode
                ?? texts["session_no_therapist"],
            room: rooms.first { $0.id == entry.roomId }.map { "\($0.name) (\($0.code))" } ?? entry.roomCode,
            places: texts.format("session_places_of", ["taken": "\(active.count)", "places": "\(entry.maxParticipants)"]),
            hasEvidence: evidence != nil, evidenceGrade: evidence?.grade ?? "", evidenceText: evidence?.text ?? "",
            evidenceSources: evidence?.sources.joined(separator: ", ") ?? "",
            precautions: precautions.map { precaution in
                .init(
                    patient: precaution.patient, flag: said.flags.first { $0.id == precaution.flag }?.meaning ?? precaution.flag,
                    note: said.precautions(modality: precaution.modality, flags: [precaution.flag], patient: precaution.patient).first?.note
                        ?? precaution.note,
                    sources: precaution.sources.joined(separator: ", "))
            },
            hasPrecautions: !precautions.isEmpty, cancelled: entry.cancelled, cancelReason: entry.cancelReason ?? "",
            series: entry.seriesId != nil,
            participants: entry.participants.map { participant in
                let name = names[participant.patientId] ?? participant.pseudonym
                let status = SessionStatus.of(participant, in: entry, now: now)
                return .init(
                    patientId: participant.patientId.uuidString.lowercased(), name: name, cancelled: participant.cancelled,
                    attendance: status.label(texts), statusCss: status.css,
                    minutes: participant.minutesDelivered.map(String.init) ?? "", attended: participant.attendance == "attended",
                    noShow: participant.attendance == "no_show", unrecorded: !participant.cancelled && participant.attendance == nil,
                    weekLink: "/rehab/patients/\(participant.patientId.uuidString.lowercased())/week?week=\(week)",
                    attendanceLabel: texts.format("session_attendance_of", ["patient": name]),
                    minutesLabel: texts.format("session_minutes_of", ["patient": name]))
            },
            started: entry.start <= now, canMark: entry.start <= now && !entry.cancelled,
            canMarkAll: entry.start <= now && !entry.cancelled && entry.maxParticipants > 1 && active.contains { $0.attendance == nil },
            sessionMinutes: Int(entry.end.timeIntervalSince(entry.start) / 60),
            canMove: canMove, suggestions: suggestions, hasSuggestions: !suggestions.isEmpty,
            canOffer: caller.isCoordinator && !entry.cancelled && entry.start > now && active.count < entry.maxParticipants
                && waitlist.contains { $0.status == .waiting },
            canCancel: !entry.cancelled && entry.end > now, isGroup: entry.maxParticipants > 1,
            day: "\(start.day)", startTime: Self.clock(start.minutes), endTime: Self.clock(end.minutes),
            therapists: [.init(value: "", label: texts["session_no_therapist"], selected: entry.therapistId == nil)]
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
                    name: names[waiting.patientId] ?? waiting.pseudonym ?? "", priority: texts.format("session_priority", ["n": "\(waiting.priority)"]),
                    status: texts["waitlist_\(waiting.status?.rawValue ?? "waiting")"],
                    acceptLink: waiting.status == .offered && caller.isCoordinator
                        ? waiting.id.map { "/rehab/waitlist/\($0.uuidString.lowercased())/accept" } : nil)
            },
            hasWaitlist: !waitlist.isEmpty && !entry.cancelled || waitlist.contains { $0.status == .offered }, notice: notice, error: error,
            weekLink: "/rehab?week=\(week)&room=\(entry.roomId.uuidString.lowercased())", dayLink: "/rehab/day?day=\(start.day)")
        return try pages.page("rehab-session", view, request: request, identity: caller.identity, csrf: csrf, status: status)
    }

    /// The nearest times (same length, therapist and room) the session could move to this week
    /// from now on, tried on the clinic's slot grid nearest first.
    func freeTimes(_ entry: TimetableEntry, _ caller: Caller, now: Date, texts: TextCatalogue.Texts) async throws -> [SessionView.Suggestion] {
        let settings = caller.settings
        let start = settings.local(entry.start)
        let length = Int(entry.end.timeIntervalSince(entry.start) / 60)
        let week = start.day.adding(days: -start.day.weekday)
        var candidates: [(start: Date, end: Date)] = []
        for offset in 0..<(settings.saturdaySlots > 0 ? 6 : 5) {
            let day = week.adding(days: offset)
            let slots = offset == 5 ? settings.saturdaySlots : settings.weekdaySlots
            let dayEnd = settings.dayStart.minutes + slots * settings.slotMinutes
            var minute = settings.dayStart.minutes
            while minute + length <= dayEnd {
                let from = settings.instant(day, ClockTime(clamping: minute))
                if from > now, from != entry.start {
                    candidates.append((from, settings.instant(day, ClockTime(clamping: minute + length))))
                }
                minute += settings.slotMinutes
            }
        }
        candidates.sort { abs($0.start.timeIntervalSince(entry.start)) < abs($1.start.timeIntervalSince(entry.start)) }
        let free = try await bookings.freeSlots(
            entry.session, candidates: Array(candidates.prefix(Self.candidatesTried)), limit: Self.suggestions, as: caller.access)
        return free.map { slot in
            let from = settings.local(slot.start)
            let to = settings.local(slot.end)
            return .init(
                label: texts.format(
                    "session_move_to", ["day": texts.day(slot.start, in: settings.zone), "from": Self.clock(from.minutes), "to": Self.clock(to.minutes)]),
                day: "\(from.day)", start: Self.clock(from.minutes), end: Self.clock(to.minutes),
                therapist: entry.therapistId?.uuidString.lowercased() ?? "", room: entry.roomId.uuidString.lowercased())
        }
    }

    /// The session page's forms: `do` = attendance, attendance of the whole group, offer a free
    /// place to the waitlist, move or cancel. A refusal shows the page again with the reason (422 or 409) and changes nothing.
    func sessionForm(_ request: Request, _ context: SignedInContext, _ caller: Caller, id: UUID) async throws -> Response {
        let form = try await context.form(request)
        let texts = pages.texts(request)
        do {
            let notice = try await apply(form, caller, id: id, texts: texts)
            return try await sessionPage(request, caller, id: id, notice: notice)
        } catch {
            guard let problem = Problem.from(error), [.unprocessableContent, .conflict, .badRequest].contains(problem.status) else { throw error }
            return try await sessionPage(request, caller, id: id, notice: nil, error: problem.detail, status: problem.status)
        }
    }

    private func apply(_ form: [String: String], _ caller: Caller, id: UUID, texts: TextCatalogue.Texts) async throws -> String {
        func minutes(_ text: String?) throws -> Int? {
            try text.flatMap { $0.isEmpty ? nil : $0 }.map { text -> Int in
                guard let value = Int(text) else { throw Refusal.invalid("minutes", "must be a whole number") }
                return value
            }
        }
        switch form["do"] {
        case "attendance":
            guard let patient = form["patient"].flatMap(UUID.init(uuidString:)) else { throw Refusal.invalid("patient", "is missing") }
            let record = AttendanceRecord(
                attendance: form["attendance"] ?? "", minutesDelivered: form["attendance"] == "attended" ? try minutes(form["minutes"]) : nil,
                note: form["note"].flatMap { $0.isEmpty ? nil : $0 })
            guard try await bookings.recordAttendance(record, session: id, patient: patient, as: caller.access) else { throw Refusal.unknownSession }
            return texts["session_attendance_recorded"]
        case "attendance_all":
            guard let entry = try await bookings.session(id, as: caller.access) else { throw Refusal.unknownSession }
            let given = try minutes(form["minutes"])
            // Only the places not yet recorded: a record made one by one keeps its minutes and note.
            let open = entry.participants.filter { !$0.cancelled && $0.attendance == nil }
            let records = Dictionary(
                open.map { participant in
                    let noShow = form["no_show_\(participant.patientId.uuidString.lowercased())"] == "on"
                    return (participant.patientId, AttendanceRecord(attendance: noShow ? "no_show" : "attended", minutesDelivered: noShow ? nil : given))
                }, uniquingKeysWith: { first, _ in first })
            let recorded = try await bookings.recordGroupAttendance(records, session: id, as: caller.access)
            return texts.format("session_all_recorded", ["attended": "\(recorded.attended)", "absent": "\(recorded.noShow)"])
        case "offer":
            guard caller.isCoordinator else { throw Refusal.notPermitted("Coordinators offer places.") }
            let offered = try await rehab.waitlist.offerNow(id, as: caller.access)
            guard let offered else { return texts["session_nobody_to_offer"] }
            let name = try await patientNames([(offered.patientId, offered.pseudonym ?? "")], caller)[offered.patientId] ?? offered.pseudonym ?? ""
            return texts.format("session_offered", ["patient": name, "until": Self.clock(caller.settings.local(offered.offerExpiresAt ?? Date()).minutes)])
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
            return texts["session_moved"]
        case "cancel":
            let patient = form["patient"].flatMap { $0.isEmpty ? nil : UUID(uuidString: $0) }
            guard
                let outcome = try await bookings.cancel(
                    id, patient: patient, reason: (form["reason"] ?? "").trimmingCharacters(in: .whitespaces),
                    as: caller.access)
            else { throw Refusal.unknownSession }
            let what = texts[outcome.sessionCancelled ? "session_cancelled_done" : "session_place_cancelled_done"]
            guard let offer = outcome.offer else { return what + " " + texts["session_nobody_to_offer"] }
            let name = try await patientNames([(offer.patientId, offer.pseudonym ?? "")], caller)[offer.patientId] ?? offer.pseudonym ?? ""
            return what + " "
                + texts.format("session_offered", ["patient": name, "until": Self.clock(caller.settings.local(offer.offerExpiresAt ?? Date()).minutes)])
        default:
            throw Refusal.invalid("do", "must be attendance, attendance_all, offer, move or cancel")
        }
    }
}
