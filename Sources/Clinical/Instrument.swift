/// An assessment instrument and its scale: FM-UE (upper-extremity Fugl-Meyer), NIHSS, mRS,
/// Barthel, SAFE (shoulder abduction and finger extension, PREP2) and MEP status.
public enum Instrument: String, Sendable, Codable, CaseIterable {
    case fmUE = "FM-UE"
    case nihss = "NIHSS"
    case mrs = "mRS"
    case barthel = "Barthel"
    case safe = "SAFE"
    case mep = "MEP"

    /// The instrument's scale (Barthel in steps of 5; MEP 1 present, 0 absent).
    public var scale: ClosedRange<Int> {
        switch self {
        case .fmUE: 0...66
        case .nihss: 0...42
        case .mrs: 0...6
        case .barthel: 0...100
        case .safe: 0...10
        case .mep: 0...1
        }
    }
}
