import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Storage
import Testing

/// A stay's flags are the catalogue's vocabulary (review 2026-12, R0, R4): an unknown flag is
/// refused when written, and one already stored fails closed — it refuses the patient's
/// bookings and the week's export instead of silently matching no rule.
@Suite struct RehabFlagTests {
    static let context = DemoClinicFixture.coordinator

    @Test func R0_aStayWithAMisspeltFlagIsRefusedAndNothingChanges() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let stays = RehabStays(pool: pool, catalogue: catalogue)
                let stored = try #require(
                    try await stays.stays(clinic: DemoClinicFixture.clinic, on: nil, as: Self.context)
                        .first { $0.pseudonym == "DEMO-R05" })
                var changed = stored
                changed.flags = ["ambulant", "open_wounds"]
                await #expect { _ = try await stays.update(try #require(stored.id), changed, as: Self.context) } throws: { error in
                    guard let error = error as? Refusal else { return false }
                    return error.field == "flags[1]" && error.message.contains("open_wound,") && error.message.hasPrefix("open_wounds is not")
                }
                #expect(try await stays.stay(try #require(stored.id), as: Self.context)?.flags == stored.flags, "nothing changed")
            }
        }
    }

    @Test func R0_aStoredUnknownFlagRefusesBookingsAndTheExportUntilCorrected() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let bookings = RehabSessions(pool: pool, catalogue: catalogue)
                // A row written before the vocabulary existed: "epilepsy" matches no rule.
                let patient = DemoClinicFixture.patient("DEMO-R09")
                try await pool.withAccess(Self.context) { connection in
                    try await connection.query("UPDATE rehab_stays SET flags = ARRAY['ambulant', 'epilepsy'] WHERE patient_id = \(patient)")
                }
                let resources = RehabResources(pool: pool)
                let t02 = try await resources.therapists(clinic: DemoClinicFixture.clinic, as: Self.context).first { $0.code == "T02" }?.id
                let pool1 = try await resources.rooms(clinic: DemoClinicFixture.clinic, as: Self.context).first { $0.code == "POOL1" }?.id
                let start = DemoClinicFixture.at(day: 2, "10:00")
                let request = RehabBookingRequest(
                    organisation: DemoClinicFixture.clinic, modality: "HYDRO_GRP", therapist: t02, room: try #require(pool1),
                    start: start, end: start + 2_700, patients: [patient])
                await #expect { _ = try await bookings.book(request, as: Self.context) } throws: { error in
                    (error as? Refusal)?.bookingRule == .unknownFlag && (error as? Refusal)?.message.contains("epilepsy") == true
                }
                await #expect {
                    _ = try await RehabScheduleTransfer(sessions: bookings).exportWeek(
                        clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week, as: Self.context)
                } throws: {
                    ($0 as? Refusal)?.message.contains("DEMO-R09") == true
                }
                // Corrected to what it means, the pool is refused for the right reason.
                try await pool.withAccess(Self.context) { connection in
                    try await connection.query("UPDATE rehab_stays SET flags = ARRAY['ambulant', 'uncontrolled_epilepsy'] WHERE patient_id = \(patient)")
                }
                await #expect { _ = try await bookings.book(request, as: Self.context) } throws: {
                    ($0 as? Refusal)?.bookingRule == .contraindicated
                }
                _ = try await RehabScheduleTransfer(sessions: bookings).exportWeek(
                    clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week, as: Self.context)
            }
        }
    }

    @Test func R4_theExportedWeekBindsContraindicationsOnlyAndKeepsTheOldIncontinenceFlagBinding() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let export = try await RehabScheduleTransfer(sessions: RehabSessions(pool: pool, catalogue: catalogue))
                    .exportWeek(clinic: DemoClinicFixture.clinic, week: DemoClinicFixture.week, as: Self.context)
                let object = try #require(try JSONSerialization.jsonObject(with: export.document) as? [String: Any])
                let rules = (object["contraindication_rules"] as? [[String: Any]] ?? []).compactMap { $0["flag"] as? String }
                #expect(rules.contains("faecal_incontinence") && rules.contains("incontinence") && rules.contains("skull_defect"))
                #expect(!rules.contains("urinary_incontinence") && !rules.contains("hypoglycaemia_prone_diabetes"), "precautions do not bind the planner")
            }
        }
    }
}
