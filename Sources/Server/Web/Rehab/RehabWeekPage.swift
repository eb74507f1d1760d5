import Clinical
import Foundation
import Hummingbird
import Rehabilitation
import Storage

extension RehabPages {
    struct WeekView {
        struct Waiting {
            var patient: String
            var modality: String
            var priority: Int
            var status: String
            var wantedBy: String
        }

        /// A session as a row of the grid's table alternative.
        struct Row {
            var day: String
            var time: String
            var therapy: String
            var detail: String
            var status: String
            var statusCss: String
            var link: String
        }

        var heading: String
        var weekLabel: String
        var week: String
        var previousWeek: String
        var nextWeek: String
        var query: String
        var therapists: [Choice]
        var rooms: [Choice]
        var patients: [Choice]
        var grid: String
        var rows: [Row]
        var booked: String
        var printLink: String?
        var recoveryLink: String?
        /// For coordinators: the patient's name and contact.
        var identityLink: String?
        var planLink: String?
        var planStatus: String?
        /// For coordinators: a plan can be solved for this week (none running or waiting to be published).
        var canPlan: Bool
        /// The week has a published plan: planning again re-plans what is left of it.
        var replan: Bool
        var planSeconds: Int
        var csrf: String
        var unplaced: [UnplacedRow]
        var hasUnplaced: Bool
        var waitlist: [Waiting]
        var hasWaitlist: Bool
        var dayLink: String
        var legend: [DayView.Legend]
    }

    /// The week grid of one therapist, room or pool, or patient (the first gym when none is
    /// chosen), with its table alternative; for coordinators, planning the week.
    func weekPage(_ request: Request, _ caller: Caller) async throws -> Response {
        let texts = pages.texts(request)
        let now = Date()
        let settings = caller.settings
        let today = settings.local(now).day
        let week = try QueryParameter.day(request, "week").map { $0.adding(days: -$0.weekday) } ?? today.adding(days: -today.weekday)
        let therapistID = try QueryParameter.uuid(request, "therapist")
        let roomID = try QueryParameter.uuid(request, "room")
        let patientID = try QueryParameter.uuid(request, "patient")
        let therapists = try await resources.therapists(clinic: caller.clinic, as: caller.access)
        let rooms = try await resources.rooms(clinic: caller.clinic, as: caller.access)
        let stays = try await rehab.stays.stays(clinic: caller.clinic, on: nil, as: caller.access)
            .filter { $0.admittedOn <= week.adding(days: 6) && ($0.dischargeOn ?? week) >= week }
        // With nothing chosen, the first gym (the room most sessions use), else the first room.
        let chosenRoom = therapistID == nil && patientID == nil ? roomID ?? (rooms.first { $0.type == "gym" } ?? rooms.first)?.id : nil
        let query = TimetableQuery(
            clinic: caller.clinic, from: settings.instant(week, ClockTime(clamping: 0)),
            to: settings.instant(week.adding(days: 7), ClockTime(clamping: 0)),
            therapist: therapistID, room: chosenRoom, patient: patientID, includeCancelled: true)
        let entries = try await bookings.timetable(query, as: caller.access)
        let names = try await patientNames(
            stays.map { ($0.patientId, $0.pseudonym ?? "") } + entries.flatMap { $0.participants.map { ($0.patientId, $0.pseudonym) } }, caller)
        let heading: String
        if let therapistID, let therapist = therapists.first(where: { $0.id == therapistID }) {
            heading = "\(therapist.name) (\(therapist.code), \(therapist.role))"
        } else if let patientID, let stay = stays.first(where: { $0.patientId == patientID }) {
            heading = names[stay.patientId] ?? stay.pseudonym ?? ""
        } else if let room = rooms.first(where: { $0.id == chosenRoom }) {
            heading = texts.format("week_room", ["name": room.name, "code": room.code, "places": "\(room.capacity)", "sessions": "\(room.maxSessions)"])
        } else {
            heading = texts["week_no_rooms"]
        }

        let dayCount = settings.saturdaySlots > 0 ? 6 : 5
        let days = (0..<dayCount).map { texts.day(settings.instant(week.adding(days: $0), ClockTime(clamping: 720)), in: settings.zone) }
        var rows: [WeekView.Row] = []
        let blocks = entries.compactMap { entry -> WeekGridSVG.Block? in
            let start = settings.local(entry.start)
            let end = settings.local(entry.end)
            let day = week.days(to: start.day)
            guard (0..<dayCount).contains(day) else { return nil }
            let active = entry.participants.filter { !$0.cancelled }
            let who = entry.maxParticipants > 1 ? "\(active.count)/\(entry.maxParticipants)" : active.first.map { names[$0.patientId] ?? $0.pseudonym } ?? "–"
            let detail = [entry.therapistCode, entry.roomCode, who].compactMap { $0 }.joined(separator: " · ")
            let status = SessionStatus.of(entry, now: now)
            let time = "\(Self.clock(start.minutes))–\(Self.clock(end.minutes))"
            let link = "/rehab/sessions/\(entry.session.uuidString.lowercased())"
            rows.append(
                .init(
                    day: days[day], time: time, therapy: name(of: entry.modality, texts), detail: detail, status: status.label(texts), statusCss: status.css,
                    link: link))
            return WeekGridSVG.Block(
                day: day, start: start.minutes, end: end.day == start.day ? end.minutes : 1_440, title: "\(entry.modality) \(who)",
                detail: detail,
                tooltip: "\(name(of: entry.modality, texts)) \(time), \(detail) — \(status.label(texts))"
                    + (entry.cancelled ? ": \(entry.cancelReason ?? "")" : ""),
                link: link, kind: discipline(of: entry.modality), cancelled: entry.cancelled, status: status.css)
        }
        let dayStart = settings.dayStart.minutes
        let grid = WeekGridSVG.render(
            days: days, from: dayStart, to: dayStart + settings.weekdaySlots * settings.slotMinutes, blocks: blocks,
            title: texts.format("week_grid_title", ["week": "\(week)", "heading": heading]), empty: texts["week_empty"])
        let plan = try await plans.latest(clinic: caller.clinic, week: week, as: caller.access)
        let waitlist = try await rehab.waitlist.entries(clinic: caller.clinic, as: caller.access)
            .filter { $0.status == .waiting || $0.status == .offered }
        let selection =
            therapistID.map { "therapist=\($0.uuidString.lowercased())" } ?? patientID.map { "patient=\($0.uuidString.lowercased())" }
            ?? chosenRoom.map { "room=\($0.uuidString.lowercased())" } ?? ""
        let planBusy = plan.map { $0.status.isSolving || $0.status == .done } ?? false
        let view = WeekView(
            heading: heading, weekLabel: texts.format("week_of", ["week": texts.day(settings.instant(week, ClockTime(clamping: 720)), in: settings.zone)]),
            week: "\(week)", previousWeek: "\(week.adding(days: -7))", nextWeek: "\(week.adding(days: 7))", query: selection,
            therapists: therapists.compactMap { therapist in
                therapist.id.map { .init(value: $0.uuidString.lowercased(), label: "\(therapist.code) \(therapist.name)", selected: $0 == therapistID) }
            },
            rooms: rooms.compactMap { room in
                room.id.map { .init(value: $0.uuidString.lowercased(), label: "\(room.code) \(room.name)", selected: $0 == chosenRoom) }
            },
            patients: stays.map {
                .init(value: $0.patientId.uuidString.lowercased(), label: names[$0.patientId] ?? $0.pseudonym ?? "", selected: $0.patientId == patientID)
            },
            grid: grid, rows: rows, booked: texts.format("week_booked", ["n": "\(entries.filter { !$0.cancelled }.count)"]),
            printLink: patientID.map { "/rehab/patients/\($0.uuidString.lowercased())/week?week=\(week)" },
            recoveryLink: patientID.map { "/patients/\($0.uuidString.lowercased())/recovery" },
            identityLink: caller.isCoordinator ? patientID.map { "/patients/\($0.uuidString.lowercased())/identity" } : nil,
            planLink: plan.map { "/rehab/plans/\($0.id.uuidString.lowercased())" }, planStatus: plan.map { texts["plan_status_\($0.status.rawValue)"] },
            canPlan: caller.isCoordinator && !planBusy && week.adding(days: 6) >= today, replan: plan?.status == .published,
            planSeconds: Self.planSeconds, csrf: WebSession.csrfToken(request),
            unplaced: unplacedRows(plan, texts),
            hasUnplaced: !(plan?.unplaced ?? []).isEmpty,
            waitlist: waitlist.map {
                .init(
                    patient: names[$0.patientId] ?? $0.pseudonym ?? "", modality: name(of: $0.modality, texts), priority: $0.priority,
                    status: texts["waitlist_\($0.status?.rawValue ?? "waiting")"], wantedBy: "\($0.wantedBy)")
            },
            hasWaitlist: !waitlist.isEmpty, dayLink: "/rehab/day?day=\(week <= today && today <= week.adding(days: 6) ? today : week)",
            legend: SessionStatus.allCases.map { .init(css: $0.css, label: $0.label(texts)) })
        return try pages.page("rehab-week", view, request: request, identity: caller.identity, csrf: view.csrf)
    }
}
