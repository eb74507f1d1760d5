public import Clinical

/// The neurovascular recovery sub-model's parameters, named as in the model specification
/// (docs/recovery.md): per-patient ones (FM0, r_s, τ_N, η) and population ones.
public struct RecoveryParameters: Sendable, Codable, Equatable {
    /// FM-UE at onset, 0–66.
    public var fm0: Double
    /// Recoverable fraction; nil: forward mode, r_s = φ_D + φ_P·S.
    public var rS: Double?
    /// NVC / spontaneous recovery time constant (days).
    public var tauN: Double
    /// Therapy responsiveness (1/day).
    public var eta: Double
    public var cM: Double
    public var tauW: Double
    /// Rise time of the critical window (0: none).
    public var tauR: Double
    public var wInf: Double
    public var nu: Double
    /// Emax half-dose (min/day).
    public var kU: Double
    public var deltaM: Double
    public var n0: Double
    public var nInf: Double
    /// Balneotherapy effect on NVC recovery (speculative).
    public var kB: Double
    public var wPT: Double
    public var wOT: Double
    public var wSLP: Double
    public var wBAL: Double
    /// Use loop gain (0: off).
    public var uMax: Double
    public var thetaU: Double
    public var sU: Double
    public var tauU: Double
    /// Penumbral loss rate (1/day).
    public var kG: Double
    /// Onset to reperfusion (days); nil: no reperfusion.
    public var tR: Double?
    public var rho: Double
    public var tStab: Double
    public var phiP: Double
    public var phiD: Double?
    public var nihss0: Double
    public var rG: Double
    public var cG: Double
    public var etaG: Double
    public var wgPT: Double
    public var wgOT: Double
    public var wgSLP: Double
    public var wgBAL: Double

    /// The per-patient parameters and the acute ones given; every population parameter zero
    /// until `RecoveryPopulation` sets it.
    init(fm0: Double, rS: Double?, tauN: Double, eta: Double, tR: Double?, nihss0: Double) {
        (self.fm0, self.rS, self.tauN, self.eta, self.tR, self.nihss0) = (fm0, rS, tauN, eta, tR, nihss0)
        (cM, tauW, tauR, wInf, nu, kU, deltaM, n0, nInf, kB) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        (wPT, wOT, wSLP, wBAL, uMax, thetaU, sU, tauU, kG, rho, tStab, phiP) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        (phiD, rG, cG, etaG, wgPT, wgOT, wgSLP, wgBAL) = (nil, 0, 0, 0, 0, 0, 0, 0)
    }

    enum CodingKeys: String, CodingKey {
        case fm0 = "FM0"
        case rS = "r_s"
        case tauN = "tau_N"
        case eta
        case cM = "c_M"
        case tauW = "tau_w"
        case tauR = "tau_r"
        case wInf = "W_inf"
        case nu
        case kU = "K_u"
        case deltaM = "delta_M"
        case n0 = "N0"
        case nInf = "N_inf"
        case kB = "k_B"
        case wPT = "w_PT"
        case wOT = "w_OT"
        case wSLP = "w_SLP"
        case wBAL = "w_BAL"
        case uMax = "U_max"
        case thetaU = "theta_U"
        case sU = "s_U"
        case tauU = "tau_U"
        case kG = "k_g"
        case tR = "t_R"
        case rho
        case tStab = "t_stab"
        case phiP = "phi_P"
        case phiD = "phi_D"
        case nihss0 = "NIHSS0"
        case rG = "r_G"
        case cG = "c_G"
        case etaG = "eta_G"
        case wgPT = "wG_PT"
        case wgOT = "wG_OT"
        case wgSLP = "wG_SLP"
        case wgBAL = "wG_BAL"
    }

    /// Refuses values the model cannot run with, naming the parameter.
    public func check() throws(Refusal) {
        func positive(_ value: Double, _ name: String) throws(Refusal) {
            guard value.isFinite, value > 0 else { throw Refusal.invalid(name, "must be a positive number") }
        }
        func nonNegative(_ value: Double, _ name: String) throws(Refusal) {
            guard value.isFinite, value >= 0 else { throw Refusal.invalid(name, "must be zero or more") }
        }
        func fraction(_ value: Double, _ name: String) throws(Refusal) {
            guard value.isFinite, (0...1).contains(value) else { throw Refusal.invalid(name, "must be between 0 and 1") }
        }
        guard fm0.isFinite, (0...66).contains(fm0) else { throw Refusal.invalid("FM0", "must be between 0 and 66") }
        if let rS {
            try fraction(rS, "r_s")
        } else {
            guard let phiD else { throw Refusal.invalid("phi_D", "is needed when r_s is not given (forward mode)") }
            try fraction(phiD, "phi_D")
        }
        try positive(tauN, "tau_N")
        try nonNegative(eta, "eta")
        try fraction(cM, "c_M")
        try positive(tauW, "tau_w")
        try nonNegative(tauR, "tau_r")
        try fraction(wInf, "W_inf")
        try nonNegative(nu, "nu")
        try positive(kU, "K_u")
        try nonNegative(deltaM, "delta_M")
        try fraction(n0, "N0")
        try fraction(nInf, "N_inf")
        try nonNegative(kB, "k_B")
        for (value, name) in [
            (wPT, "w_PT"), (wOT, "w_OT"), (wSLP, "w_SLP"), (wBAL, "w_BAL"), (wgPT, "wG_PT"), (wgOT, "wG_OT"),
            (wgSLP, "wG_SLP"), (wgBAL, "wG_BAL"), (uMax, "U_max"), (kG, "k_g"), (etaG, "eta_G"), (nihss0, "NIHSS0"),
        ] {
            try nonNegative(value, name)
        }
        try positive(sU, "s_U")
        try positive(tauU, "tau_U")
        try positive(tStab, "t_stab")
        guard thetaU.isFinite else { throw Refusal.invalid("theta_U", "must be a number") }
        if let tR { try nonNegative(tR, "t_R") }
        try fraction(rho, "rho")
        try fraction(phiP, "phi_P")
        try fraction(rG, "r_G")
        try fraction(cG, "c_G")
        guard nihss0 <= 42 else { throw Refusal.invalid("NIHSS0", "must be at most 42") }
    }
}

/// Therapy given at a constant daily rate from `start` to `end` (days; end exclusive), in
/// minutes a day per modality. Overlapping segments add.
public struct DoseSegment: Sendable, Codable, Equatable {
    public var start: Double
    public var end: Double
    public var pt: Double
    public var ot: Double
    public var slp: Double
    public var bal: Double

    public init(start: Double, end: Double, pt: Double = 0, ot: Double = 0, slp: Double = 0, bal: Double = 0) {
        self.start = start
        self.end = end
        self.pt = pt
        self.ot = ot
        self.slp = slp
        self.bal = bal
    }

    enum CodingKeys: String, CodingKey {
        case start, end
        case pt = "PT"
        case ot = "OT"
        case slp = "SLP"
        case bal = "BAL"
    }

    /// A modality left out gives no minutes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        start = try container.decode(Double.self, forKey: .start)
        end = try container.decode(Double.self, forKey: .end)
        pt = try container.decodeIfPresent(Double.self, forKey: .pt) ?? 0
        ot = try container.decodeIfPresent(Double.self, forKey: .ot) ?? 0
        slp = try container.decodeIfPresent(Double.self, forKey: .slp) ?? 0
        bal = try container.decodeIfPresent(Double.self, forKey: .bal) ?? 0
    }
}
