import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Storage
import Testing

/// Recurring sessions: each occurrence is a booking of its own; editing or cancelling one
/// leaves the rest of the series unchanged, and editing the series from a day onwards leaves
/// the earlier occurrences unchanged.
@Suite struct RehabSeriesTests {
    static let context = DemoClinicFixture.coordinator

    static func setUp(_ pool: PostgresPool) async throws -> (RehabSessions, RehabSeries) {
        let catalogue = try await DemoClinicFixture.load(into: pool)
        let resources = RehabResources(pool: pool)
        let t01 = try await resources.therapists(clinic: DemoClinicFixture.clinic, as: context).first { $0.code == "T01" }?.id
        let gym = try await resources.rooms(clinic: DemoClinicFixture.clinic, as: context).first { $0.code == "GYM1" }?.id ?? UUID()
        let bookings = RehabSessions(pool: pool, catalogue: catalogue)
        // Monday, Wednesday and Friday at 10:00 for two weeks: six occurrences.
        let series = try await bookings.createSeries(
            RehabSeries(
                organisationId: DemoClinicFixture.clinic, modality: "PT", therapistId: t01, roomId: gym, patients: [DemoClinicFixture.patient("DEMO-R01")],
                weekdays: [0, 2, 4], startTime: ClockTime(clamping: 600), minutes: 45, firstDay: DemoClinicFixture.week,
                lastDay: DemoClinicFixture.week.adding(days: 13)), as: context)
        return (bookings, series)
    }

    /// The occurrences as (start, end, cancelled), by session.
    static func snapshot(_ series: RehabSeries?) -> [UUID: [Date]] {
        Dictionary(uniqueKeysWithValues: (series?.occurrences ?? []).map { ($0.session, [$0.start, $0.end, $0.cancelled ? .distantPast : .distantFuture]) })
    }

    @Test func movingOrCancellingOneOccurrenceLeavesTheOthers() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (bookings, series) = try await Self.setUp(pool)
                let occurrences = try #require(series.occurrences)
                #expect(occurrences.count == 6)
                #expect(occurrences.first?.start == DemoClinicFixture.at(day: 0, "10:00"))
                let before = Self.snapshot(series)
                let moved = occurrences[1]
                let cancelled = occurrences[3]
                try await bookings.move(moved.session, start: moved.start + 3_600, end: moved.end + 3_600, therapist: nil, room: nil, as: Self.context)
                _ = try await bookings.cancel(cancelled.session, reason: "patient at imaging", as: Self.context)

                let after = try await bookings.series(try #require(series.id), as: Self.context)
                let now = Self.snapshot(after)
                for (session, value) in before where session != moved.session && session != cancelled.session {
                    #expect(now[session] == value, "occurrence \(session) changed")
                }
                #expect(now[moved.session]?[0] == moved.start + 3_600)
                #expect(after?.occurrences?.first { $0.session == moved.session }?.edited == true)
                #expect(now[cancelled.session]?[2] == .distantPast)
                #expect(after?.occurrences?.count == 6)
            }
        }
    }

    @Test func editingFromADayOnwardsLeavesEarlierOccurrences() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (bookings, series) = try await Self.setUp(pool)
                let id = try #require(series.id)
                let from = DemoClinicFixture.week.adding(days: 7)
                let next = try await bookings.editSeries(
                    id, RehabSeriesChange(from: from, weekdays: [1, 3], startTime: ClockTime(clamping: 840)),
                    as: Self.context)
                let old = try #require(try await bookings.series(id, as: Self.context))
                let cut = DemoClinicFixture.at(day: 7, "00:00")
                let earlier = (series.occurrences ?? []).filter { $0.start < cut }
                #expect(earlier.count == 3)
                for occurrence in earlier {
                    #expect(old.occurrences?.first { $0.session == occurrence.session } == occurrence, "an earlier occurrence changed")
                }
                #expect(old.lastDay == from.adding(days: -1))
                #expect(old.occurrences?.filter { $0.start >= cut }.allSatisfy(\.cancelled) == true)
                #expect(next.follows == id)
                #expect(next.firstDay == from)
                #expect(next.occurrences?.map(\.start) == [DemoClinicFixture.at(day: 8, "14:00"), DemoClinicFixture.at(day: 10, "14:00")])
                // A day outside the series is refused and changes nothing.
                await #expect(throws: Refusal.self) {
                    try await bookings.editSeries(id, RehabSeriesChange(from: DemoClinicFixture.week.adding(days: 30)), as: Self.context)
                }
            }
        }
    }

    @Test func aSeriesThatClashesIsNotBookedAtAll() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (bookings, series) = try await Self.setUp(pool)
                var clash = series
                clash.patients = [DemoClinicFixture.patient("DEMO-R06")]
                clash.weekdays = [4]
                await #expect { try await bookings.createSeries(clash, as: Self.context) } throws: {
                    ($0 as? Refusal)?.bookingClash == .therapistBusy && ($0 as? Refusal)?.related?.start == DemoClinicFixture.at(day: 4, "10:00")
                }
                let stored = try await pool.withAccess(Self.context, readOnly: true) { connection in
                    try await connection.query("SELECT count(*) FROM rehab_series").single().decode(Int.self, at: 0)
                }
                #expect(stored == 1)
            }
        }
    }
}
