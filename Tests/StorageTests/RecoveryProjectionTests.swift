import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Recovery
import Storage
import Testing

/// A patient's projection from their stored assessments, attended sessions and episode:
/// computed once, served from the cache while nothing changes, recomputed when an
/// assessment or a session arrives; bad input refused and nothing stored.
@Suite struct RecoveryProjectionTests {
    static let context = DemoClinicFixture.coordinator
    static let fm: [(day: Double, value: Int)] = [(2, 18), (5, 22), (9, 28), (14, 33), (21, 37)]

    static func services(_ pool: PostgresPool) async throws -> (RecoveryProjections, RecoveryRecords) {
        let catalogue = try await DemoClinicFixture.load(into: pool)
        let recovery = try DemoClinicFixture.recoveryProtocol()
        return (
            RecoveryProjections(pool: pool, projector: RecoveryProjector(recovery, samples: 600), catalogue: catalogue),
            RecoveryRecords(pool: pool, recovery: recovery)
        )
    }

    @Test func projectionFromStoredDataIsCachedUntilTheInputsChange() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (projections, records) = try await Self.services(pool)
                let now = try await database.now()
                let patient = try await RecoveryFixture.patient(in: pool, now: now, fm: Self.fm)
                let first = try #require(try await projections.report(patient, as: Self.context, now: now))
                let outlook = try #require(first.outlook)
                #expect(!first.cached)
                #expect(first.pseudonym == RecoveryFixture.pseudonym)
                #expect(first.onset.source.contains("episode"))
                #expect(abs((first.onset.reperfusionDays ?? 0) - 4.0 / 24) < 1e-6, "reperfusion 4 h after onset, mTICI 2b")
                #expect(outlook.curve.count == 181 && outlook.estimates.observations == 5)
                for (day, value) in Self.fm {
                    #expect(abs(outlook.curve[Int(day)] - Double(value)) < 8, "the curve follows the observation at day \(day)")
                }
                #expect(outlook.band.lowerSimultaneous[90] <= outlook.curve[90] && outlook.curve[90] <= outlook.band.upperSimultaneous[90])
                #expect(outlook.day90.lower <= outlook.day90.fm && outlook.day90.fm <= outlook.day90.upper)
                #expect(first.therapy.count == 10 && first.therapy.allSatisfy { $0.delivered.pt == 45 }, "ten days of attended physiotherapy")
                #expect(outlook.model == RecoveryModel.version && outlook.parameterVersion == "recovery-2026.12.1")
                #expect(outlook.speculative.isEmpty, "no balneotherapy: k_B plays no part")
                #expect(outlook.placeholderOutcomes?.status == "placeholder", "NIHSS at arrival known: placeholder outcomes, marked")
                #expect(first.recoveryClass.recoveryClass == .standard && first.recoveryClass.prep2 == nil)
                #expect(first.recoveryClass.prep2Missing.first?.text.contains("SAFE") == true, "PREP2 names the missing SAFE score")

                let again = try #require(try await projections.report(patient, as: Self.context, now: now))
                #expect(again.cached && again.outlook == first.outlook)
                // The computed projection left its day-90 forecast for the calibration report; the cached answer none.
                let forecasts = try await pool.withAccess(Self.context) { connection in
                    try await connection.query(
                        "SELECT fm_day_90::float8, lower_day_90::float8, upper_day_90::float8, last_observed_day::float8 FROM recovery_forecasts WHERE patient_id = \(patient)"
                    )
                    .map { try $0.decode((Double, Double, Double, Double).self) }
                }
                #expect(forecasts.count == 1)
                #expect(
                    forecasts.first.map {
                        abs($0.0 - outlook.day90.fm) < 1e-3 && abs($0.1 - outlook.day90.lower) < 1e-3 && abs($0.2 - outlook.day90.upper) < 1e-3
                    } == true)
                #expect(forecasts.first?.3 == Self.fm.map(\.0).max(), "made from the observations up to the last one")

                // A SAFE score of 2 and an absent MEP on day 4 with NIHSS 12: PREP2 Poor, poor priors; a new FM point refits.
                let onset = first.onset.at
                for (instrument, value, day) in [(Instrument.safe, 2, 2.5), (.mep, 0, 4), (.fmUE, 38, 28)] {
                    _ = try await records.record(
                        RecoveryObservation(
                            patientId: patient, instrument: instrument, observedAt: onset + day * 86_400, value: value,
                            rater: "Dr Test"), as: Self.context)
                }
                let refitted = try #require(try await projections.report(patient, as: Self.context, now: now))
                #expect(!refitted.cached)
                #expect(refitted.outlook?.estimates.observations == 6)
                #expect(refitted.recoveryClass.prep2 == .poor && refitted.recoveryClass.recoveryClass == .poor, "\(refitted.recoveryClass)")

                // Therapy from elsewhere with balneotherapy: the projection depends on k_B and says so.
                let day30 = first.onset.day.adding(days: 30)
                _ = try await records.enter(
                    TherapyElsewhere(
                        patientId: patient, modelInput: "BAL", firstDay: day30, lastDay: day30.adding(days: 9),
                        minutesPerDay: 30, place: "Spa Hospital"), as: Self.context)
                let bathed = try #require(try await projections.report(patient, as: Self.context, now: now))
                #expect(!bathed.cached)
                #expect(bathed.outlook?.speculative.map(\.parameter) == ["k_B"])
                #expect(bathed.warnings.contains { $0.code == RecoveryNotice.speculative.rawValue && $0.text.contains("k_B") })
            }
        }
    }

    @Test func badRecordsAreRefusedAndNothingIsStored() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                let (projections, records) = try await Self.services(pool)
                let now = try await database.now()
                let patient = try await RecoveryFixture.patient(in: pool, now: now, fm: [(3, 20)])
                let onset = try #require(try await projections.report(patient, as: Self.context, now: now)).onset
                func observation(_ value: Int, at day: Double, _ instrument: Instrument = .fmUE) -> RecoveryObservation {
                    RecoveryObservation(patientId: patient, instrument: instrument, observedAt: onset.at + day * 86_400, value: value, rater: "PT Test")
                }
                await #expect(throws: Refusal.invalid("value", "must be 0–66 on the FM-UE scale")) {
                    try await records.record(observation(67, at: 4), as: Self.context)
                }
                await #expect(throws: Refusal.self) { try await records.record(observation(-1, at: 4), as: Self.context) }
                await #expect(throws: Refusal.self) { try await records.record(observation(52, at: 4, .barthel), as: Self.context) }
                await #expect { try await records.record(observation(20, at: -0.5), as: Self.context) } throws: {
                    ($0 as? Refusal)?.field == "observedAt" && ($0 as? Refusal)?.message.contains("before the stroke's onset") == true
                }
                await #expect(throws: Refusal.unknownPatient) {
                    try await records.record(
                        RecoveryObservation(patientId: UUID(), instrument: .fmUE, observedAt: now, value: 20, rater: "x"), as: Self.context)
                }
                let day10 = onset.day.adding(days: 10)
                _ = try await records.enter(
                    TherapyElsewhere(
                        patientId: patient, modelInput: "OT", firstDay: day10, lastDay: day10.adding(days: 4),
                        minutesPerDay: 30, place: "Home team"), as: Self.context)
                await #expect(throws: Refusal.self) {
                    try await records.enter(
                        TherapyElsewhere(
                            patientId: patient, modelInput: "OT", firstDay: day10.adding(days: 4), lastDay: day10.adding(days: 6),
                            minutesPerDay: 60, place: "Day hospital"), as: Self.context)
                }
                await #expect(throws: Refusal.self) {
                    try await records.enter(
                        TherapyElsewhere(
                            patientId: patient, modelInput: "OT", firstDay: onset.day.adding(days: -1), lastDay: onset.day,
                            minutesPerDay: 30, place: "Home"), as: Self.context)
                }
                let stored = try #require(try await records.records(patient, as: Self.context))
                #expect(stored.observations.count == 1 && stored.elsewhere.count == 1, "only the good records are stored")

                // What-if proposals: contradicting, before onset, past the horizon.
                for (segments, field) in [
                    ([DoseSegment(start: 20, end: 40, ot: 30), DoseSegment(start: 30, end: 50, pt: 20, ot: 45)], "segments[1]"),
                    ([DoseSegment(start: -1, end: 10, pt: 30)], "segments[0].start"),
                    ([DoseSegment(start: 20, end: 200, pt: 30)], "segments[0].end"),
                ] {
                    await #expect { try await projections.whatIf(patient, proposal: RecoveryProposal(segments: segments), as: Self.context) } throws: {
                        ($0 as? Refusal)?.field == field
                    }
                }
                let more = try #require(
                    try await projections.whatIf(
                        patient, proposal: RecoveryProposal(segments: [DoseSegment(start: 20, end: 60, pt: 60, ot: 60)]),
                        as: Self.context))
                #expect(more.differenceDay90 > 0, "more therapy in the window projects a gain: \(more.differenceDay90)")
                #expect(more.proposed.lower[90] <= more.proposed.curve[90] && more.proposed.curve[90] <= more.proposed.upper[90])
            }
        }
    }
}
