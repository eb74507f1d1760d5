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

        let title = "Clinic week"
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
        var sessionCount: Int
        var printLink: String?
        var planLink: String?
        var planStatus: String?
        var unplaced: [UnplacedRow]
        var hasUnplaced: Bool
        var waitlist: [Waiting]
        var hasWaitlist: Bool
    }

    /// The week grid of one therapist, room or pool, or patient (the first gym when none is chosen).
    func weekPage(_ request: Request, _ caller: Caller) async throws -> Response {
        let settings = caller.settings
        let today = settings.local(Date()).day
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
        let heading: String
        if let therapistID, let therapist = therapists.first(where: { $0.id == therapistID }) {
            heading = "\(therapist.name) (\(therapist.code), \(therapist.role))"
        } else if let patientID, let stay = stays.first(where: { $0.patientId == patientID }) {
            heading = "Patient \(stay.pseudonym ?? "")"
        } else if let room = rooms.first(where: { $0.id == chosenRoom }) {
            heading =
                "\(room.name) (\(room.code): \(room.capacity) place\(room.capacity == 1 ? "" : "s"), \(room.maxSessions) session\(room.maxSessions == 1 ? "" : "s") at once)"
        } else {
            heading = "No rooms yet"
        }

        let dayCount = settings.saturdaySlots > 0 ? 6 : 5
        let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let days = (0..<dayCount).map { index in "\(names[index]) \(week.adding(days: index).day)/\(week.adding(days: index).month)" }
        let blocks = entries.compactMap { entry -> WeekGridSVG.Block? in
            let start = settings.local(entry.start)
            let end = settings.local(entry.end)
            let day = week.days(to: start.day)
            guard (0..<dayCount).contains(day) else { return nil }
            let active = entry.participants.filter { !$0.cancelled }
            let who = entry.maxParticipants > 1 ? "\(active.count)/\(entry.maxParticipants)" : active.first?.pseudonym ?? "–"
            let detail = [entry.therapistCode, entry.roomCode, who].compactMap { $0 }.joined(separator: " · ")
            let tooltip =
                "\(name(of: entry.modality)) \(Self.clock(start.minutes))–\(Self.clock(end.minutes)), \(detail)"
                + (entry.cancelled ? " — cancelled: \(entry.cancelReason ?? "")" : "")
            return WeekGridSVG.Block(
                day: day, start: start.minutes, end: end.day == start.day ? end.minutes : 1_440, title: "\(entry.modality) \(who)",
                detail: detail, tooltip: tooltip, link: "/rehab/sessions/\(entry.session.uuidString.lowercased())",
                kind: discipline(of: entry.modality), cancelled: entry.cancelled)
        }
        let dayStart = settings.dayStart.minutes
        let grid = WeekGridSVG.render(
            days: days, from: dayStart, to: dayStart + settings.weekdaySlots * settings.slotMinutes, blocks: blocks,
            title: "Week of \(week): \(heading)")
        let plan = try await plans.latest(clinic: caller.clinic, week: week, as: caller.access)
        let waitlist = try await rehab.waitlist.entries(clinic: caller.clinic, as: caller.access)
            .filter { $0.status == .waiting || $0.status == .offered }
        let selection =
            therapistID.map { "therapist=\($0.uuidString.lowercased())" } ?? patientID.map { "patient=\($0.uuidString.lowercased())" }
            ?? chosenRoom.map { "room=\($0.uuidString.lowercased())" } ?? ""
        let view = WeekView(
            heading: heading, weekLabel: "Week of \(week)", week: "\(week)", previousWeek: "\(week.adding(days: -7))", nextWeek: "\(week.adding(days: 7))",
            query: selection,
            therapists: therapists.compactMap { therapist in
                therapist.id.map { .init(value: $0.uuidString.lowercased(), label: "\(therapist.code) \(therapist.name)", selected: $0 == therapistID) }
            },
            rooms: rooms.compactMap { room in
                room.id.map { .init(value: $0.uuidString.lowercased(), label: "\(room.code) \(room.name)", selected: $0 == chosenRoom) }
            },
            patients: stays.map { .init(value: $0.patientId.uuidString.lowercased(), label: $0.pseudonym ?? "", selected: $0.patientId == patientID) },
            grid: grid, sessionCount: entries.filter { !$0.cancelled }.count,
            printLink: patientID.map { "/rehab/patients/\($0.uuidString.lowercased())/week?week=\(week)" },
            planLink: plan.map { "/rehab/plans/\($0.id.uuidString.lowercased())" }, planStatus: plan?.status.rawValue,
            unplaced: unplacedRows(plan),
            hasUnplaced: !(plan?.unplaced ?? []).isEmpty,
            waitlist: waitlist.map {
                .init(
                    patient: $0.pseudonym ?? "", modality: name(of: $0.modality), priority: $0.priority, status: $0.status?.rawValue ?? "",
                    wantedBy: "\($0.wantedBy)")
            },
            hasWaitlist: !waitlist.isEmpty)
        return try pages.page("rehab-week", view, request: request, identity: caller.identity, csrf: WebSession.csrfToken(request))
    }
}
