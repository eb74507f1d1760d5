import Clinical
import Foundation
import Rehabilitation
import Storage

/// The random draws of `SyntheticRegion` (seeded: the same seed gives the same data) and
/// the COPY text of one episode and its patient.
struct SyntheticGenerator: RandomNumberGenerator {
    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed &+ 0x5EED)
    }

    mutating func next() -> UInt64 { random.next() }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { random.unit() }

    mutating func normal() -> Double {
        let u = max(uniform(), 1e-12)
        let v = uniform()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }

    mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// An index drawn with the given weights (summing to 1).
    mutating func pick(_ weights: [Double]) -> Int {
        var u = uniform()
        for (index, weight) in weights.enumerated() {
            if u < weight { return index }
            u -= weight
        }
        return weights.count - 1
    }

    mutating func uuid() -> UUID {
        let a = next()
        let b = next()
        var bytes = (
            UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
            UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0)
        )
        withUnsafeMutableBytes(of: &bytes) { raw in
            for index in 0..<8 {
                raw[index] = UInt8(truncatingIfNeeded: a >> (8 * index))
                raw[8 + index] = UInt8(truncatingIfNeeded: b >> (8 * index))
            }
            raw[6] = (raw[6] & 0x0F) | 0x40
            raw[8] = (raw[8] & 0x3F) | 0x80
        }
        return UUID(uuid: bytes)
    }

    /// 90-day mRS 0–6 shares by NIHSS band (minor, moderate, moderate to severe, severe).
    static let mrsByBand: [[Double]] = [
        [0.30, 0.30, 0.17, 0.10, 0.06, 0.02, 0.05], [0.08, 0.15, 0.17, 0.18, 0.16, 0.08, 0.18],
        [0.02, 0.05, 0.08, 0.15, 0.24, 0.16, 0.30], [0.00, 0.02, 0.04, 0.10, 0.20, 0.20, 0.44],
    ]

    /// Appends one patient row and one episode row (COPY text format) for episode `number` of
    /// `total`. Episodes arrive in number order, each at a uniform time in its share of the 1,095
    /// days before `end` (all together uniform over them; the last second before `end` at the
    /// latest): the tables lie in arrival order, as a registry's history or the service's own
    /// writes do, not shuffled across three years.
    mutating func episode(
        number: Int, of total: Int, prefix: String, site: (id: UUID, region: Int, thrombectomy: Bool, speed: Double, propensity: Double),
        end: Date, patients: inout [UInt8], episodes: inout [UInt8]
    ) {
        let patient = uuid()
        let episode = uuid()
        let arrival = Int(end.timeIntervalSince1970) - Int(((Double(total - number) - uniform()) / Double(max(total, 1)) * 1_095 * 86_400).rounded(.up))
        let age = Int(min(max(75 + 12 * normal(), 18), 100).rounded())
        let female = chance(0.47)
        let type = pick([0.86, 0.12, 0.02])
        let band = pick([0.55, 0.30, 0.08, 0.07])
        let nihss = [Int(uniform() * 5), 5 + Int(uniform() * 11), 16 + Int(uniform() * 5), 21 + Int(uniform() * 15)][band]
        // Arrival mode: 75 % direct, 20 % transferred in, 5 % in-hospital onset (SyntheticRegion).
        let mode = pick([0.75, 0.20, 0.05])
        let onsetToDoor: Int? = chance(0.85) ? Int(min(max(logNormal(median: 170, sigma: 1.0), 10), 2_880)) : nil
        let imaging: Int? = chance(0.97) ? arrival + 60 * Int(min(max(logNormal(median: 22 * site.speed, sigma: 0.6), 1), 600)) : nil
        var needle: Int?
        var groin: Int?
        var reperfusion: Int?
        var mtici: String?
        if type == 0, let onsetToDoor, let imaging {
            if onsetToDoor <= 240, nihss >= 2, chance(0.42 * site.propensity) {
                needle = max(arrival + 60 * Int(min(max(logNormal(median: 28 * site.speed, sigma: 0.45), 8), 300)), imaging + 300)
            }
            if nihss >= 6, onsetToDoor <= 360, chance((site.thrombectomy ? 0.40 : 0.04) * site.propensity) {
                // A transfer comes imaged and expected: door to groin a quarter shorter.
                let median = 75 * site.speed * (mode == 1 ? 0.75 : 1)
                let puncture = max(arrival + 60 * Int(min(max(logNormal(median: median, sigma: 0.5), 20), 600)), imaging + 600)
                groin = puncture
                let grade = pick([0.05, 0.04, 0.06, 0.35, 0.2, 0.3])
                mtici = ["0", "1", "2a", "2b", "2c", "3"][grade]
                reperfusion = grade >= 3 ? puncture + 60 * (20 + Int(uniform() * 50)) : nil
            }
        }
        var mrs: Int? = nil
        if chance(0.88) {
            let reperfused = needle != nil || reperfusion != nil
            mrs = pick(Self.mrsByBand[max(0, reperfused ? band - 1 : band)])
        }
        let birthYear = Self.year(of: arrival) - age
        // patients: organisation_id, id, pseudonym, birth_year, sex
        Self.append(site.id.uuidString, to: &patients, tab: true)
        Self.append(patient.uuidString, to: &patients, tab: true)
        Self.append("\(prefix)-\(number)", to: &patients, tab: true)
        Self.append(String(birthYear), to: &patients, tab: true)
        Self.append(female ? "female" : "male", to: &patients, tab: false)
        // episodes: organisation_id, id, patient_id, stroke_type, last_known_well, arrival_at, nihss_at_arrival, imaging_at, needle_at,
        // thrombolytic, groin_puncture_at, reperfusion_at, mtici, mrs_90, arrival_mode
        Self.append(site.id.uuidString, to: &episodes, tab: true)
        Self.append(episode.uuidString, to: &episodes, tab: true)
        Self.append(patient.uuidString, to: &episodes, tab: true)
        Self.append(["ischaemic", "haemorrhagic", "unknown"][type], to: &episodes, tab: true)
        Self.timestamp(onsetToDoor.map { arrival - 60 * $0 }, to: &episodes)
        Self.timestamp(arrival, to: &episodes)
        Self.append(String(nihss), to: &episodes, tab: true)
        Self.timestamp(imaging, to: &episodes)
        Self.timestamp(needle, to: &episodes)
        Self.append(needle == nil ? "\\N" : (chance(0.6) ? "tenecteplase" : "alteplase"), to: &episodes, tab: true)
        Self.timestamp(groin, to: &episodes)
        Self.timestamp(reperfusion, to: &episodes)
        Self.append(mtici ?? "\\N", to: &episodes, tab: true)
        Self.append(mrs.map(String.init) ?? "\\N", to: &episodes, tab: true)
        Self.append(["direct", "transfer", "in_hospital"][mode], to: &episodes, tab: false)
    }

    static func append(_ text: String, to buffer: inout [UInt8], tab: Bool) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(tab ? 9 : 10)
    }

    /// "YYYY-MM-DD HH:MM:SS+00" of Unix seconds, or \N; then a tab.
    static func timestamp(_ seconds: Int?, to buffer: inout [UInt8]) {
        guard let seconds else { return append("\\N", to: &buffer, tab: true) }
        let days = seconds.floorDivided(by: 86_400)
        let within = seconds - days * 86_400
        let (year, month, day) = civil(days)
        func two(_ value: Int) {
            buffer.append(UInt8(48 + value / 10))
            buffer.append(UInt8(48 + value % 10))
        }
        two(year / 100)
        two(year % 100)
        buffer.append(45)
        two(month)
        buffer.append(45)
        two(day)
        buffer.append(32)
        two(within / 3_600)
        buffer.append(58)
        two(within / 60 % 60)
        buffer.append(58)
        two(within % 60)
        buffer.append(contentsOf: "+00".utf8)
        buffer.append(9)
    }

    static func year(of seconds: Int) -> Int { civil(seconds.floorDivided(by: 86_400)).year }

    /// The civil date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
    static func civil(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}

extension Int {
    fileprivate func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
