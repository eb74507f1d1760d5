import Clinical
import Foundation
import ProtocolLibrary
import Testing

@testable import Recovery

/// The model's special cases and its input checks.
@Suite struct RecoveryModelTests {
    /// The bench's baseline parameters (C01).
    static func baseline() throws -> RecoveryParameters {
        let json = """
            {"FM0": 20.0, "r_s": 0.7, "tau_N": 21.0, "eta": 0.1, "c_M": 0.5, "tau_w": 90.0, "tau_r": 0.0, "W_inf": 0.1, "nu": 1.0, "K_u": 90.0,
             "delta_M": 0.002, "N0": 0.0, "N_inf": 1.0, "k_B": 0.0003, "w_PT": 0.5, "w_OT": 1.0, "w_SLP": 0.0, "w_BAL": 0.2, "U_max": 0.0,
             "theta_U": 0.5, "s_U": 0.08, "tau_U": 7.0, "k_g": 6.0, "t_R": 0.16666666666666666, "rho": 0.9, "t_stab": 1.0, "phi_P": 0.3,
             "phi_D": null, "NIHSS0": 10.0, "r_G": 0.7, "c_G": 0.3, "eta_G": 0.05, "wG_PT": 1.0, "wG_OT": 1.0, "wG_SLP": 1.0, "wG_BAL": 0.3}
            """
        return try JSONDecoder().decode(RecoveryParameters.self, from: Data(json.utf8))
    }

    /// No therapy effect: van der Vliet's exponential, FM0 + r_s·(66 − FM0)·(1 − e^(−t/τ_N)), from t_stab on
    /// (quarter-day steps; the error of the method is below 1e-6 points).
    @Test(arguments: [(2.69, 0.0884, 37.18), (14.05, 0.8883, 18.71), (33.33, 0.9309, 8.28)])
    func withoutTherapyTheCourseIsVanDerVliets(fm0: Double, rS: Double, tauN: Double) throws {
        var p = try Self.baseline()
        (p.fm0, p.rS, p.tauN, p.eta, p.tR, p.phiP) = (fm0, rS, tauN, 0, nil, 0)
        let fm = try RecoveryModel(p, schedule: DoseSchedule([])).functionScores(days: 180, step: 0.25)
        var worst = 0.0
        for day in 1...180 {
            let closedForm: Double = fm0 + rS * (66 - fm0) * (1 - exp(-Double(day) / tauN))
            worst = max(worst, abs(fm[day] - closedForm))
        }
        #expect(worst < 1e-6, "largest difference \(worst)")
    }

    /// Proportional recovery: long after τ_N the gain is r_s of what was lost.
    @Test func theProportionalRecoveryRule() throws {
        var p = try Self.baseline()
        (p.fm0, p.tauN, p.eta, p.tR, p.phiP) = (10, 10, 0, nil, 0)
        let fm = try RecoveryModel(p, schedule: DoseSchedule([])).functionScores(days: 180)
        #expect(abs(fm[180] - 10 - 0.7 * 56) < 1e-6)
    }

    /// A problem with a known solution: under a constant bath dose, dN/dt = (1 − N)/τ + k·u·(1 − N)
    /// gives N = 1 − e^(−(1/τ + k·u)·t).
    @Test func nvcUnderAConstantBathDoseIsExponential() throws {
        var p = try Self.baseline()
        p.kB = 0.01
        let rate = 1 / p.tauN + p.kB * 30
        let course = try RecoveryModel(p, schedule: DoseSchedule([DoseSegment(start: 0, end: 200, bal: 30)])).simulate(days: 180, step: 0.25)
        var worst = 0.0
        for day in 0...180 {
            let exact: Double = 1 - exp(-rate * Double(day))
            worst = max(worst, abs(course.n[day] - exact))
        }
        #expect(worst < 1e-6, "largest difference \(worst)")
    }

    /// Therapy helps, within the curve's bounds, and halving the step changes FM by less than 1e-4.
    @Test func therapyHelpsAndTheStepDoesNotMatter() throws {
        let p = try Self.baseline()
        let schedule = try DoseSchedule([DoseSegment(start: 3, end: 28, pt: 45, ot: 45, slp: 30), DoseSegment(start: 28, end: 90, pt: 20, ot: 20, slp: 10)])
        let treated = try RecoveryModel(p, schedule: schedule).functionScores(days: 180, step: 0.25)
        let untreated = try RecoveryModel(p, schedule: DoseSchedule([])).functionScores(days: 180, step: 0.25)
        #expect(treated[90] > untreated[90] + 1)
        #expect(treated.allSatisfy { (0...66).contains($0) })
        let coarse = try RecoveryModel(p, schedule: schedule).functionScores(days: 180, step: 1)
        #expect(zip(coarse, treated).map { abs($0 - $1) }.max() ?? 1 < 1e-4)
    }

    @Test func badInputIsRefusedNamingTheField() throws {
        var p = try Self.baseline()
        p.fm0 = 70
        #expect(throws: Refusal.invalid("FM0", "must be between 0 and 66")) { try RecoveryModel(p, schedule: DoseSchedule([])) }
        p = try Self.baseline()
        p.rS = nil
        #expect(throws: Refusal.invalid("phi_D", "is needed when r_s is not given (forward mode)")) { try RecoveryModel(p, schedule: DoseSchedule([])) }
        #expect(throws: Refusal.invalid("schedule[0].end", "must be after the start")) { try DoseSchedule([DoseSegment(start: 10, end: 5, pt: 30)]) }
        #expect(throws: Refusal.invalid("schedule[0].start", "must be a day on or after onset (0)")) { try DoseSchedule([DoseSegment(start: -1, end: 5)]) }
    }

    @Test func chiSquareQuantiles() {
        #expect(abs(ChiSquare.quantile(0.95, degrees: 1) - 3.841459) < 1e-5)
        #expect(abs(ChiSquare.quantile(0.95, degrees: 4) - 9.487729) < 1e-5)
        #expect(abs(ChiSquare.quantile(0.95, degrees: 6) - 12.591587) < 1e-5)
        #expect(abs(ChiSquare.quantile(0.99, degrees: 30) - 50.892181) < 1e-4)
    }

    /// The integrator's running window equals W(t) computed directly, with and without the rise.
    @Test(arguments: [0.0, 10.0, 90.0])
    func theWindowClockKeepsTime(tauR: Double) throws {
        var p = try Self.baseline()
        p.tauR = tauR
        let model = try RecoveryModel(p, schedule: DoseSchedule([]))
        var clock = RecoveryModel.WindowClock(model)
        var t = 0.0
        var worst = 0.0
        for step in [0.25, 0.5, 0.1666, 1, 1, 0.3334] + Array(repeating: 1.0, count: 170) {
            worst = max(worst, abs(clock.value - model.window(at: t)))
            clock.advance(by: step)
            t += step
        }
        #expect(worst < 1e-12, "largest difference \(worst)")
        #expect(tauR == 0 || abs((0..<2_000).map { model.window(at: Double($0) / 10) }.max() ?? 0) - 1 < 1e-4, "the rising window peaks at 1")
    }
}

/// The prediction profile matches the reference (scipy SLSQP) within 0.01 FM points on the shared fit cases.
@Suite struct PredictionProfileTests {
    struct Case: Decodable {
        var id: String
        var kind: String
        var paramsBase: RecoveryParameters?
        var schedule: [DoseSegment]
        var tObs: [Double]?
        var yObs: [Double]?
        var predictionProfile: [String: [String: AnyNumber]]?

        enum CodingKeys: String, CodingKey {
            case id, kind, schedule
            case paramsBase = "params_base"
            case tObs = "t_obs"
            case yObs = "y_obs"
            case predictionProfile = "prediction_profile"
        }
    }

    /// A JSON value read as a number when it is one.
    struct AnyNumber: Decodable {
        var value: Double?
        init(from decoder: any Decoder) throws {
            value = try? decoder.singleValueContainer().decode(Double.self)
        }
    }

    @Test func theProfileAtDay90MatchesTheReference() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let decoder = JSONDecoder()
        struct File: Decodable { var cases: [Case] }
        let cases = try decoder.decode(File.self, from: Data(contentsOf: root.appendingPathComponent("Fixtures/recovery/cases.json"))).cases
        let recovery = try #require(ProtocolLibrary.nearest(to: root)).recovery()
        var checked = 0
        for item in cases where item.kind == "fit" {
            let base = try #require(item.paramsBase)
            let days = try #require(item.tObs)
            let scores = try #require(item.yObs)
            let reference = try #require(item.predictionProfile?["90"])
            let fitter = recovery.fitter(
                base: base, schedule: try DoseSchedule(item.schedule), observations: try RecoveryObservations(days: days, scores: scores, horizon: 180),
                recoveryClass: .standard)
            let fit = fitter.fit()
            let band = fitter.band(around: fit, samples: 1_000)
            let profile = fitter.predictionProfile(day: 90, fit: fit, sets: band.accepted)
            let low = try #require(reference["min"]?.value)
            let high = try #require(reference["max"]?.value)
            #expect(
                abs(profile.lower - low) < 0.01 && abs(profile.upper - high) < 0.01,
                "\(item.id): [\(profile.lower), \(profile.upper)] vs reference [\(low), \(high)] after \(profile.evaluations) simulations")
            #expect(profile.lower <= band.lowerPointwise[90] + 1e-9 && profile.upper >= band.upperPointwise[90] - 1e-9, "at least the sampled band")
            checked += 1
        }
        #expect(checked == 2)
    }
}
