public import Clinical
public import Foundation
public import Recovery

/// A patient's recovery page as the API serves it: the onset, the class and what chose it,
/// the observations, the therapy per day, the projection (or what is missing for one), and
/// warnings a reader must see.
public struct RecoveryReport: Sendable, Codable, Equatable {
    /// The class that picked the priors and c_M, and why.
    public struct ClassBasis: Sendable, Codable, Equatable {
        public var recoveryClass: RecoveryClass
        public var prep2: Prep2Category?
        /// PREP2 inputs still missing (each named).
        public var prep2Missing: [Notice]
        /// What chose the class: a PREP2 category, an MEP status, or neither.
        public var chosenBy: Notice
        /// What chose the class, with the notes below appended (in English).
        public var basis: String
        /// How the PREP2 inputs were taken where it matters — the arrival NIHSS in place of a
        /// day-3 one, a SAFE from before day 2, an age from the birth year near the age split —
        /// and that the default r_s prior rests on the contested proportional recovery rule.
        public var notes: [Notice]
    }

    public var patientId: UUID
    public var pseudonym: String
    public var onset: RecoveryOnset
    public var horizonDays: Int
    public var recoveryClass: ClassBasis
    public var observations: [RecoveryObservation]
    public var therapy: [TherapyDay]
    public var unrecordedSessions: Int
    /// Nil when there is no FM-UE observation to fit (named in `missing`).
    public var outlook: RecoveryOutlook?
    public var missing: [Notice]
    public var warnings: [Notice]
    public var computedAt: Date
    /// True when served from the cache (the inputs had not changed).
    public var cached: Bool
}

/// A proposed therapy schedule for a what-if: it replaces the therapy known from its first
/// day on (days since onset; what was given before stays).
public struct RecoveryProposal: Sendable, Codable, Equatable {
    public var segments: [DoseSegment]

    public init(segments: [DoseSegment]) {
        self.segments = segments
    }

    /// Refuses an empty proposal, days before onset or past the horizon, and two segments
    /// that give the same modality on the same days (contradicting doses), naming them.
    func check(horizon: Int) throws(Refusal) {
        guard !segments.isEmpty else { throw Refusal.invalid("segments", "must propose at least one segment") }
        for (index, segment) in segments.enumerated() {
            guard segment.start.isFinite, segment.start >= 0 else { throw Refusal.invalid("segments[\(index)].start", "is before the stroke's onset (day 0)") }
            guard segment.end.isFinite, segment.end > segment.start, segment.end <= Double(horizon) else {
                throw Refusal.invalid("segments[\(index)].end", "must be after the start and at most day \(horizon)")
            }
            for (value, name) in [(segment.pt, "PT"), (segment.ot, "OT"), (segment.slp, "SLP"), (segment.bal, "BAL")] {
                guard value.isFinite, (0...480).contains(value) else { throw Refusal.invalid("segments[\(index)].\(name)", "must be 0–480 minutes a day") }
            }
            for (other, earlier) in segments.prefix(index).enumerated() where earlier.start < segment.end && segment.start < earlier.end {
                let both = [
                    ("PT", earlier.pt, segment.pt), ("OT", earlier.ot, segment.ot), ("SLP", earlier.slp, segment.slp), ("BAL", earlier.bal, segment.bal),
                ]
                if let clash = both.first(where: { $0.1 > 0 && $0.2 > 0 }) {
                    throw Refusal.invalid("segments[\(index)]", "gives \(clash.0) on days segments[\(other)] also gives it: contradicting doses")
                }
            }
        }
    }

    /// `current` up to the proposal's first day, then the proposal.
    func replacing(_ current: [DoseSegment]) -> [DoseSegment] {
        let first = segments.map(\.start).min() ?? 0
        return current.compactMap { segment -> DoseSegment? in
            guard segment.start < first else { return nil }
            var kept = segment
            kept.end = min(kept.end, first)
            return kept
        } + segments
    }
}
