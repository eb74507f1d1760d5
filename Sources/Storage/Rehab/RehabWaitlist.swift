public import Clinical
public import Foundation
import Postgres
public import Rehabilitation

/// A patient waiting for a session of a modality; its life is `WaitlistStatus`.
public struct WaitlistEntry: Sendable, Codable, Equatable {
    public var id: UUID?
    public var organisationId: UUID
    public var patientId: UUID
    public var pseudonym: String?
    public var modality: String
    /// 1–3, higher first (the catalogue's priority bands: early after stroke is 3).
    public var priority: Int
    public var wantedBy: CalendarDay
    public var note: String?
    public var status: WaitlistStatus?
    /// The freed slot offered: a cancelled session (book the same slot) or a group session
    /// with a free place (join it).
    public var offeredSession: UUID?
    public var offerExpiresAt: Date?
    public var bookedSession: UUID?

    public init(
        id: UUID? = nil, organisationId: UUID, patientId: UUID, pseudonym: String? = nil, modality: String, priority: Int,
        wantedBy: CalendarDay, note: String? = nil, status: WaitlistStatus? = nil, offeredSession: UUID? = nil, offerExpiresAt: Date? = nil,
        bookedSession: UUID? = nil
    ) {
        self.id = id
        self.organisationId = organisationId
        self.patientId = patientId
        self.pseudonym = pseudonym
        self.modality = modality
        self.priority = priority
        self.wantedBy = wantedBy
        self.note = note
        self.status = status
        self.offeredSession = offeredSession
        self.offerExpiresAt = offerExpiresAt
        self.bookedSession = bookedSession
    }
}

/// The clinic's waitlist and the backfill of freed slots.
public struct RehabWaitlist: Sendable {
    public let sessions: RehabSessions

    public init(sessions: RehabSessions) {
        self.sessions = sessions
    }

    /// Puts a patient the clinic has admitted on the waitlist.
    public func add(_ entry: WaitlistEntry, as context: AccessContext) async throws -> WaitlistEntry {
        _ = try sessions.catalogue.modality(entry.modality)
        guard (1...3).contains(entry.priority) else { throw Refusal.invalid("priority", "must be 1 to 3") }
        if let note = entry.note { try RehabResources.checkName(note, "note") }
        return try await sessions.pool.withAccess(context) { connection in
            guard try await connection.query("SELECT 1 FROM patients WHERE id = \(entry.patientId)", prepared: true).first != nil else {
                throw Refusal.unknownPatient
            }
            let id = try await connection.query(
                """
                INSERT INTO rehab_waitlist (organisation_id, patient_id, modality, priority, wanted_by, note, created_by)
                VALUES (\(entry.organisationId), \(entry.patientId), \(entry.modality), \(entry.priority), \(entry.wantedBy.description)::date,
                        \(entry.note), \(context.subject))
                RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            try await AuditLog.record(
                context.auditEvent(.create, patient: entry.patientId, resource: "RehabWaitlist", resourceID: id.uuidString),
                on: connection)
            var created = entry
            created.id = id
            created.status = .waiting
            return created
        }
    }

    /// The clinic's waitlist (open entries first, by priority and age).
    public func entries(clinic: UUID?, as context: AccessContext) async throws -> [WaitlistEntry] {
        try await sessions.pool.withAccess(context) { connection in
            try await Self.refresh(on: connection)
            let entries = try await connection.query(
                """
                SELECT w.id, w.organisation_id, w.patient_id, p.pseudonym, w.modality, w.priority, w.wanted_by::text, w.note, w.status,
                       w.offered_session, w.offer_expires_at, w.booked_session
                FROM rehab_waitlist w JOIN patients p ON p.id = w.patient_id
                WHERE \(clinic)::uuid IS NULL OR w.organisation_id = \(clinic)
                ORDER BY w.status IN ('booked', 'expired'), w.priority DESC, w.created_at
                """, prepared: true
            ).map { row in
                let (id, organisation, patient, pseudonym, modality, priority, wantedBy, note, status, offered, expires, booked) =
                    try row.decode((UUID, UUID, UUID, String, String, Int, CalendarDay, String?, WaitlistStatus, UUID?, Date?, UUID?).self)
                return WaitlistEntry(
                    id: id, organisationId: organisation, patientId: patient, pseudonym: pseudonym, modality: modality, priority: priority,
                    wantedBy: wantedBy, note: note, status: status, offeredSession: offered, offerExpiresAt: expires, bookedSession: booked)
            }
            for entry in entries {
                try await AuditLog.record(
                    context.auditEvent(.search, patient: entry.patientId, resource: "RehabWaitlist", resourceID: entry.id?.uuidString),
                    on: connection)
            }
            return entries
        }
    }

    /// Takes an offer: books the freed slot (or joins the group) for the entry's patient, in
    /// the transaction that claims the offer, so an offer is taken once. Returns the session; a
    /// clash (the slot was taken meanwhile) returns the entry to waiting.
    public func accept(_ id: UUID, as context: AccessContext) async throws -> UUID {
        var request: RehabBookingRequest?
        do {
            return try await sessions.mappingConflicts(nil, excluding: nil, as: context, lateRequest: { request }) {
                try await sessions.pool.withAccess(context) { connection in
                    try await Self.refresh(on: connection)
                    guard
                        let offer = try await connection.query(
                            """
                            SELECT patient_id, offered_session FROM rehab_waitlist
                            WHERE id = \(id) AND status = ANY(\(WaitlistStatus.names(from: .accept))) FOR UPDATE
                            """, prepared: true
                        ).first
                    else { throw Refusal.noOpenOffer }
                    let (patient, freed) = try offer.decode((UUID, UUID).self)
                    let slot = try await connection.query(
                        """
                        SELECT organisation_id, modality, therapist_id, room_id, lower(during), upper(during), max_participants, cancelled
                        FROM rehab_sessions WHERE id = \(freed)
                        """, prepared: true
                    ).single()
                    var session = freed
                    let (organisation, modality, therapist, room, start, end, maxParticipants, cancelled) =
                        try slot.decode((UUID, String, UUID?, UUID, Date, Date, Int, Bool).self)
                    if cancelled {
                        let booking = RehabBookingRequest(
                            organisation: organisation, modality: modality, therapist: therapist, room: room, start: start, end: end,
                            maxParticipants: maxParticipants, patients: [patient])
                        request = booking
                        session = try await sessions.insert(booking, series: nil, plan: nil, as: context, on: connection)
                    } else {
                        try await sessions.addParticipant(patient, to: freed, as: context, on: connection) { request = $0 }
                    }
                    try await connection.query(
                        """
                        UPDATE rehab_waitlist SET status = \(WaitlistStatus.booked.rawValue), booked_session = \(session), offered_session = NULL, offer_expires_at = NULL
                        WHERE id = \(id)
                        """, prepared: true)
                    return session
                }
            }
        } catch let error as Refusal where error.bookingClash != nil {
            try await decline(id, as: context)
            throw error
        }
    }

    /// Declines an offer: the entry waits again and the slot goes to the next fitting entry.
    public func decline(_ id: UUID, as context: AccessContext) async throws {
        try await sessions.pool.withAccess(context) { connection in
            guard
                let session = try await connection.query(
                    """
                    UPDATE rehab_waitlist w SET status = \(WaitlistStatus.waiting.rawValue), offered_session = NULL, offer_expires_at = NULL
                    FROM rehab_waitlist old WHERE w.id = \(id) AND old.id = w.id AND old.status = ANY(\(WaitlistStatus.names(from: .decline)))
                    RETURNING old.offered_session
                    """, prepared: true
                ).first?.decode(UUID.self)
            else { throw Refusal.noOpenOffer }
            _ = try await offer(freed: session, skipping: id, on: connection)
        }
    }

    /// Offers a place free in `session` now (a group session with room, or a cancelled one) to
    /// the first fitting waiting entry, as a cancellation would (audited): nil when nobody fits
    /// or no place is free (places taken and offers still open count; the session row is held
    /// so that two coordinators cannot offer one place twice).
    public func offerNow(_ session: UUID, as context: AccessContext) async throws -> WaitlistEntry? {
        try await sessions.pool.withAccess(context) { connection in
            guard
                let free = try await connection.query(
                    """
                    SELECT (CASE WHEN s.cancelled THEN 1
                                 ELSE s.max_participants - (SELECT count(*) FROM rehab_participants p WHERE p.session_id = s.id AND p.cancelled_at IS NULL) END)
                           - (SELECT count(*) FROM rehab_waitlist w
                              WHERE w.offered_session = s.id AND w.status = \(WaitlistStatus.offered.rawValue) AND w.offer_expires_at > now()) > 0
                    FROM rehab_sessions s WHERE s.id = \(session) FOR UPDATE
                    """, prepared: true
                ).first?.decode(Bool.self)
            else { throw Refusal.unknownSession }
            guard free, let offered = try await offer(freed: session, on: connection) else { return nil }
            try await AuditLog.record(
                context.auditEvent(.update, patient: offered.patientId, resource: "RehabWaitlist", resourceID: offered.id?.uuidString), on: connection)
            return offered
        }
    }

    /// Offers a freed slot (a cancelled session, or a group session with a place free) to the
    /// first waiting entry of its modality whose patient is free then and may have it.
    func offer(freed session: UUID, skipping: UUID? = nil, on connection: PostgresConnection) async throws -> WaitlistEntry? {
        try await Self.refresh(on: connection)
        guard
            let slot = try await connection.query(
                """
                SELECT organisation_id, modality, therapist_id, room_id, lower(during), upper(during), max_participants
                FROM rehab_sessions WHERE id = \(session) AND lower(during) > now()
                """, prepared: true
            ).first
        else { return nil }
        let (organisation, modality, therapist, room, start, end, _) = try slot.decode((UUID, String, UUID?, UUID, Date, Date, Int).self)
        let settings = try await ClinicSettings.load(organisation, on: connection)
        let candidates = try await connection.query(
            """
            SELECT w.id, w.patient_id, w.priority, w.wanted_by::text, p.pseudonym FROM rehab_waitlist w JOIN patients p ON p.id = w.patient_id
            WHERE w.organisation_id = \(organisation) AND w.modality = \(modality) AND w.status = ANY(\(WaitlistStatus.names(from: .offer)))
              AND w.wanted_by >= \(settings.local(start).day.description)::date AND w.id IS DISTINCT FROM \(skipping)
              AND NOT EXISTS (SELECT 1 FROM rehab_participants p WHERE p.patient_id = w.patient_id AND p.cancelled_at IS NULL
                              AND NOT p.session_cancelled AND p.during && tstzrange(\(start), \(end)))
            ORDER BY w.priority DESC, w.created_at
            LIMIT 20
            """, prepared: true)
        for candidate in candidates {
            let (entry, patient, priority, wantedBy, pseudonym) = try candidate.decode((UUID, UUID, Int, CalendarDay, String).self)
            let request = RehabBookingRequest(
                organisation: organisation, modality: modality, therapist: therapist, room: room, start: start, end: end, patients: [patient])
            do {
                try await sessions.checkPatients(request, on: connection)
            } catch let refusal as Refusal where refusal.bookingRule != nil {
                continue
            }
            let expires = min(Date().addingTimeInterval(Double(settings.offerMinutes) * 60), start)
            // Another cancellation may have offered this entry a slot meanwhile: then the next one.
            guard
                try await connection.query(
                    """
                    UPDATE rehab_waitlist SET status = \(WaitlistStatus.offered.rawValue), offered_session = \(session), offer_expires_at = \(expires)
                    WHERE id = \(entry) AND status = ANY(\(WaitlistStatus.names(from: .offer))) RETURNING id
                    """, prepared: true
                ).first != nil
            else { continue }
            return WaitlistEntry(
                id: entry, organisationId: organisation, patientId: patient, pseudonym: pseudonym, modality: modality, priority: priority,
                wantedBy: wantedBy, status: .offered,
                offeredSession: session, offerExpiresAt: expires)
        }
        return nil
    }

    /// Lapsed offers wait again; entries past their day (in the clinic's time) expire.
    static func refresh(on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE rehab_waitlist SET status = \(WaitlistStatus.waiting.rawValue), offered_session = NULL, offer_expires_at = NULL
            WHERE status = ANY(\(WaitlistStatus.names(from: .lapse))) AND offer_expires_at < now()
            """, prepared: true)
        try await connection.query(
            """
            UPDATE rehab_waitlist w SET status = \(WaitlistStatus.expired.rawValue)
            WHERE status = ANY(\(WaitlistStatus.names(from: .expire))) AND wanted_by < (now() AT TIME ZONE coalesce(
                (SELECT time_zone FROM rehab_clinic_settings c WHERE c.organisation_id = w.organisation_id), 'UTC'))::date
            """, prepared: true)
    }
}
