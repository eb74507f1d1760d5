import Clinical
import Foundation
import PostgresTestSupport
import ProtocolLibrary
import Recovery
import Testing

@testable import Storage

/// How PREP2's inputs are taken from a patient's records (no database: the inputs as loaded).
@Suite struct RecoveryClassTests {
    static let onset = Date(timeIntervalSince1970: 1_780_000_000)  // 2026-05-28 (UTC)

    static func recovery() throws -> RecoveryProtocol {
        try TestPaths.protocols.recovery()
    }

    /// A patient's inputs: (instrument, day since onset, value) observations, the arrival NIHSS.
    static func inputs(_ observations: [(Instrument, Double, Int)], arrivalNihss: Int?, birthYear: Int? = 1960) throws
        -> PatientRecoveryInputs
    {
        let patient = UUID()
        let recorded = observations.map { instrument, day, value in
            var observation = RecoveryObservation(
                patientId: patient, instrument: instrument, observedAt: onset.addingTimeInterval(day * 86_400),
                value: value, rater: "test")
            observation.day = day
            return observation
        }
        return PatientRecoveryInputs(
            pseudonym: "P",
            onset: RecoveryOnset(
                at: onset, source: "episode", reperfusionDays: nil, mtici: nil, nihssAtArrival: arrivalNihss,
                day: try #require(CalendarDay("2026-05-28")), timeZone: "UTC"),
            birthYear: birthYear, observations: recorded, therapy: [], unrecordedSessions: 0, horizonDays: 180, model: "m", parameterVersion: "p",
            catalogueVersion: "c")
    }

    /// V2: with no NIHSS by day 3, PREP2 takes the arrival NIHSS, and the basis names it.
    @Test func V2_theArrivalNihssFallbackIsNamedInTheBasis() throws {
        let recovery = try Self.recovery()
        let fallback = RecoveryProjections.classify(try Self.inputs([(.safe, 3, 2), (.mep, 4, 0)], arrivalNihss: 12), recovery: recovery)
        #expect(fallback.prep2 == .poor)
        #expect(
            fallback.basis.contains("NIHSS 12 at arrival used")
                && fallback.notes.contains { $0.code == RecoveryNotice.nihssAtArrival.rawValue && $0.text.contains("at arrival used") }, "\(fallback.basis)")
        let dayThree = RecoveryProjections.classify(try Self.inputs([(.safe, 3, 2), (.mep, 4, 0), (.nihss, 3, 5)], arrivalNihss: 12), recovery: recovery)
        #expect(dayThree.prep2 == .limited && !dayThree.basis.contains("at arrival"))
    }

    /// V3: only the birth year is stored, so at the age-80 split the basis says the age is
    /// approximate; away from the split it says nothing.
    @Test func V3_ageFromTheBirthYearIsApproximateAtTheSplit() throws {
        let recovery = try Self.recovery()
        let atSplit = RecoveryProjections.classify(try Self.inputs([(.safe, 3, 6)], arrivalNihss: nil, birthYear: 1946), recovery: recovery)
        #expect(atSplit.prep2 == .good)
        #expect(atSplit.basis.contains("age approximate") && atSplit.basis.contains("79 or 80"), "\(atSplit.basis)")
        let younger = RecoveryProjections.classify(try Self.inputs([(.safe, 3, 6)], arrivalNihss: nil, birthYear: 1960), recovery: recovery)
        #expect(younger.prep2 == .excellent && !younger.basis.contains("age approximate"))
    }

    /// V4: the SAFE nearest day 3 counts (not the latest up to day 3, nor a day-0 one), the
    /// windows come from the parameter file, and a SAFE only from before day 2 is warned about.
    @Test func V4_safeNearestDay3AndAWarningForAnEarlyOneOnly() throws {
        let recovery = try Self.recovery()
        let rules = recovery.population.prep2
        #expect(rules.safeAssessmentDay == 3 && rules.safeEarlyBeforeDay == 2 && rules.nihssLatestDay == 3)
        // Day 0: SAFE 2 (MEP+ → Good); day 2.9: SAFE 6 (age 66 → Excellent).
        let both = try Self.inputs([(.safe, 2.9, 6), (.safe, 0.2, 2), (.mep, 4, 1)], arrivalNihss: nil)
        #expect(RecoveryProjections.classify(both, recovery: recovery).prep2 == .excellent)
        #expect(RecoveryProjections.prep2Warnings(both, recovery: recovery).isEmpty)
        let early = try Self.inputs([(.safe, 0.5, 6)], arrivalNihss: nil)
        let basis = RecoveryProjections.classify(early, recovery: recovery)
        #expect(basis.prep2 == .excellent && basis.basis.contains("SAFE from day 0.5 only"), "\(basis.basis)")
        let warnings = RecoveryProjections.prep2Warnings(early, recovery: recovery)
        #expect(warnings.count == 1 && warnings[0].text.contains("before day 2"))
    }

    /// V5: where the default r_s prior (proportional recovery) is used, the basis says the rule
    /// is contested, citing Hope 2019, Hawe 2019 and Bowman 2021; not for the poor-recovery class.
    @Test func V5_theProportionalRecoveryPriorIsSaidToBeContested() throws {
        let recovery = try Self.recovery()
        let standard = RecoveryProjections.classify(try Self.inputs([(.safe, 3, 6)], arrivalNihss: nil), recovery: recovery)
        #expect(standard.recoveryClass == .standard)
        #expect(["contested", "Hope 2019", "Hawe 2019", "Bowman 2021"].allSatisfy(standard.basis.contains), "\(standard.basis)")
        let poor = RecoveryProjections.classify(try Self.inputs([(.safe, 3, 2), (.mep, 4, 0), (.nihss, 3, 9)], arrivalNihss: nil), recovery: recovery)
        #expect(poor.recoveryClass == .poor && !poor.basis.contains("contested"))
        let cited = Set(recovery.priors.priors.rS.default.contested?.sources ?? [])
        #expect(cited == ["hope-2019", "hawe-2019", "bowman-2021"])
    }
}
