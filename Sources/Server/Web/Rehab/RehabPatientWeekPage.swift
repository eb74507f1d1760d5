import Clinical
import Foundation
import HTTPTypes
import Hummingbird
import Rehabilitation
import Storage

extension RehabPages {
    struct LetterView {
        struct Session {
            var day: String
            var time: String
            var therapy: String
            var with: String
            var room: String
        }

        var heading: String
        var greeting: String
        var summary: String
        var sessions: [Session]
        var hasSessions: Bool
        var clinic: String
        var address: String?
        var phone: String?
        var icsLink: String
        var weekLink: String
    }

    /// A patient's booked week as a letter to them: in the patient's language (a `lang` query
    /// overrides it; without a recorded one, the page's), addressed by name, signed with the clinic's name, address and phone, one
    /// table for the week, and the same sessions as a calendar file (`week.ics`).
    func patientWeekPage(_ request: Request, _ caller: Caller, patient: UUID) async throws -> Response {
        let week = try letterWeek(request, caller)
        let letter = try await letterContents(caller, patient: patient, week: week)
        let language = letterLanguage(request, letter.identity)
        let texts = pages.catalogue.texts(language)
        let settings = caller.settings
        let booked = letter.entries.filter { entry in !entry.cancelled && entry.participants.contains { $0.patientId == patient && !$0.cancelled } }
        let sessions = booked.map { entry in
            LetterView.Session(
                day: texts.weekday(entry.start, in: settings.zone),
                time: "\(Self.clock(settings.local(entry.start).minutes))–\(Self.clock(settings.local(entry.end).minutes))",
                therapy: name(of: entry.modality, texts), with: letter.therapists[entry.therapistId ?? UUID()] ?? "",
                room: letter.rooms[entry.roomId] ?? entry.roomCode)
        }
        let minutes = booked.reduce(0) { $0 + Int($1.end.timeIntervalSince($1.start) / 60) }
        let path = "/rehab/patients/\(patient.uuidString.lowercased())"
        let view = LetterView(
            heading: texts.format("letter_heading", ["week": texts.day(settings.instant(week, ClockTime(clamping: 720)), in: settings.zone)]),
            greeting: texts.format("letter_greeting", ["name": letter.name]),
            summary: texts.format("letter_summary", ["sessions": "\(booked.count)", "minutes": "\(minutes)", "zone": settings.timeZone]),
            sessions: sessions, hasSessions: !sessions.isEmpty, clinic: letter.clinic, address: settings.address, phone: settings.phone,
            icsLink: "\(path)/week.ics?week=\(week)&lang=\(language.rawValue)", weekLink: "/rehab?week=\(week)&patient=\(patient.uuidString.lowercased())")
        return try pages.page("rehab-patient-week", view, request: request, identity: caller.identity, language: language)
    }

    /// The patient's week as an iCalendar file (RFC 5545), in the patient's language: booked
    /// sessions, and cancelled ones as cancelled (so that a calendar that imported them drops them).
    func patientWeekCalendar(_ request: Request, _ caller: Caller, patient: UUID) async throws -> Response {
        let week = try letterWeek(request, caller)
        let letter = try await letterContents(caller, patient: patient, week: week)
        let language = letterLanguage(request, letter.identity)
        let texts = pages.catalogue.texts(language)
        let events = letter.entries.map { entry in
            WeekCalendar.Event(
                id: entry.session, start: entry.start, end: entry.end, summary: name(of: entry.modality, texts),
                cancelled: entry.cancelled || entry.participants.contains { $0.patientId == patient && $0.cancelled },
                location: [letter.rooms[entry.roomId] ?? entry.roomCode, letter.clinic, caller.settings.address].compactMap { $0 }.joined(separator: ", "),
                description: letter.therapists[entry.therapistId ?? UUID()].map { texts.format("letter_with", ["name": $0]) } ?? "")
        }
        let body = WeekCalendar.render(events, calendarName: texts.format("letter_calendar", ["clinic": letter.clinic]), stamp: Date())
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/calendar; charset=utf-8", .contentDisposition: "attachment; filename=\"therapy-week-\(week).ics\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A letter's language: the one the page asks for (`lang`), else the patient's, else the page's.
    func letterLanguage(_ request: Request, _ identity: PatientIdentity?) -> PageLanguage {
        let page = pages.language(request)
        return PageLanguage.chosen(in: request) == page ? page : identity.flatMap { PageLanguage(rawValue: $0.preferredLanguage.rawValue) } ?? page
    }

    /// The Monday of the week a letter is for (`week`, else this week).
    private func letterWeek(_ request: Request, _ caller: Caller) throws -> CalendarDay {
        let today = caller.settings.local(Date()).day
        return try QueryParameter.day(request, "week").map { $0.adding(days: -$0.weekday) } ?? today.adding(days: -today.weekday)
    }

    /// What a letter says: the patient's booked sessions of the week, their name and identity,
    /// the clinic's name, its therapists' and rooms' names.
    private func letterContents(
        _ caller: Caller, patient: UUID, week: CalendarDay
    ) async throws -> (entries: [TimetableEntry], identity: PatientIdentity?, name: String, clinic: String, therapists: [UUID: String], rooms: [UUID: String]) {
        let settings = caller.settings
        guard let pseudonym = try await rehab.stays.pseudonym(of: patient, clinic: caller.clinic, as: caller.access) else {
            throw Refusal.notFound("No patient with a stay at this clinic has that id.")
        }
        let entries = try await bookings.timetable(
            TimetableQuery(
                clinic: caller.clinic, from: settings.instant(week, ClockTime(clamping: 0)),
                to: settings.instant(week.adding(days: 7), ClockTime(clamping: 0)), patient: patient, includeCancelled: true),
            as: caller.access
        ).filter { entry in entry.participants.contains { $0.patientId == patient } }
            .sorted { $0.start < $1.start }
        let identity = try await identities.find(patient, as: caller.access)
        let therapists = try await resources.therapists(clinic: caller.clinic, as: caller.access)
        let rooms = try await resources.rooms(clinic: caller.clinic, as: caller.access)
        return (
            entries, identity, identity?.displayName ?? pseudonym, try await resources.clinicName(caller.clinic, as: caller.access) ?? "",
            Dictionary(therapists.compactMap { therapist in therapist.id.map { ($0, therapist.name) } }, uniquingKeysWith: { first, _ in first }),
            Dictionary(rooms.compactMap { room in room.id.map { ($0, room.name) } }, uniquingKeysWith: { first, _ in first })
        )
    }
}
