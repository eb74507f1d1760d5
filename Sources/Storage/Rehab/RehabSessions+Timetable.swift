public import Foundation
import Postgres

/// One session in a timetable, with its participants.
public struct TimetableEntry: Sendable, Codable, Equatable {
    public struct Participant: Sendable, Codable, Equatable {
        public var patientId: UUID
        public var pseudonym: String
        public var cancelled: Bool
        public var attendance: String?
        public var minutesDelivered: Int?
    }

    public var session: UUID
    public var modality: String
    public var therapistId: UUID?
    public var therapistCode: String?
    public var roomId: UUID
    public var roomCode: String
    public var start: Date
    public var end: Date
    public var maxParticipants: Int
    public var seriesId: UUID?
    public var planId: UUID?
    public var cancelled: Bool
    public var cancelReason: String?
    public var participants: [Participant]
}

/// Which sessions a timetable shows: a clinic's, between two instants, of one therapist,
/// room or patient when given.
public struct TimetableQuery: Sendable {
    public var clinic: UUID?
    public var from: Date
    public var to: Date
    public var therapist: UUID?
    public var room: UUID?
    public var patient: UUID?
    public var session: UUID?
    public var includeCancelled: Bool

    public init(
        clinic: UUID?, from: Date, to: Date, therapist: UUID? = nil, room: UUID? = nil, patient: UUID? = nil, session: UUID? = nil,
        includeCancelled: Bool = false
    ) {
        self.clinic = clinic
        self.from = from
        self.to = to
        self.therapist = therapist
        self.room = room
        self.patient = patient
        self.session = session
        self.includeCancelled = includeCancelled
    }
}

extension RehabSessions {
    /// The sessions the query asks for, by start; each patient shown is audited.
    public func timetable(_ query: TimetableQuery, as context: AccessContext) async throws -> [TimetableEntry] {
        try await pool.withAccess(context) { connection in
            let entries = try await Self.timetable(query, on: connection)
            for patient in Set(entries.flatMap { $0.participants.map(\.patientId) }) {
                try await AuditLog.record(context.auditEvent(.search, patient: patient, resource: "RehabTimetable"), on: connection)
            }
            return entries
        }
    }

    /// One session (cancelled or not), or nil.
    public func session(_ id: UUID, as context: AccessContext) async throws -> TimetableEntry? {
        try await timetable(TimetableQuery(clinic: nil, from: .distantPast, to: .distantFuture, session: id, includeCancelled: true), as: context).first
    }

    static func timetable(_ query: TimetableQuery, on connection: PostgresConnection) async throws -> [TimetableEntry] {
        if let session = query.session {
            return try await connection.query(
                """
                \(fragment: columns) WHERE s.id = \(session) \(fragment: grouping)
                """, prepared: true
            ).map(entry)
        }
        // Sessions last at most 12 hours (rehab_sessions_length): the window on starts_at uses the
        // btree, which the range operators cannot under row-level security.
        return try await connection.query(
            """
            \(fragment: columns)
            WHERE s.starts_at >= \(query.from.addingTimeInterval(-12 * 3_600)) AND s.starts_at < \(query.to) AND s.ends_at > \(query.from)
              AND (\(query.clinic)::uuid IS NULL OR s.organisation_id = \(query.clinic))
              AND (\(query.therapist)::uuid IS NULL OR s.therapist_id = \(query.therapist))
              AND (\(query.room)::uuid IS NULL OR s.room_id = \(query.room))
              AND (\(query.patient)::uuid IS NULL OR EXISTS (SELECT 1 FROM rehab_participants q WHERE q.session_id = s.id AND q.patient_id = \(query.patient)))
              AND (\(query.includeCancelled) OR NOT s.cancelled)
            \(fragment: grouping)
            """, prepared: true
        ).map(entry)
    }

    private static let columns: StaticString = """
        SELECT s.id, s.modality, s.therapist_id, t.code, s.room_id, r.code, s.starts_at, s.ends_at, s.max_participants,
               s.series_id, s.plan_id, s.cancelled, s.cancel_reason,
               coalesce(json_agg(json_build_object('patientId', p.patient_id, 'pseudonym', coalesce(pt.pseudonym, '(not accessible)'), 'cancelled', p.cancelled_at IS NOT NULL,
                                                   'attendance', p.attendance, 'minutesDelivered', p.minutes_delivered)
                                 ORDER BY pt.pseudonym) FILTER (WHERE p.patient_id IS NOT NULL), '[]')::text
        FROM rehab_sessions s
        JOIN rehab_rooms r ON r.id = s.room_id
        LEFT JOIN rehab_therapists t ON t.id = s.therapist_id
        LEFT JOIN rehab_participants p ON p.session_id = s.id
        LEFT JOIN patients pt ON pt.id = p.patient_id
        """
    private static let grouping: StaticString = "GROUP BY s.id, t.code, r.code ORDER BY s.starts_at, r.code, s.id"

    private static func entry(_ row: PostgresRow) throws -> TimetableEntry {
        let (session, modality, therapist, therapistCode, room, roomCode, start, end, maxParticipants, series, plan, cancelled, reason, people) =
            try row.decode((UUID, String, UUID?, String?, UUID, String, Date, Date, Int, UUID?, UUID?, Bool, String?, String).self)
        return TimetableEntry(
            session: session, modality: modality, therapistId: therapist, therapistCode: therapistCode, roomId: room, roomCode: roomCode, start: start,
            end: end, maxParticipants: maxParticipants, seriesId: series, planId: plan, cancelled: cancelled, cancelReason: reason,
            participants: try JSONDecoder().decode([TimetableEntry.Participant].self, from: Data(people.utf8)))
    }
}
