import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Seed
import Storage
import Testing

/// PostgreSQL itself forbids double booking: 1,000 racing attempts on overlapping slots of the
/// demo clinic — one therapist, a few patients, a single speech room and a pool at capacity —
/// never store an overlap or an over-capacity, and every loser gets a a booking conflict (`Refusal`).
@Suite struct RehabBookingTests {
    static let clinic = DemoClinicFixture.clinic
    static let context = DemoClinicFixture.coordinator
    static let racers = RacingBookingMix.racers

    /// The demo clinic and its ids by code, with two more aquatic therapists so that the pool's
    /// two lanes, not its staff, are what runs out.
    static func setUp(_ pool: PostgresPool) async throws -> (bookings: RehabSessions, therapists: [String: UUID], rooms: [String: UUID]) {
        let catalogue = try await DemoClinicFixture.load(into: pool)
        let resources = RehabResources(pool: pool)
        for code in ["T10", "T11"] {
            _ = try await resources.create(
                RehabTherapist(
                    organisationId: clinic, code: code, name: "Aquatic \(code)", skills: ["PT", "AQUA"], teams: [0],
                    shifts: []), as: context)
        }
        let therapists = try await resources.therapists(clinic: clinic, as: context)
        let rooms = try await resources.rooms(clinic: clinic, as: context)
        return (
            RehabSessions(pool: pool, catalogue: catalogue),
            Dictionary(uniqueKeysWithValues: therapists.compactMap { therapist in therapist.id.map { (therapist.code, $0) } }),
            Dictionary(uniqueKeysWithValues: rooms.compactMap { room in room.id.map { (room.code, $0) } })
        )
    }

    static func request(
        _ modality: String, _ therapist: UUID?, _ room: UUID?, at start: Date, minutes: Int, _ patients: [UUID],
        max: Int? = nil
    ) -> RehabBookingRequest {
        RacingBookingMix.request(modality, therapist, room, at: start, minutes: minutes, patients, max: max)
    }

    @Test func racingBookingsNeverStoreAnOverlapOrAnOverCapacity() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app, configuration: .init(maximumConnections: 8)) { pool in
                let (bookings, therapists, rooms) = try await Self.setUp(pool)
                let seed = TestSeed.make("racingBookingsNeverStoreAnOverlapOrAnOverCapacity")
                let requests = RacingBookingMix.requests(1_000, seed: seed, therapists: therapists, rooms: rooms)
                // 16 clients at once, each booking its share one after another, as the API's clients do.
                let outcomes = await withTaskGroup(of: [Result<UUID, any Error>].self) { group in
                    for client in 0..<16 {
                        group.addTask {
                            var results: [Result<UUID, any Error>] = []
                            for request in stride(from: client, to: requests.count, by: 16).map({ requests[$0] }) {
                                do { results.append(.success(try await bookings.book(request, as: Self.context).session)) } catch {
                                    results.append(.failure(error))
                                }
                            }
                            return results
                        }
                    }
                    return await group.reduce(into: []) { $0 += $1 }
                }
                let booked = outcomes.filter { if case .success = $0 { true } else { false } }.count
                let conflicts = outcomes.compactMap { outcome -> Refusal? in
                    if case .failure(let error) = outcome { return (error as? Refusal).flatMap { $0.bookingClash == nil ? nil : $0 } }
                    return nil
                }
                let others = outcomes.compactMap { outcome -> String? in
                    if case .failure(let error) = outcome, (error as? Refusal)?.bookingClash == nil { return "\(error)" }
                    return nil
                }
                #expect(others.isEmpty, "seed \(seed): \(others.prefix(3))")
                #expect(booked > 0)
                #expect(booked + conflicts.count == 1_000)
                #expect(conflicts.allSatisfy { $0.related?.id != nil }, "every loser is told which booking it clashes with")
                let kinds = Set(conflicts.compactMap(\.bookingClash))
                #expect(kinds.isSuperset(of: [.therapistBusy, .patientBusy, .roomBusy, .roomFull]), "seed \(seed): \(kinds)")
                let stored = try await StoredBookings.check(pool, context: Self.context, room: rooms["POOL1"] ?? UUID())
                #expect(stored.therapistOverlaps == 0 && stored.roomOverlaps == 0 && stored.patientOverlaps == 0, "\(stored)")
                #expect(stored.peakSessions <= 2 && stored.peakPatients <= 8, "\(stored)")
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
                let (bookings, therapists, _) = try await Self.setUp(pool)
                try await pool.withAccess(hospitalContext) { connection in
                    try await connection.query(
                        """
                        INSERT INTO rehab_rooms (organisation_id, id, code, name, room_type, capacity, max_sessions)
                        VALUES (\(hospital), \(foreignRoom), 'GYM9', 'Ward gym', 'gym', 4, 4)
                        """)
                }
                let monday = DemoClinicFixture.at(day: 0, "09:00")
                await #expect(throws: Refusal.unknownRoom) {
                    try await bookings.book(Self.request("PT", therapists["T01"], foreignRoom, at: monday, minutes: 45, [Self.racers[0]]), as: Self.context)
                }
                await #expect {
                    try await pool.withAccess(Self.context) { connection in
                        try await connection.query(
                            """
                            INSERT INTO rehab_sessions (organisation_id, modality, room_id, room_single, during, max_participants, booked_by)
                            VALUES (\(Self.clinic), 'PT', \(foreignRoom), false, tstzrange(\(monday), \(monday + 2_700)), 1, 'writer')
                            """)
                    }
                } throws: { ($0 as? PostgresError)?.sqlState == "23503" }
            }
        }
    }

    /// A group fills to its size, a pool to its places and lanes; cancelling a session cancels
    /// its participants, frees them and the room, and offers the slot to the waitlist.
    @Test func groupsFillToTheirSizeAndCancellingFreesTheSlot() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (bookings, therapists, rooms) = try await Self.setUp(pool)
                let start = DemoClinicFixture.at(day: 2, "10:00")
                func group(_ therapist: String, _ members: ArraySlice<UUID>, size: Int) -> RehabBookingRequest {
                    Self.request("HYDRO_GRP", therapists[therapist], rooms["POOL1"], at: start, minutes: 45, Array(members), max: size)
                }
                let first = try await bookings.book(group("T02", Self.racers[0..<1], size: 2), as: Self.context).session
                try await bookings.join(first, patient: Self.racers[1], as: Self.context)
                // A patient leaves the group and comes back; joining twice clashes.
                let left = try #require(try await bookings.cancel(first, patient: Self.racers[1], reason: "tired", as: Self.context))
                #expect(!left.sessionCancelled)
                try await bookings.join(first, patient: Self.racers[1], as: Self.context)
                await #expect { try await bookings.join(first, patient: Self.racers[1], as: Self.context) } throws: {
                    ($0 as? Refusal)?.bookingClash == .patientBusy
                }
                await #expect { try await bookings.join(first, patient: Self.racers[2], as: Self.context) } throws: {
                    ($0 as? Refusal)?.bookingClash == .groupFull && ($0 as? Refusal)?.related?.id == first
                }
                _ = try await bookings.book(group("T04", Self.racers[2..<8], size: 6), as: Self.context)
                await #expect {
                    try await bookings.book(group("T10", Self.racers[0..<0] + [DemoClinicFixture.patient("DEMO-R07")], size: 6), as: Self.context)
                } throws: {
                    ($0 as? Refusal)?.bookingClash == .roomFull
                }

                let waiting = try await RehabWaitlist(sessions: bookings).add(
                    WaitlistEntry(
                        organisationId: Self.clinic, patientId: DemoClinicFixture.patient("DEMO-R07"), modality: "HYDRO_GRP", priority: 2,
                        wantedBy: DemoClinicFixture.week.adding(days: 4)), as: Self.context)
                let busy = try await RehabWaitlist(sessions: bookings).add(
                    WaitlistEntry(
                        organisationId: Self.clinic, patientId: Self.racers[3], modality: "HYDRO_GRP", priority: 3,
                        wantedBy: DemoClinicFixture.week.adding(days: 4)), as: Self.context)
                let outcome = try #require(try await bookings.cancel(first, reason: "pool closed for cleaning", as: Self.context))
                #expect(outcome.sessionCancelled)
                #expect(
                    outcome.offer?.id == waiting.id, "the busy patient (higher priority, but booked then) is passed over for \(String(describing: busy.id))")
                #expect(try await bookings.cancel(first, reason: "again", as: Self.context) == nil)
                let taken = try await RehabWaitlist(sessions: bookings).accept(try #require(waiting.id), as: Self.context)
                let entries = try await RehabWaitlist(sessions: bookings).entries(clinic: Self.clinic, as: Self.context)
                #expect(entries.first { $0.id == waiting.id }?.status == .booked)
                #expect(entries.first { $0.id == waiting.id }?.bookedSession == taken)
                let participants = try await pool.withAccess(Self.context, readOnly: true) { connection in
                    try await connection.query("SELECT count(*) FROM rehab_participants WHERE session_id = \(first) AND session_cancelled")
                        .single().decode(Int.self, at: 0)
                }
                #expect(participants == 2)
            }
        }
    }

    /// Every booking is checked against the catalogue, not only the solver's plans.
    @Test func contraindicationsAndTheEarliestDayAreCheckedOnEveryBooking() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (bookings, therapists, rooms) = try await Self.setUp(pool)
                let start = DemoClinicFixture.at(day: 2, "09:00")
                func refusal(_ request: RehabBookingRequest) async -> BookingRule? {
                    do {
                        _ = try await bookings.book(request, as: Self.context)
                        return nil
                    } catch {
                        return (error as? Refusal)?.bookingRule
                    }
                }
                // DEMO-R04 has incontinence: no pool; DEMO-R15 is 7 days after the stroke: no pool before day 14.
                #expect(
                    await refusal(Self.request("HYDRO_GRP", therapists["T02"], rooms["POOL1"], at: start, minutes: 45, [DemoClinicFixture.patient("DEMO-R04")]))
                        == .contraindicated)
                #expect(
                    await refusal(Self.request("HYDRO_GRP", therapists["T02"], rooms["POOL1"], at: start, minutes: 45, [DemoClinicFixture.patient("DEMO-R15")]))
                        == .tooEarly)
                #expect(
                    await refusal(Self.request("PT", therapists["T01"], rooms["POOL1"], at: start, minutes: 45, [DemoClinicFixture.patient("DEMO-R15")]))
                        == .wrongRoom)
                #expect(
                    await refusal(Self.request("SLT", therapists["T01"], rooms["SPR1"], at: start, minutes: 30, [DemoClinicFixture.patient("DEMO-R02")]))
                        == .therapistNotQualified)
                #expect(
                    await refusal(
                        Self.request(
                            "PT", therapists["T01"], rooms["GYM1"], at: DemoClinicFixture.at(day: 40, "09:00"), minutes: 45,
                            [DemoClinicFixture.patient("DEMO-R02")])) == .notAdmitted)
                await #expect(throws: Refusal.self, "a one-to-one session is not a group") {
                    try await bookings.book(
                        Self.request(
                            "PT", therapists["T01"], rooms["GYM1"], at: start, minutes: 45, [DemoClinicFixture.patient("DEMO-R15")],
                            max: 10), as: Self.context)
                }
                #expect(
                    await refusal(Self.request("PT", therapists["T01"], rooms["GYM1"], at: start, minutes: 45, [DemoClinicFixture.patient("DEMO-R15")])) == nil)
                let stored = try await pool.withAccess(Self.context, readOnly: true) { connection in
                    try await connection.query("SELECT count(*) FROM rehab_sessions").single().decode(Int.self, at: 0)
                }
                #expect(stored == 1, "refused bookings change nothing")
            }
        }
    }
}
