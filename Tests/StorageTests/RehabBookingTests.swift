import Foundation
import Postgres
import PostgresTestSupport
import Storage
import Testing

/// PostgreSQL itself forbids double booking: 1,000 racing attempts on overlapping slots —
/// one therapist, a patient pool of 20, a single-capacity speech room and a pool at capacity
/// — never store an overlap or an over-capacity, and every loser gets a `BookingConflict`.
@Suite struct RehabBookingTests {
    static let clinic = DemoData.organisations.first { $0.kind == "rehab_clinic" }?.id ?? UUID()
    static let context = AccessContext(subject: "coordinator", role: "rehab_coordinator", organisations: [clinic])
    static let therapist = UUID(uuidString: "00000000-0000-4000-8000-0000000000a1") ?? UUID()
    static let gym = UUID(uuidString: "00000000-0000-4000-8000-0000000000b1") ?? UUID()
    static let pool = UUID(uuidString: "00000000-0000-4000-8000-0000000000b2") ?? UUID()
    static let speechRoom = UUID(uuidString: "00000000-0000-4000-8000-0000000000b3") ?? UUID()
    static let monday = Date(timeIntervalSince1970: 1_796_112_000)  // 2026-12-01 08:00 UTC

    static func setUp(_ pool: PostgresPool) async throws -> [UUID] {
        _ = try await DemoData.load(into: pool)
        let patients = (0..<20).map { _ in UUID() }
        try await pool.withAccess(context) { connection in
            for (index, patient) in patients.enumerated() {
                try await connection.query("INSERT INTO patients (organisation_id, id, pseudonym) VALUES (\(clinic), \(patient), \("race-\(index)"))")
            }
            try await connection.query("INSERT INTO rehab_therapists (organisation_id, id, code, name) VALUES (\(clinic), \(therapist), 'T1', 'Therapist')")
            try await connection.query("""
                INSERT INTO rehab_rooms (organisation_id, id, code, name, room_type, capacity, max_sessions) VALUES
                (\(clinic), \(gym), 'GYM1', 'Gym', 'gym', 100, 100), (\(clinic), \(Self.pool), 'POOL1', 'Pool', 'pool', 5, 2),
                (\(clinic), \(speechRoom), 'SPR1', 'Speech room', 'speech_room', 1, 1)
                """)
        }
        return patients
    }

    @Test func racingBookingsNeverStoreAnOverlapOrAnOverCapacity() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app, configuration: .init(maximumConnections: 8)) { pool in
                let patients = try await Self.setUp(pool)
                let bookings = RehabBookings(pool: pool)
                var generator = SystemRandomNumberGenerator()
                let requests = (0..<1_000).map { _ -> RehabBookingRequest in
                    let start = Self.monday + Double(Int.random(in: 0..<8, using: &generator) * 900)
                    let chosen = Array(patients.shuffled(using: &generator).prefix(Int.random(in: 1...3, using: &generator)))
                    switch Int.random(in: 0..<3, using: &generator) {
                    case 0: return RehabBookingRequest(organisation: Self.clinic, modality: "PT", therapist: Self.therapist, room: Self.gym,
                                                       start: start, end: start + 2_700, maxParticipants: 1, patients: [chosen[0]])
                    case 1: return RehabBookingRequest(organisation: Self.clinic, modality: "SLT", therapist: nil, room: Self.speechRoom,
                                                       start: start, end: start + 1_800, maxParticipants: 1, patients: [chosen[0]])
                    default: return RehabBookingRequest(organisation: Self.clinic, modality: "HYDRO_GRP", therapist: nil, room: Self.pool,
                                                        start: start, end: start + 2_700, maxParticipants: 6, patients: chosen)
                    }
                }
                let outcomes = await withTaskGroup(of: Result<UUID, any Error>.self) { group in
                    for request in requests {
                        group.addTask {
                            do { return .success(try await bookings.book(request, as: Self.context)) } catch { return .failure(error) }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                let booked = outcomes.filter { if case .success = $0 { true } else { false } }.count
                let conflicts = outcomes.compactMap { outcome -> BookingConflict? in
                    if case .failure(let error) = outcome { return error as? BookingConflict }
                    return nil
                }
                let others = outcomes.compactMap { outcome -> String? in
                    if case .failure(let error) = outcome, !(error is BookingConflict) { return "\(error)" }
                    return nil
                }
                #expect(others.isEmpty, "\(others.prefix(3))")
                #expect(booked > 0)
                #expect(booked + conflicts.count == 1_000)
                #expect(conflicts.allSatisfy { $0.session != nil }, "every loser is told which booking it clashes with")
                // Every resource was contended.
                let kinds = Set(conflicts.map(\.kind))
                #expect(kinds.isSuperset(of: [.therapistBusy, .patientBusy, .roomBusy, .roomFull]), "\(kinds)")

                try await pool.withAccess(Self.context, readOnly: true) { connection in
                    let therapistOverlaps = try await connection.query("""
                        SELECT count(*) FROM rehab_sessions a JOIN rehab_sessions b ON a.therapist_id = b.therapist_id AND a.id < b.id
                        WHERE a.during && b.during AND a.cancelled_at IS NULL AND b.cancelled_at IS NULL
                        """).single().decode(Int.self, at: 0)
                    let roomOverlaps = try await connection.query("""
                        SELECT count(*) FROM rehab_sessions a JOIN rehab_sessions b ON a.room_id = b.room_id AND a.id < b.id
                        WHERE a.room_single AND a.during && b.during
                        """).single().decode(Int.self, at: 0)
                    let patientOverlaps = try await connection.query("""
                        SELECT count(*) FROM rehab_participants a JOIN rehab_participants b ON a.patient_id = b.patient_id AND a.session_id < b.session_id
                        WHERE a.during && b.during
                        """).single().decode(Int.self, at: 0)
                    let poolPeak = try await connection.query("""
                        SELECT coalesce(max(sessions), 0), coalesce(max(patients), 0) FROM (
                            SELECT count(DISTINCT s.id) AS sessions, count(p.patient_id) AS patients
                            FROM rehab_sessions a
                            JOIN rehab_sessions s ON s.room_id = a.room_id AND s.during @> lower(a.during)
                            LEFT JOIN rehab_participants p ON p.session_id = s.id
                            WHERE a.room_id = \(Self.pool) GROUP BY a.id) peaks
                        """).single()
                    #expect(therapistOverlaps == 0)
                    #expect(roomOverlaps == 0)
                    #expect(patientOverlaps == 0)
                    #expect(try poolPeak.decode(Int.self, at: 0) <= 2)
                    #expect(try poolPeak.decode(Int.self, at: 1) <= 5)
                }
            }
        }
    }

    /// A booking uses its own organisation's rooms: another's is unknown to the service, and a
    /// writer that names it anyway is refused by the foreign key.
    @Test func anotherOrganisationsRoomCannotBeBooked() async throws {
        let hospital = DemoData.organisations.first { $0.kind == "hospital" }?.id ?? UUID()
        let hospitalContext = AccessContext(subject: "hospital", role: "rehab_coordinator", organisations: [hospital])
        let foreignRoom = UUID()
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let patients = try await Self.setUp(pool)
                try await pool.withAccess(hospitalContext) { connection in
                    try await connection.query("""
                        INSERT INTO rehab_rooms (organisation_id, id, code, name, room_type, capacity, max_sessions)
                        VALUES (\(hospital), \(foreignRoom), 'GYM9', 'Ward gym', 'gym', 4, 4)
                        """)
                }
                let request = RehabBookingRequest(organisation: Self.clinic, modality: "PT", therapist: nil, room: foreignRoom,
                                                  start: Self.monday, end: Self.monday + 2_700, maxParticipants: 1, patients: [patients[0]])
                await #expect(throws: UnknownRoom.self) { try await RehabBookings(pool: pool).book(request, as: Self.context) }
                await #expect {
                    try await pool.withAccess(Self.context) { connection in
                        try await connection.query("""
                            INSERT INTO rehab_sessions (organisation_id, modality, room_id, room_single, during, max_participants, booked_by)
                            VALUES (\(Self.clinic), 'PT', \(foreignRoom), false, tstzrange(\(Self.monday), \(Self.monday + 2_700)), 1, 'writer')
                            """)
                    }
                } throws: { ($0 as? PostgresError)?.sqlState == "23503" }
            }
        }
    }

    /// A group fills to its size, a pool to its places and lanes; cancelling a session
    /// cancels its participants and frees them and the room.
    @Test func groupsFillToTheirSizeAndCancellingFreesTheSlot() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let patients = try await Self.setUp(pool)
                let bookings = RehabBookings(pool: pool)
                func group(_ members: ArraySlice<UUID>, size: Int) -> RehabBookingRequest {
                    RehabBookingRequest(organisation: Self.clinic, modality: "HYDRO_GRP", therapist: nil, room: Self.pool,
                                        start: Self.monday, end: Self.monday + 2_700, maxParticipants: size, patients: Array(members))
                }
                let first = try await bookings.book(group(patients[0..<1], size: 2), as: Self.context)
                try await bookings.join(first, patient: patients[1], as: Self.context)
                await #expect { try await bookings.join(first, patient: patients[2], as: Self.context) } throws: {
                    ($0 as? BookingConflict)?.kind == .groupFull && ($0 as? BookingConflict)?.session == first
                }
                _ = try await bookings.book(group(patients[2..<5], size: 6), as: Self.context)
                await #expect { try await bookings.book(group(patients[5..<6], size: 6), as: Self.context) } throws: {
                    ($0 as? BookingConflict)?.kind == .roomFull
                }
                await #expect { try await bookings.book(group(patients[0..<1], size: 6), as: Self.context) } throws: {
                    ($0 as? BookingConflict)?.kind == .patientBusy
                }

                #expect(try await bookings.cancel(first, reason: "pool closed for cleaning", as: Self.context))
                #expect(try await !bookings.cancel(first, reason: "again", as: Self.context))
                let individual = RehabBookingRequest(organisation: Self.clinic, modality: "PT", therapist: Self.therapist, room: Self.gym,
                                                     start: Self.monday, end: Self.monday + 2_700, maxParticipants: 1, patients: [patients[0]])
                _ = try await bookings.book(individual, as: Self.context)
                _ = try await bookings.book(group(patients[5..<6], size: 6), as: Self.context)
                let cancelled = try await pool.withAccess(Self.context, readOnly: true) { connection in
                    try await connection.query("SELECT count(*) FROM rehab_participants WHERE session_id = \(first) AND session_cancelled")
                        .single().decode(Int.self, at: 0)
                }
                #expect(cancelled == 2)
            }
        }
    }
}
