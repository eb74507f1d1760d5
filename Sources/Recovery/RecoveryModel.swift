public import Clinical
import Foundation

/// The neurovascular recovery sub-model (docs/recovery.md): penumbra in closed form, NVC
/// capacity N, plasticity M, arm use U and global plasticity MG as ODEs, FM-UE as observation.
public struct RecoveryModel: Sendable {
    /// The model's version, named with every projection.
    public static let version = "neurovascular-recovery 0.1"

    /// The ODE states (P has a closed form).
    public struct State: Sendable, Equatable {
        public var n: Double
        public var m: Double
        public var u: Double
        public var mg: Double

        static func + (a: State, b: State) -> State { State(n: a.n + b.n, m: a.m + b.m, u: a.u + b.u, mg: a.mg + b.mg) }
        static func * (k: Double, a: State) -> State { State(n: k * a.n, m: k * a.m, u: k * a.u, mg: k * a.mg) }
    }

    public let parameters: RecoveryParameters
    public let schedule: DoseSchedule
    /// Salvage, S = P(t_stab).
    public let salvage: Double
    /// The recoverable fraction used: r_s as given, or φ_D + φ_P·S in forward mode.
    public let recoverable: Double
    private let impairment0: Double
    private let inverseTauN: Double
    fileprivate let batemanScale: Double

    public init(_ parameters: RecoveryParameters, schedule: DoseSchedule) throws(Refusal) {
        try parameters.check()
        self.parameters = parameters
        self.schedule = schedule
        let p = parameters
        salvage = Self.penumbra(at: p.tStab, p)
        recoverable = min(max(p.rS ?? ((p.phiD ?? 0) + p.phiP * salvage), 0), 1)
        impairment0 = 1 - p.fm0 / 66
        inverseTauN = 1 / p.tauN
        if p.tauR > 0, abs(p.tauW - p.tauR) > 1e-12 {
            let peak = log(p.tauW / p.tauR) * p.tauW * p.tauR / (p.tauW - p.tauR)
            batemanScale = exp(-peak / p.tauW) - exp(-peak / p.tauR)
        } else if p.tauR > 0 {
            batemanScale = p.tauW * exp(-1)  // τ_r = τ_w: (t/τ)·e^(−t/τ) peaks at t = τ; scale so max W = 1
        } else {
            batemanScale = 1
        }
    }

    /// P(t) = exp(−k_g·min(t, t_R, t_stab) − k_g(1−ρ)·max(0, min(t, t_stab) − t_R)).
    static func penumbra(at t: Double, _ p: RecoveryParameters) -> Double {
        let reperfused = p.tR ?? .infinity
        let occluded = min(t, reperfused, p.tStab)
        let residual = max(0, min(t, p.tStab) - reperfused)
        return exp(-p.kG * occluded - p.kG * (1 - p.rho) * residual)
    }

    /// The critical window W(t).
    func window(at t: Double) -> Double {
        let p = parameters
        guard p.tauR > 0 else { return p.wInf + (1 - p.wInf) * exp(-t / p.tauW) }
        let shape = abs(p.tauW - p.tauR) > 1e-12 ? exp(-t / p.tauW) - exp(-t / p.tauR) : t * exp(-t / p.tauW)
        return p.wInf + (1 - p.wInf) * shape / batemanScale
    }

    /// r(t) = clip(r_s − φ_P·(S − P(t)), 0, 1).
    func recoverableFraction(at t: Double) -> Double {
        guard t < parameters.tStab else { return recoverable }
        return min(max(recoverable - parameters.phiP * (salvage - Self.penumbra(at: t, parameters)), 0), 1)
    }

    /// Y(t) = 1 − I(t), the recovered share of the arm's function (FM = 66·Y).
    func function(at t: Double, _ state: State) -> Double {
        1 - impairment0 * (1 - recoverableFraction(at: t) * state.n) * (1 - parameters.cM * state.m)
    }

    /// What a constant dose contributes to the right-hand side, worked out once per stretch of
    /// constant dose: the weighted minutes, their saturation when the use loop is off, and the
    /// bath's push on NVC recovery.
    struct Drive {
        let effective: Double
        let global: Double
        let saturation: Double
        let globalSaturation: Double
        let bath: Double

        init(_ dose: DoseSchedule.Dose, _ p: RecoveryParameters) {
            effective = p.wPT * dose.pt + p.wOT * dose.ot + p.wSLP * dose.slp + p.wBAL * dose.bal
            global = p.wgPT * dose.pt + p.wgOT * dose.ot + p.wgSLP * dose.slp + p.wgBAL * dose.bal
            saturation = effective / (effective + p.kU)
            globalSaturation = global / (global + p.kU)
            bath = p.kB * dose.bal
        }
    }

    /// The right-hand side at `t` with the dose's `drive` and the critical window at `window`
    /// (= W(t), kept by the integrator). With `scoresOnly`, the states FM does not depend on
    /// are left still: MG always, U when its loop is off.
    func derivatives(at t: Double, _ s: State, drive: Drive, window: Double, scoresOnly: Bool = false) -> State {
        let p = parameters
        let use = p.uMax * s.u
        let gate = window * (p.nu == 1 ? s.n : pow(max(s.n, 0), p.nu))
        let n = (p.nInf - s.n) * inverseTauN + drive.bath * (1 - s.n)
        let saturation = use != 0 ? (drive.effective + use) / (drive.effective + use + p.kU) : drive.saturation
        let m = p.eta * gate * saturation * (1 - s.m) - p.deltaM * s.m
        guard !scoresOnly || p.uMax > 0 else { return State(n: n, m: m, u: 0, mg: 0) }
        let u = (1 / (1 + exp(-(function(at: t, s) - p.thetaU) / p.sU)) - s.u) / p.tauU
        guard !scoresOnly else { return State(n: n, m: m, u: u, mg: 0) }
        let globalSaturation = use != 0 ? (drive.global + use) / (drive.global + use + p.kU) : drive.globalSaturation
        return State(n: n, m: m, u: u, mg: p.etaG * gate * globalSaturation * (1 - s.mg) - p.deltaM * s.mg)
    }

    /// The critical window along the integration: its exponentials advanced by multiplication,
    /// so a step costs no exponential.
    struct WindowClock {
        let model: RecoveryModel
        private var slow: Double
        private var fast: Double
        private var lastStep = Double.nan
        private var slowFactor = 1.0
        private var fastFactor = 1.0

        init(_ model: RecoveryModel) {
            self.model = model
            slow = 1
            let p = model.parameters
            fast = p.tauR > 0 && abs(p.tauW - p.tauR) <= 1e-12 ? 0 : 1
        }

        /// W at the clock's time.
        var value: Double {
            let p = model.parameters
            guard p.tauR > 0 else { return p.wInf + (1 - p.wInf) * slow }
            let shape = abs(p.tauW - p.tauR) > 1e-12 ? slow - fast : fast * slow  // fast holds t for τ_r = τ_w
            return p.wInf + (1 - p.wInf) * shape / model.batemanScale
        }

        /// Moves the clock on by `dt` days.
        mutating func advance(by dt: Double) {
            let p = model.parameters
            if dt != lastStep {
                lastStep = dt
                slowFactor = exp(-dt / p.tauW)
                fastFactor = p.tauR > 0 ? exp(-dt / p.tauR) : 1
            }
            slow *= slowFactor
            if p.tauR > 0, abs(p.tauW - p.tauR) <= 1e-12 { fast += dt } else { fast *= fastFactor }
        }
    }
}
