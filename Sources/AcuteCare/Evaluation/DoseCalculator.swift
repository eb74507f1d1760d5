public import Clinical

/// Thrombolytic doses for a body weight, in exact decimal arithmetic: weights are taken to
/// the gram, doses rounded half-up to 0.1 mg (reference/acute.md section 0.4), and the
/// alteplase infusion is the total minus the bolus.
public struct DoseResult: Sendable, JSONWritable {
    public struct Alteplase: Sendable {
        public var regimen: String
        public var totalMg: Double
        public var bolusMg: Double
        public var infusionMg: Double
        public var infusionRateMgPerH: Double
        public var capped: Bool
        public var discardFrom100mgVialMg: Double
        public var volumeMlAt1mgPerMl: Double
        /// Whether the IVT pathway offers alteplase.
        public var offered: Bool
    }

    public struct Tenecteplase: Sendable {
        public var regimen: String
        /// The per-kg dose the exact dose is based on (doses.json).
        public var mgPerKg: Double
        public var exactWeightBasedMg: Double
        public var exactVolumeMlAt5mgPerMl: Double
        public var capped: Bool
        public var weightBand: String
        public var bandDoseMg: Double
        public var bandVolumeMlAt5mgPerMl: Double
        public var bandNote: String
        /// Whether the IVT pathway offers tenecteplase.
        public var offered: Bool
        /// Said beside the dose (below 50 kg: why the band dose differs from the label's first band).
        public var warnings: [String]
    }

    public var alteplase: Alteplase?
    public var tenecteplase: Tenecteplase?
    /// Whether IVT is on offer now (or after correction), so the doses apply.
    public var doseApplicable: Bool
    public var missingData: [MissingData]

    public func write(to writer: inout JSONWriter) {
        writer.object { json in
            json.key("alteplase")
            if let a = alteplase {
                json.object { json in
                    json.field("regimen", a.regimen)
                    json.field("total_mg", a.totalMg)
                    json.field("bolus_mg", a.bolusMg)
                    json.field("infusion_mg", a.infusionMg)
                    json.field("infusion_rate_mg_per_h", a.infusionRateMgPerH)
                    json.field("capped", a.capped)
                    json.field("discard_from_100mg_vial_mg", a.discardFrom100mgVialMg)
                    json.field("volume_ml_at_1mg_per_ml", a.volumeMlAt1mgPerMl)
                    json.field("offered", a.offered)
                }
            } else {
                json.null()
            }
            json.key("tenecteplase")
            if let t = tenecteplase {
                json.object { json in
                    json.field("regimen", t.regimen)
                    json.field("exact_weight_based_mg", t.exactWeightBasedMg)
                    json.field("exact_volume_ml_at_5mg_per_ml", t.exactVolumeMlAt5mgPerMl)
                    json.field("capped", t.capped)
                    json.field("weight_band", t.weightBand)
                    json.field("band_dose_mg", t.bandDoseMg)
                    json.field("band_volume_ml_at_5mg_per_ml", t.bandVolumeMlAt5mgPerMl)
                    json.field("band_note", t.bandNote)
                    json.field("offered", t.offered)
                    json.field("warnings", strings: t.warnings)
                }
            } else {
                json.null()
            }
            json.field("dose_applicable", doseApplicable)
            json.key("missing_data")
            json.array(missingData) { $1.write(to: &$0) }
        }
    }

}

enum DoseCalculator {
    /// Both agents' doses for the weight; `offered` tells which agents the IVT pathway offers.
    static func doses(_ facts: Facts, _ dosing: DosingProtocol, applicable: Bool, offered: (String) -> Bool) -> DoseResult {
        guard let weight = facts.number(.weightKg) else {
            return DoseResult(
                doseApplicable: applicable,
                missingData: [MissingData(field: "weight_kg", neededBy: "doses", blocking: applicable)])
        }
        let grams = Int64((weight * 1000).rounded())
        let a = dosing.alteplase
        let total = min(tenths(grams, perKg: a.mgPerKg), tenths(a.maxMg))
        let bolus = halfUp(Double(total) * a.bolusFraction)
        let infusion = total - bolus
        let alteplase = DoseResult.Alteplase(
            regimen: a.regimen, totalMg: mg(total), bolusMg: mg(bolus), infusionMg: mg(infusion),
            infusionRateMgPerH: mg(halfUp(Double(infusion) * 60 / a.infusionMinutes)), capped: total == tenths(a.maxMg),
            discardFrom100mgVialMg: mg(tenths(a.vialMg) - total), volumeMlAt1mgPerMl: mg(halfUp(Double(total) / a.concentration)),
            offered: offered("alteplase")
        )
        let t = dosing.tenecteplase
        let exact = min(tenths(grams, perKg: t.mgPerKg), tenths(t.maxMg))
        guard var band = t.bands.first(where: { band in band.belowKg.map { weight < $0 } ?? true }) else {
            return DoseResult(alteplase: alteplase, tenecteplase: nil, doseApplicable: applicable, missingData: [])
        }
        var warnings: [String] = []
        if weight < t.perKgBands.belowKg {
            let bands = t.perKgBands
            let lower = (weight / bands.widthKg).rounded(.down) * bands.widthKg
            let labelDose = band.doseMg
            band = .init(
                label: TextTemplate.fill(bands.label, ["from": TextTemplate.describe(lower), "to": TextTemplate.describe(lower + bands.widthKg)]),
                belowKg: lower + bands.widthKg, doseMg: mg(tenthsDown(Int64((lower * 1000).rounded()), perKg: t.mgPerKg)))
            let perKg = (labelDose / weight * 100).rounded() / 100
            warnings.append(TextTemplate.fill(bands.warning, ["band_mg_per_kg": TextTemplate.describe(perKg)]))
        }
        let tenecteplase = DoseResult.Tenecteplase(
            regimen: t.regimen, mgPerKg: t.mgPerKg, exactWeightBasedMg: mg(exact), exactVolumeMlAt5mgPerMl: mg(halfUp(Double(exact) / t.concentration)),
            capped: exact == tenths(t.maxMg), weightBand: band.label, bandDoseMg: band.doseMg,
            bandVolumeMlAt5mgPerMl: mg(halfUp(band.doseMg * 10 / t.concentration)), bandNote: t.bandNote,
            offered: offered("tenecteplase"), warnings: warnings
        )
        return DoseResult(alteplase: alteplase, tenecteplase: tenecteplase, doseApplicable: applicable, missingData: [])
    }

    /// mg/kg × weight in tenths of a mg, rounded half-up: the factor is taken to 1e-6 mg/kg
    /// and the weight to the gram, so the product is exact in integers.
    private static func tenths(_ grams: Int64, perKg: Double) -> Int64 {
        let microPerKg = Int64((perKg * 1_000_000).rounded())
        let product = grams * microPerKg  // in 1e-9 mg
        return (product + 50_000_000) / 100_000_000  // tenths of a mg, half-up (non-negative)
    }

    /// mg/kg × weight in tenths of a mg, rounded down: never above the per-kg dose.
    private static func tenthsDown(_ grams: Int64, perKg: Double) -> Int64 {
        let microPerKg = Int64((perKg * 1_000_000).rounded())
        return grams * microPerKg / 100_000_000
    }

    private static func tenths(_ milligrams: Double) -> Int64 { Int64((milligrams * 10).rounded()) }

    /// Rounds a value in tenths of a mg half-up to whole tenths (values from exact tenths times
    /// protocol fractions, so a tiny tolerance absorbs binary representation error).
    private static func halfUp(_ tenthsValue: Double) -> Int64 { Int64((tenthsValue + 0.5 + 1e-9).rounded(.down)) }

    private static func mg(_ tenthsValue: Int64) -> Double { Double(tenthsValue) / 10 }
}
