import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Seed
import Storage
import Testing

/// The demo shows something any day (issue 20): seeded, it has the current and the next week
/// planned; seeded again weeks later, it adds the plans of that day's weeks (its patients' stays
/// lengthened to cover them) and changes nothing it had.
@Suite struct DemoClinicTests {
    @Test(.timeLimit(.minutes(10))) func seedingAgainLaterPlansThatDaysWeekAndTheNext() async throws {
        try await TestDatabase.withPool(.app) { pool in
            let catalogue = try DemoClinicFixture.catalogue()
            _ = try await DemoData.load(into: pool)
            let first = DemoClinicFixture.week
            let tuesday = DemoClinic.settings.instant(first.adding(days: 1), ClockTime(clamping: 12 * 60))
            let seeded = try await DemoClinic.load(into: pool, catalogue: catalogue, week: first, publishing: 0.5, weeks: 2, now: tuesday)
            #expect(seeded.stays == 16 && seeded.sessions > 0 && seeded.waiting == 2)
            #expect(seeded.attendance > 0, "Monday's sessions are recorded by Tuesday noon")

            let plans = RehabPlans(sessions: RehabSessions(pool: pool, catalogue: catalogue))
            let context = DemoClinicFixture.coordinator
            func published(_ week: CalendarDay) async throws -> UUID? {
                try await plans.latest(clinic: DemoClinicFixture.clinic, week: week, as: context).flatMap { $0.status == .published ? $0.id : nil }
            }
            let planned = [try await published(first), try await published(first.adding(days: 7))]
            #expect(planned.allSatisfy { $0 != nil }, "this week and the next")

            let same = try await DemoClinic.load(into: pool, catalogue: catalogue, week: first, publishing: 0.5, weeks: 2, now: tuesday)
            #expect(same.stays + same.sessions + same.attendance + same.waiting == 0, "loading it again the same day adds nothing: \(same)")

            let later = first.adding(days: 35)
            let again = try await DemoClinic.load(
                into: pool, catalogue: catalogue, week: later, publishing: 0.5, weeks: 2,
                now: DemoClinic.settings.instant(later, ClockTime(clamping: 7 * 60)))
            #expect(again.stays == 0 && again.therapists == 0 && again.waiting == 0, "the clinic is not made twice")
            #expect(again.sessions > 0, "five weeks on, the stays were lengthened and the weeks planned: \(again)")
            let laterPlans = [try await published(later), try await published(later.adding(days: 7))]
            #expect(laterPlans.allSatisfy { $0 != nil })
            let earlier = [try await published(first), try await published(first.adding(days: 7))]
            #expect(earlier == planned, "the earlier plans stay as they were")
        }
    }
}
