import Clinical
import Foundation
import Hummingbird
import Rehabilitation
import Storage

extension RehabPages {
    struct DayView {
        struct Card {
            var time: String
            var therapy: String
            var who: String
            var place: String
            var status: String
            var statusCss: String
            var link: String
        }

        struct Column {
            var heading: String
            var cards: [Card]
            var empty: Bool
        }

        struct Legend {
            var css: String
            var label: String
        }

        var heading: String
        var day: String
        var previousDay: String
        var nextDay: String
        var today: String
        var byTherapist: Bool
        var columns: [Column]
        var legend: [Legend]
        var summary: String
        var weekLink: String
    }

    /// The clinic's day: a column per therapist (or per room and pool, `by=room`), each
    /// session a card with its time, therapy, patients by name, place and status colour.
    func dayPage(_ request: Request, _ caller: Caller) async throws -> Response {
        let texts = pages.texts(request)
        let settings = caller.settings
        let now = Date()
        let today = settings.local(now).day
        let day = try QueryParameter.day(request, "day") ?? today
        let byTherapist = request.uri.queryParameters.get("by") != "room"
        let entries = try await bookings.timetable(
            TimetableQuery(
                clinic: caller.clinic, from: settings.instant(day, ClockTime(clamping: 0)), to: settings.instant(day.adding(days: 1), ClockTime(clamping: 0)),
                includeCancelled: true), as: caller.access
        ).sorted { ($0.start, $0.session.uuidString) < ($1.start, $1.session.uuidString) }
        // Names of the places shown only (a cancelled place's patient is not on the page).
        let names = try await patientNames(
            entries.filter { !$0.cancelled }.flatMap { $0.participants.filter { !$0.cancelled }.map { ($0.patientId, $0.pseudonym) } }, caller)
        func card(_ entry: TimetableEntry) -> DayView.Card {
            let status = SessionStatus.of(entry, now: now)
            let active = entry.participants.filter { !$0.cancelled }
            let people = active.map { names[$0.patientId] ?? $0.pseudonym }.joined(separator: ", ")
            let who =
                entry.maxParticipants > 1
                ? texts.format("day_group", ["taken": "\(active.count)", "places": "\(entry.maxParticipants)", "names": people]) : people
            let place = byTherapist ? entry.roomCode : entry.therapistCode ?? texts["session_no_therapist"]
            return .init(
                time: "\(Self.clock(settings.local(entry.start).minutes))–\(Self.clock(settings.local(entry.end).minutes))",
                therapy: name(of: entry.modality, texts), who: who, place: place, status: status.label(texts), statusCss: status.css,
                link: "/rehab/sessions/\(entry.session.uuidString.lowercased())")
        }
        var columns: [DayView.Column]
        if byTherapist {
            let therapists = try await resources.therapists(clinic: caller.clinic, as: caller.access)
            columns = therapists.filter { therapist in therapist.active || entries.contains { $0.therapistId == therapist.id } }.map { therapist in
                let cards = entries.filter { $0.therapistId == therapist.id }.map(card)
                return .init(heading: "\(therapist.name) (\(therapist.code))", cards: cards, empty: cards.isEmpty)
            }
            let unassigned = entries.filter { $0.therapistId == nil }.map(card)
            if !unassigned.isEmpty { columns.append(.init(heading: texts["session_no_therapist"], cards: unassigned, empty: false)) }
        } else {
            let rooms = try await resources.rooms(clinic: caller.clinic, as: caller.access)
            columns = rooms.map { room in
                let cards = entries.filter { $0.roomId == room.id }.map(card)
                return .init(heading: "\(room.name) (\(room.code))", cards: cards, empty: cards.isEmpty)
            }
        }
        let statuses = entries.map { SessionStatus.of($0, now: now) }
        let view = DayView(
            heading: texts.format("day_heading", ["day": texts.day(settings.instant(day, ClockTime(clamping: 720)), in: settings.zone)]),
            day: "\(day)", previousDay: "\(day.adding(days: -1))", nextDay: "\(day.adding(days: 1))", today: "\(today)", byTherapist: byTherapist,
            columns: columns, legend: SessionStatus.allCases.map { .init(css: $0.css, label: $0.label(texts)) },
            summary: texts.format(
                "day_summary",
                ["sessions": "\(statuses.filter { $0 != .cancelled }.count)", "to_record": "\(statuses.filter { $0 == .toRecord }.count)"]),
            weekLink: "/rehab?week=\(day.adding(days: -day.weekday))")
        return try pages.page("rehab-day", view, request: request, identity: caller.identity)
    }
}
