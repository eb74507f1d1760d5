public import Clinical
public import Foundation
import Postgres
public import Rehabilitation

/// What an import booked.
public struct ScheduleImportResult: Sendable, Codable, Equatable {
    public var sessions: Int
    public var participants: Int
    /// Sessions of earlier plans in the week cancelled to make way (with `replace`).
    public var replaced: Int
}

extension RehabScheduleTransfer {
    /// Books a solved `rehab-week/1` schedule for the clinic's week starting Monday `week`,
    /// all or nothing: rows sharing modality, therapist, room, day and start of a group
    /// modality become one session. With `replace`, sessions of earlier plans in the week that
    /// have not started and nobody attended are cancelled first. With `plan`, the plan (which
    /// must be done) is marked published in the same transaction. Clashes throw
    /// a booking conflict (`Refusal`), rules `Refusal.bookingRefused`, unknown codes `Refusal.unknownScheduleReference`.
    public func importSchedule(
        _ rows: [ScheduleRow], clinic: UUID, week: CalendarDay, plan: UUID? = nil, replace: Bool,
        as context: AccessContext
    ) async throws -> ScheduleImportResult {
        guard week.weekday == 0 else { throw Refusal.notAMonday }
        var current: RehabBookingRequest?
        return try await sessions.mappingConflicts(nil, excluding: nil, as: context, lateRequest: { current }) {
            try await sessions.pool.withAccess(context) { connection in
                if let plan {
                    guard
                        try await connection.query(
                            """
                            UPDATE rehab_plans SET status = \(PlanStatus.published.rawValue), published_by = \(context.subject), published_at = now()
                            WHERE id = \(plan) AND status = ANY(\(PlanStatus.names(from: .publish))) RETURNING id
                            """, prepared: true
                        ).first != nil
                    else { throw Refusal.planNotReady("not done") }
                }
                let settings = try await ClinicSettings.load(clinic, on: connection)
                let weekStart = settings.instant(week, ClockTime(clamping: 0))
                let weekEnd = settings.instant(week.adding(days: 7), ClockTime(clamping: 0))
                var replaced = 0
                if replace {
                    replaced = try await connection.query(
                        """
                        UPDATE rehab_sessions s SET cancelled_at = now(), cancelled_by = \(context.subject), cancel_reason = 'replaced by a new plan'
                        WHERE s.organisation_id = \(clinic) AND s.plan_id IS NOT NULL AND s.cancelled_at IS NULL
                          AND s.starts_at >= greatest(\(weekStart), now()) AND s.starts_at < \(weekEnd)
                          AND NOT EXISTS (SELECT 1 FROM rehab_participants p WHERE p.session_id = s.id AND p.attendance IS NOT NULL)
                        """, prepared: true
                    ).affectedRows
                }
                let codes = try await ScheduleCodes.load(clinic: clinic, week: week, on: connection)
                var grouped: [SessionKey: RehabBookingRequest] = [:]
                var order: [SessionKey] = []
                for (index, row) in rows.enumerated() {
                    let modality = try self.sessions.catalogue.modality(row.modality)
                    guard let patient = codes.patients[row.patient] else {
                        throw Refusal.unknownScheduleReference(row: index, field: "patient", value: row.patient)
                    }
                    guard let room = codes.rooms[row.room] else { throw Refusal.unknownScheduleReference(row: index, field: "room", value: row.room) }
                    var therapist: UUID?
                    if let code = row.therapist {
                        guard let id = codes.therapists[code] else { throw Refusal.unknownScheduleReference(row: index, field: "therapist", value: code) }
                        therapist = id
                    }
                    guard (0...6).contains(row.day), row.start >= 0, row.length > 0 else {
                        throw Refusal.unknownScheduleReference(row: index, field: "day", value: "\(row.day)")
                    }
                    let minutes = settings.dayStart.minutes + row.start * settings.slotMinutes
                    let start = settings.instant(week.adding(days: row.day), ClockTime(clamping: minutes))
                    let end = start.addingTimeInterval(Double(row.length * settings.slotMinutes) * 60)
                    let key = SessionKey(
                        modality: row.modality, therapist: row.therapist, room: row.room, day: row.day, start: row.start,
                        patient: modality.maxGroup > 1 ? nil : row.patient)
                    if grouped[key] == nil {
                        order.append(key)
                        grouped[key] = RehabBookingRequest(
                            organisation: clinic, modality: row.modality, therapist: therapist, room: room,
                            start: start, end: end, patients: [])
                    }
                    grouped[key]?.patients.append(patient)
                }
                var participants = 0
                for key in order {
                    guard let request = grouped[key] else { continue }
                    current = request
                    _ = try await sessions.insert(request, series: nil, plan: plan, as: context, on: connection)
                    try await connection.query("SET CONSTRAINTS ALL IMMEDIATE")
                    try await connection.query("SET CONSTRAINTS ALL DEFERRED")
                    participants += request.patients.count
                }
                return ScheduleImportResult(sessions: order.count, participants: participants, replaced: replaced)
            }
        }
    }

    /// One session of a schedule: group rows share it, an individual row has its own.
    private struct SessionKey: Hashable {
        var modality: String
        var therapist: String?
        var room: String
        var day: Int
        var start: Int
        var patient: String?
    }
}

/// The clinic's codes as an export names them: pseudonyms of the week's patients, therapist
/// and room codes.
struct ScheduleCodes {
    var patients: [String: UUID]
    var therapists: [String: UUID]
    var rooms: [String: UUID]

    static func load(clinic: UUID, week: CalendarDay, on connection: PostgresConnection) async throws -> ScheduleCodes {
        let stays = try await RehabStays.stays(clinic: clinic, during: week, through: week.adding(days: 6), id: nil, on: connection)
        let therapists = try await RehabResources.therapists(clinic: clinic, id: nil, on: connection)
        let rooms = try await RehabResources.rooms(clinic: clinic, id: nil, on: connection)
        return ScheduleCodes(
            patients: Dictionary(stays.map { ($0.pseudonym ?? $0.patientId.uuidString, $0.patientId) }, uniquingKeysWith: { first, _ in first }),
            therapists: Dictionary(therapists.compactMap { therapist in therapist.id.map { (therapist.code, $0) } }, uniquingKeysWith: { first, _ in first }),
            rooms: Dictionary(rooms.compactMap { room in room.id.map { (room.code, $0) } }, uniquingKeysWith: { first, _ in first }))
    }
}
