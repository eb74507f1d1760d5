import Clinical
public import Foundation
import Postgres

/// What happened at a session for one patient.
public struct AttendanceRecord: Sendable, Codable, Equatable {
    /// "attended" or "no_show".
    public var attendance: String
    /// Minutes actually delivered (attended only); nil: the whole session.
    public var minutesDelivered: Int?
    public var note: String?

    public init(attendance: String, minutesDelivered: Int? = nil, note: String? = nil) {
        self.attendance = attendance
        self.minutesDelivered = minutesDelivered
        self.note = note
    }
}

extension RehabSessions {
    /// Records (or corrects) whether a booked patient came and how many minutes were given.
    /// False when the patient is not booked on that session for the caller.
    public func recordAttendance(
        _ record: AttendanceRecord, session: UUID, patient: UUID, now: Date = Date(),
        as context: AccessContext
    ) async throws -> Bool {
        try Self.check(record)
        return try await pool.withAccess(context) { connection in
            try await Self.record(record, session: session, patient: patient, now: now, onlyUnrecorded: false, as: context, on: connection)
        }
    }

    /// Records a group's attendance at once, in one transaction: each patient of `records` not
    /// yet recorded (a record made before, with its own minutes and note, stays). Answers how
    /// many were recorded as attended and as no-shows; nothing is recorded if any is refused.
    public func recordGroupAttendance(
        _ records: [UUID: AttendanceRecord], session: UUID, now: Date = Date(), as context: AccessContext
    ) async throws -> (attended: Int, noShow: Int) {
        for record in records.values { try Self.check(record) }
        return try await pool.withAccess(context) { connection in
            var counts = (attended: 0, noShow: 0)
            for (patient, record) in records.sorted(by: { $0.key.uuidString < $1.key.uuidString })
            where try await Self.record(record, session: session, patient: patient, now: now, onlyUnrecorded: true, as: context, on: connection) {
                if record.attendance == "no_show" { counts.noShow += 1 } else { counts.attended += 1 }
            }
            return counts
        }
    }

    /// A record's own checks: its attendance, minutes and note.
    static func check(_ record: AttendanceRecord) throws(Refusal) {
        guard ["attended", "no_show"].contains(record.attendance) else { throw Refusal.invalid("attendance", "must be attended or no_show") }
        if record.attendance == "no_show", record.minutesDelivered != nil {
            throw Refusal.invalid("minutesDelivered", "is for attended sessions only")
        }
        if let minutes = record.minutesDelivered, !(0...480).contains(minutes) { throw Refusal.invalid("minutesDelivered", "must be 0 to 480") }
        if let note = record.note { try RehabResources.checkName(note, "note") }
    }

    /// Writes one patient's record in the caller's transaction (audited); false when the patient
    /// is not booked on the session for the caller, or (with `onlyUnrecorded`) already recorded.
    static func record(
        _ record: AttendanceRecord, session: UUID, patient: UUID, now: Date, onlyUnrecorded: Bool, as context: AccessContext,
        on connection: PostgresConnection
    ) async throws -> Bool {
        guard
            let row = try await connection.query(
                """
                SELECT lower(s.during), upper(s.during) FROM rehab_participants p JOIN rehab_sessions s ON s.id = p.session_id
                WHERE p.session_id = \(session) AND p.patient_id = \(patient) AND p.cancelled_at IS NULL AND s.cancelled_at IS NULL
                  AND (NOT \(onlyUnrecorded) OR p.attendance IS NULL)
                FOR UPDATE OF p
                """, prepared: true
            ).first
        else { return false }
        let (start, end) = try row.decode((Date, Date).self)
        guard start <= now else { throw Refusal.sessionNotStarted(start) }
        let minutes = record.attendance == "attended" ? record.minutesDelivered ?? Int(end.timeIntervalSince(start) / 60) : nil
        try await connection.query(
            """
            UPDATE rehab_participants SET attendance = \(record.attendance), minutes_delivered = \(minutes), attendance_note = \(record.note),
                attendance_by = \(context.subject), attendance_at = now()
            WHERE session_id = \(session) AND patient_id = \(patient)
            """, prepared: true)
        try await AuditLog.record(
            context.auditEvent(.update, patient: patient, resource: "RehabAttendance", resourceID: session.uuidString),
            on: connection)
        return true
    }
}
