import Clinical
public import Foundation
import Postgres

/// What a cancellation did: the session cancelled (or only one patient's place), and the
/// waitlist entry the freed slot was offered to.
public struct CancelOutcome: Sendable, Encodable {
    public var sessionCancelled: Bool
    public var offer: WaitlistEntry?
}

extension RehabSessions {
    /// Cancels a booked session, saying who and why, or, when `patient` is given and others
    /// stay in the group, only that patient's place. The freed slot is offered to the
    /// waitlist in the same transaction. Nil when there is no such booked session.
    public func cancel(_ session: UUID, patient: UUID? = nil, reason: String, as context: AccessContext) async throws -> CancelOutcome? {
        try RehabResources.checkName(reason, "reason")
        return try await pool.withAccess(context) { connection -> CancelOutcome? in
            let booked: (request: RehabBookingRequest, series: UUID?)
            do {
                booked = try await Self.session(session, on: connection)
            } catch let refusal as Refusal where refusal == .unknownSession {
                return nil
            }
            if let patient {
                guard booked.request.patients.contains(patient) else { throw Refusal.unknownPatient }
            }
            let onlyOne = patient != nil && booked.request.patients.count > 1
            let recorded = try await connection.query(
                """
                SELECT count(*) FROM rehab_participants
                WHERE session_id = \(session) AND attendance IS NOT NULL AND (\(onlyOne ? patient : nil)::uuid IS NULL OR patient_id = \(patient))
                """, prepared: true
            ).single().decode(Int.self)
            guard recorded == 0 else { throw Refusal.attendanceRecorded }
            if let patient, onlyOne {
                try await connection.query(
                    """
                    UPDATE rehab_participants SET cancelled_at = now(), cancelled_by = \(context.subject), cancel_reason = \(reason)
                    WHERE session_id = \(session) AND patient_id = \(patient)
                    """, prepared: true)
                try await AuditLog.record(
                    context.auditEvent(.update, patient: patient, resource: "RehabSession", resourceID: session.uuidString),
                    on: connection)
            } else {
                try await connection.query(
                    """
                    UPDATE rehab_sessions SET cancelled_at = now(), cancelled_by = \(context.subject), cancel_reason = \(reason)
                    WHERE id = \(session)
                    """, prepared: true)
                for patient in booked.request.patients {
                    try await AuditLog.record(
                        context.auditEvent(.update, patient: patient, resource: "RehabSession", resourceID: session.uuidString),
                        on: connection)
                }
            }
            let offer = try await RehabWaitlist(sessions: self).offer(freed: session, on: connection)
            return CancelOutcome(sessionCancelled: !onlyOne, offer: offer)
        }
    }
}
