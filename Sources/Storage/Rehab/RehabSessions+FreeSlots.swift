import Clinical
public import Foundation
import Postgres

extension RehabSessions {
    /// The first `limit` of `candidates` (times for a booked session, nearest first) to which
    /// the session could move as it is — same therapist, room and patients: within the
    /// therapist's shifts and outside their leave, within the room's hours (the availability
    /// the solver plans by; a therapist or room with none recorded is not limited), and by every
    /// rule a move is checked against, each tried as the move itself inside a savepoint that is
    /// rolled back (group sizes, the patients' day and stay, the database's no-overlap
    /// constraints). Nothing changes.
    public func freeSlots(_ session: UUID, candidates: [(start: Date, end: Date)], limit: Int, as context: AccessContext) async throws -> [(
        start: Date, end: Date
    )] {
        guard limit > 0, !candidates.isEmpty else { return [] }
        return try await pool.withAccess(context) { connection in
            let booked = try await Self.session(session, on: connection).request
            let settings = try await ClinicSettings.load(booked.organisation, on: connection)
            var free: [(start: Date, end: Date)] = []
            for candidate in candidates where free.count < limit {
                let (day, from) = settings.local(candidate.start)
                let to = from + Int(candidate.end.timeIntervalSince(candidate.start) / 60)
                guard
                    try await connection.query(
                        """
                        SELECT (\(booked.therapist)::uuid IS NULL
                                OR ((NOT EXISTS (SELECT 1 FROM rehab_therapist_shifts WHERE therapist_id = \(booked.therapist))
                                     OR EXISTS (SELECT 1 FROM rehab_therapist_shifts WHERE therapist_id = \(booked.therapist) AND weekday = \(day.weekday)
                                                AND starts <= time '00:00' + make_interval(mins => \(Int32(from))) AND ends >= time '00:00' + make_interval(mins => \(Int32(to)))))
                                    AND NOT EXISTS (SELECT 1 FROM rehab_therapist_leave WHERE therapist_id = \(booked.therapist)
                                                    AND during && tstzrange(\(candidate.start), \(candidate.end)))))
                           AND (NOT EXISTS (SELECT 1 FROM rehab_room_hours WHERE room_id = \(booked.room))
                                OR EXISTS (SELECT 1 FROM rehab_room_hours WHERE room_id = \(booked.room) AND weekday = \(day.weekday)
                                           AND opens <= time '00:00' + make_interval(mins => \(Int32(from))) AND closes >= time '00:00' + make_interval(mins => \(Int32(to)))))
                        """, prepared: true
                    ).single().decode(Bool.self)
                else { continue }
                var moved = booked
                moved.start = candidate.start
                moved.end = candidate.end
                try await connection.query("SAVEPOINT free_slot")
                do {
                    _ = try await checkResources(moved, participants: moved.patients.count, on: connection)
                    try await checkPatients(moved, on: connection)
                    try await connection.query(
                        "UPDATE rehab_sessions SET during = tstzrange(\(moved.start), \(moved.end)) WHERE id = \(session)", prepared: true)
                    free.append(candidate)
                } catch is Refusal {
                    // A rule of the catalogue or a clash: not free.
                } catch let error as PostgresError where RehabSessions.conflictKind(error) != nil {
                    // Another booking at that time (the no-overlap constraints).
                }
                try await connection.query("ROLLBACK TO SAVEPOINT free_slot")
            }
            return free
        }
    }
}
