/// The facts of one presentation, one slot per `Fact`; nil means not known.
public struct Facts: Sendable, Equatable {
    private var values: [FactValue?]

    public init() {
        values = Array(repeating: nil, count: Fact.allCases.count)
    }

    public subscript(fact: Fact) -> FactValue? {
        get { values[fact.rawValue] }
        set { values[fact.rawValue] = newValue }
    }

    public func number(_ fact: Fact) -> Double? { values[fact.rawValue]?.number }

    /// A choice fact's code, e.g. "M1" for the occlusion site (not for the IVT pathway).
    public func code(_ fact: Fact) -> String? {
        guard let index = values[fact.rawValue]?.codeIndex else { return nil }
        let vocabulary = fact.vocabulary
        return vocabulary.indices.contains(Int(index)) ? vocabulary[Int(index)] : nil
    }

    func codeIndex(_ fact: Fact) -> Int16? { values[fact.rawValue]?.codeIndex }

    /// Fills in the facts computed from others: glucose in the unit not given (mmol/L to
    /// 0.1; mg/dL unrounded, so a threshold is not crossed by rounding), the anticoagulant's
    /// class, the haematoma's volume, and the perfusion mismatch.
    mutating func derive(_ units: UnitConventions) {
        if self[.glucoseMmolL] == nil, let mgdl = number(.glucoseMgDl) {
            self[.glucoseMmolL] = .number((mgdl / units.glucoseMgDlPerMmolL * 10).rounded(.toNearestOrAwayFromZero) / 10)
        } else if self[.glucoseMgDl] == nil, let mmol = number(.glucoseMmolL) {
            self[.glucoseMgDl] = .number(mmol * units.glucoseMgDlPerMmolL)
        }
        if let type = codeIndex(.anticoagulantType), units.anticoagulantClassByType.indices.contains(Int(type)) {
            self[.anticoagulantClass] = .code(units.anticoagulantClassByType[Int(type)])
        }
        // The haematoma's volume as measured, else by the ABC/2 method (cm³ = mL).
        if let volume = number(.imagingIchVolumeMl) {
            self[.ichVolumeMl] = .number(volume)
        } else if let a = number(.imagingIchDiameterACm), let b = number(.imagingIchDiameterBCm), let c = number(.imagingIchDiameterCCm) {
            self[.ichVolumeMl] = .number(a * b * c / 2)
        }
        let core = number(.imagingCoreMl)
        let hypoperfusion = number(.imagingHypoperfusionTmax6Ml)
        self[.perfusionAvailable] = .flag(core != nil && hypoperfusion != nil)
        if let core, let hypoperfusion {
            self[.perfusionMismatchVolumeMl] = .number(number(.imagingPenumbraMismatchMl) ?? (hypoperfusion - core))
            self[.perfusionMismatchRatio] = core > 0 ? .number(hypoperfusion / core) : hypoperfusion > 0 ? .number(1_000_000) : nil
        }
    }
}
