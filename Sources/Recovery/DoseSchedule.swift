public import Clinical

/// A therapy schedule: the sum of its segments at each instant, and the instants it changes.
public struct DoseSchedule: Sendable, Equatable {
    /// Minutes a day per modality.
    public struct Dose: Sendable, Equatable {
        public var pt = 0.0, ot = 0.0, slp = 0.0, bal = 0.0
    }

    public let segments: [DoseSegment]

    /// Refuses a segment that ends before it starts, starts before onset or gives a negative or
    /// absurd dose (more than a day's minutes).
    public init(_ segments: [DoseSegment]) throws(Refusal) {
        for (index, segment) in segments.enumerated() {
            guard segment.start.isFinite, segment.end.isFinite, segment.start >= 0 else {
                throw Refusal.invalid("schedule[\(index)].start", "must be a day on or after onset (0)")
            }
            guard segment.end > segment.start else { throw Refusal.invalid("schedule[\(index)].end", "must be after the start") }
            for (value, name) in [(segment.pt, "PT"), (segment.ot, "OT"), (segment.slp, "SLP"), (segment.bal, "BAL")] {
                guard value.isFinite, (0...1_440).contains(value) else {
                    throw Refusal.invalid("schedule[\(index)].\(name)", "must be 0 to 1440 minutes a day")
                }
            }
        }
        self.segments = segments
    }

    /// The dose at `t` (a segment applies for start ≤ t < end).
    public func dose(at t: Double) -> Dose {
        var dose = Dose()
        for segment in segments where segment.start <= t && t < segment.end {
            dose.pt += segment.pt
            dose.ot += segment.ot
            dose.slp += segment.slp
            dose.bal += segment.bal
        }
        return dose
    }

    /// Every instant in `(from, to)` where the dose changes.
    func changes(from: Double, to: Double) -> [Double] {
        segments.flatMap { [$0.start, $0.end] }.filter { $0 > from && $0 < to }
    }
}
