/// Alteplase and tenecteplase regimens (doses.json).
struct DosingProtocol: Sendable {
    struct Alteplase: Sendable {
        var mgPerKg: Double, maxMg: Double, bolusFraction: Double, infusionMinutes: Double
        var vialMg: Double, concentration: Double
        var regimen: String, option: String
    }

    struct TenecteplaseBand: Sendable {
        var label: String
        var belowKg: Double?
        var doseMg: Double
    }

    /// Below `belowKg` the first band would exceed the per-kg dose: bands `widthKg` wide,
    /// each dosed at mg/kg of its lower edge (AHA 2026 Table 7 footnote).
    struct PerKgBands: Sendable {
        var belowKg: Double, widthKg: Double
        var label: String, warning: String
        var sources: [String]
    }

    struct Tenecteplase: Sendable {
        var mgPerKg: Double, maxMg: Double, concentration: Double
        var regimen: String, option: String, bandNote: String
        var bands: [TenecteplaseBand]
        var perKgBands: PerKgBands
    }

    var alteplase: Alteplase
    var tenecteplase: Tenecteplase
}

/// Blood-pressure targets around reperfusion (blood-pressure.json).
struct BloodPressureProtocol: Sendable {
    var beforeIVT: (systolic: Double, diastolic: Double, text: String)
    var afterIVT: String
    var beforeEVT: String
    var duringAfterEVT: String
    var afterReperfusion: String
    var noReperfusion: (systolic: Double, diastolic: Double, text: String)
    var agents: String
}
