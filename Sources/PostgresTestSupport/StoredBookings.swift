public import Foundation
public import Postgres
public import Storage

/// What the stored bookings hold, counted on the rows themselves: overlapping active bookings
/// of one therapist, one single room or one patient, and the most sessions and patients a
/// room held at once.
public struct StoredBookings: Sendable, Equatable {
    public var therapistOverlaps: Int
    public var roomOverlaps: Int
    public var patientOverlaps: Int
    public var peakSessions: Int
    public var peakPatients: Int
    public var sessions: Int

    /// Counts on the stored rows; `room` is the room whose peak is measured.
    public static func check(_ database: PostgresPool, context: AccessContext, room: UUID) async throws -> StoredBookings {
        try await database.withAccess(context, readOnly: true) { connection in
            let therapistOverlaps = try await connection.query(
                """
                SELECT count(*) FROM rehab_sessions a JOIN rehab_sessions b ON a.therapist_id = b.therapist_id AND a.id < b.id
                WHERE a.during && b.during AND a.cancelled_at IS NULL AND b.cancelled_at IS NULL
                """
            ).single().decode(Int.self)
            let roomOverlaps = try await connection.query(
                """
                SELECT count(*) FROM rehab_sessions a JOIN rehab_sessions b ON a.room_id = b.room_id AND a.id < b.id
                WHERE a.room_single AND a.during && b.during AND a.cancelled_at IS NULL AND b.cancelled_at IS NULL
                """
            ).single().decode(Int.self)
            let patientOverlaps = try await connection.query(
                """
                SELECT count(*) FROM rehab_participants a JOIN rehab_participants b ON a.patient_id = b.patient_id AND a.session_id < b.session_id
                WHERE a.during && b.during AND a.cancelled_at IS NULL AND b.cancelled_at IS NULL AND NOT a.session_cancelled AND NOT b.session_cancelled
                """
            ).single().decode(Int.self)
            let peak = try await connection.query(
                """
                SELECT coalesce(max(sessions), 0), coalesce(max(patients), 0) FROM (
                    SELECT count(DISTINCT s.id) AS sessions, count(p.patient_id) AS patients
                    FROM rehab_sessions a
                    JOIN rehab_sessions s ON s.room_id = a.room_id AND s.during @> lower(a.during) AND s.cancelled_at IS NULL
                    LEFT JOIN rehab_participants p ON p.session_id = s.id AND p.cancelled_at IS NULL
                    WHERE a.room_id = \(room) AND a.cancelled_at IS NULL GROUP BY a.id) peaks
                """
            ).single()
            let sessions = try await connection.query("SELECT count(*) FROM rehab_sessions WHERE cancelled_at IS NULL").single().decode(Int.self)
            return StoredBookings(
                therapistOverlaps: therapistOverlaps, roomOverlaps: roomOverlaps, patientOverlaps: patientOverlaps,
                peakSessions: try peak.decode(Int.self, at: 0), peakPatients: try peak.decode(Int.self, at: 1), sessions: sessions)
        }
    }
}
