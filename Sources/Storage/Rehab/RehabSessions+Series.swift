public import Clinical
public import Foundation
import Postgres
import Rehabilitation

/// A recurring session: on these week days at this local time, from the first to the last
/// day. Its occurrences are ordinary booked sessions, each editable on its own.
public struct RehabSeries: Sendable, Codable, Equatable {
    public struct Occurrence: Sendable, Codable, Equatable {
        public var session: UUID
        public var start: Date
        public var end: Date
        public var cancelled: Bool
        /// Moved on its own.
        public var edited: Bool
    }

    public var id: UUID?
    /// The series this one replaced from its first day on.
    public var follows: UUID?
    public var organisationId: UUID
    public var modality: String
    public var therapistId: UUID?
    public var roomId: UUID
    public var patients: [UUID]
    /// 0 = Monday … 6 = Sunday.
    public var weekdays: [Int]
    public var startTime: ClockTime
    public var minutes: Int
    public var maxParticipants: Int?
    public var firstDay: CalendarDay
    public var lastDay: CalendarDay
    public var occurrences: [Occurrence]?

    public init(
        id: UUID? = nil, follows: UUID? = nil, organisationId: UUID, modality: String, therapistId: UUID?, roomId: UUID, patients: [UUID],
        weekdays: [Int], startTime: ClockTime, minutes: Int, maxParticipants: Int? = nil, firstDay: CalendarDay, lastDay: CalendarDay,
        occurrences: [Occurrence]? = nil
    ) {
        self.id = id
        self.follows = follows
        self.organisationId = organisationId
        self.modality = modality
        self.therapistId = therapistId
        self.roomId = roomId
        self.patients = patients
        self.weekdays = weekdays
        self.startTime = startTime
        self.minutes = minutes
        self.maxParticipants = maxParticipants
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.occurrences = occurrences
    }

    func check() throws(Refusal) {
        guard !weekdays.isEmpty, weekdays.allSatisfy({ (0...6).contains($0) }), Set(weekdays).count == weekdays.count else {
            throw Refusal.invalid("weekdays", "must list week days 0 (Monday) to 6 (Sunday), each once")
        }
        guard (5...240).contains(minutes) else { throw Refusal.invalid("minutes", "must be 5 to 240") }
        guard startTime.minutes + minutes <= 1_440 else { throw Refusal.invalid("startTime", "the session runs past midnight") }
        guard firstDay <= lastDay else { throw Refusal.invalid("lastDay", "must not be before firstDay") }
        guard firstDay.days(to: lastDay) <= 366 else { throw Refusal.invalid("lastDay", "a series spans at most a year") }
    }
}

/// What changes when a series is edited from a day onwards (nil: unchanged).
public struct RehabSeriesChange: Sendable, Codable {
    public var from: CalendarDay
    public var therapistId: UUID?
    public var roomId: UUID?
    public var weekdays: [Int]?
    public var startTime: ClockTime?
    public var minutes: Int?
    public var lastDay: CalendarDay?

    public init(
        from: CalendarDay, therapistId: UUID? = nil, roomId: UUID? = nil, weekdays: [Int]? = nil, startTime: ClockTime? = nil,
        minutes: Int? = nil, lastDay: CalendarDay? = nil
    ) {
        self.from = from
        self.therapistId = therapistId
        self.roomId = roomId
        self.weekdays = weekdays
        self.startTime = startTime
        self.minutes = minutes
        self.lastDay = lastDay
    }
}

extension RehabSessions {
    /// Creates a series and books every occurrence, all or nothing; the first occurrence that
    /// clashes throws a booking conflict (`Refusal`).
    public func createSeries(_ series: RehabSeries, as context: AccessContext) async throws -> RehabSeries {
        try series.check()
        var current: RehabBookingRequest?
        let id = try await mappingConflicts(nil, excluding: nil, as: context, lateRequest: { current }) {
            try await pool.withAccess(context) { connection in
                try await insertSeries(series, as: context, on: connection) { current = $0 }
            }
        }
        guard let created = try await self.series(id, as: context) else { throw Refusal.unknownSeries }
        return created
    }

    /// Edits a series from a day onwards: the series ends the day before, its later
    /// unattended occurrences are cancelled, and a new series with the changes books its own.
    /// Earlier occurrences are not touched. Returns the new series.
    public func editSeries(_ id: UUID, _ change: RehabSeriesChange, as context: AccessContext) async throws -> RehabSeries {
        var current: RehabBookingRequest?
        let newID = try await mappingConflicts(nil, excluding: nil, as: context, lateRequest: { current }) {
            try await pool.withAccess(context) { connection in
                guard var next = try await Self.series(id, on: connection) else { throw Refusal.unknownSeries }
                guard change.from >= next.firstDay, change.from <= next.lastDay else {
                    throw Refusal.invalid("from", "must be within the series, \(next.firstDay) to \(next.lastDay)")
                }
                let settings = try await ClinicSettings.load(next.organisationId, on: connection)
                let cut = settings.instant(change.from, ClockTime(clamping: 0))
                try await connection.query(
                    """
                    UPDATE rehab_series SET last_day = \(change.from.description)::date - 1 WHERE id = \(id)
                    """, prepared: true)
                try await connection.query(
                    """
                    UPDATE rehab_sessions s SET cancelled_at = now(), cancelled_by = \(context.subject),
                        cancel_reason = \("series edited from \(change.from)")
                    WHERE s.series_id = \(id) AND s.cancelled_at IS NULL AND lower(s.during) >= \(cut)
                      AND NOT EXISTS (SELECT 1 FROM rehab_participants p WHERE p.session_id = s.id AND p.attendance IS NOT NULL)
                    """, prepared: true)
                next.id = nil
                next.follows = id
                next.firstDay = change.from
                next.lastDay = change.lastDay ?? next.lastDay
                next.therapistId = change.therapistId ?? next.therapistId
                next.roomId = change.roomId ?? next.roomId
                next.weekdays = change.weekdays ?? next.weekdays
                next.startTime = change.startTime ?? next.startTime
                next.minutes = change.minutes ?? next.minutes
                try next.check()
                return try await insertSeries(next, as: context, on: connection) { current = $0 }
            }
        }
        guard let created = try await series(newID, as: context) else { throw Refusal.unknownSeries }
        return created
    }

    /// A series with its occurrences, or nil.
    public func series(_ id: UUID, as context: AccessContext) async throws -> RehabSeries? {
        try await pool.withAccess(context) { connection in
            guard let series = try await Self.series(id, on: connection) else { return nil }
            for patient in series.patients {
                try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "RehabSeries", resourceID: id.uuidString), on: connection)
            }
            return series
        }
    }

    /// Inserts the series row and books its occurrences, checking the room's capacity after
    /// each so that a clash names the occurrence it is on.
    private func insertSeries(
        _ series: RehabSeries, as context: AccessContext, on connection: PostgresConnection,
        trying: (RehabBookingRequest) -> Void
    ) async throws -> UUID {
        let id = try await connection.query(
            """
            INSERT INTO rehab_series (organisation_id, follows, modality, therapist_id, room_id, patients, weekdays, start_time, minutes,
                                      max_participants, first_day, last_day, created_by)
            VALUES (\(series.organisationId), \(series.follows), \(series.modality), \(series.therapistId), \(series.roomId), \(series.patients),
                    \(series.weekdays)::smallint[], \(series.startTime.description)::time, \(series.minutes),
                    \(try series.maxParticipants ?? catalogue.modality(series.modality).maxGroup), \(series.firstDay.description)::date,
                    \(series.lastDay.description)::date, \(context.subject))
            RETURNING id
            """, prepared: true
        ).single().decode(UUID.self)
        let settings = try await ClinicSettings.load(series.organisationId, on: connection)
        var day = series.firstDay
        while day <= series.lastDay {
            if series.weekdays.contains(day.weekday) {
                let start = settings.instant(day, series.startTime)
                let request = RehabBookingRequest(
                    organisation: series.organisationId, modality: series.modality, therapist: series.therapistId,
                    room: series.roomId, start: start, end: start.addingTimeInterval(Double(series.minutes) * 60),
                    maxParticipants: series.maxParticipants, patients: series.patients)
                trying(request)
                _ = try await insert(request, series: id, plan: nil, as: context, on: connection)
                try await connection.query("SET CONSTRAINTS ALL IMMEDIATE")
                try await connection.query("SET CONSTRAINTS ALL DEFERRED")
            }
            day = day.adding(days: 1)
        }
        return id
    }

    static func series(_ id: UUID, on connection: PostgresConnection) async throws -> RehabSeries? {
        guard
            let row = try await connection.query(
                """
                SELECT follows, organisation_id, modality, therapist_id, room_id, patients, weekdays::int[], to_char(start_time, 'HH24:MI'), minutes,
                       max_participants, first_day::text, last_day::text
                FROM rehab_series WHERE id = \(id)
                """, prepared: true
            ).first
        else { return nil }
        let occurrences = try await connection.query(
            """
            SELECT id, lower(during), upper(during), cancelled, series_edited FROM rehab_sessions WHERE series_id = \(id) ORDER BY lower(during)
            """, prepared: true
        ).map { row in
            let (session, start, end, cancelled, edited) = try row.decode((UUID, Date, Date, Bool, Bool).self)
            return RehabSeries.Occurrence(session: session, start: start, end: end, cancelled: cancelled, edited: edited)
        }
        let (follows, organisation, modality, therapist, room, patients, weekdays, startTime, minutes, maxParticipants, firstDay, lastDay) =
            try row.decode((UUID?, UUID, String, UUID?, UUID, [UUID], [Int], ClockTime, Int, Int, CalendarDay, CalendarDay).self)
        return RehabSeries(
            id: id, follows: follows, organisationId: organisation, modality: modality, therapistId: therapist, roomId: room, patients: patients,
            weekdays: weekdays, startTime: startTime, minutes: minutes, maxParticipants: maxParticipants, firstDay: firstDay, lastDay: lastDay,
            occurrences: occurrences)
    }
}
