import Clinical
import Dispatch
import Foundation

/// The prediction band of a fit from χ²-accepted parameter sets (docs/recovery.md): sets
/// sampled around the estimate in the metric of the fit's curvature, kept if their cost is
/// within χ²₀.₉₅(4) of the best (simultaneous band) or χ²₀.₉₅(1) (pointwise band), drawn in
/// batches until the edges are stable, then each edge pushed out at the anchor days by the
/// prediction profile.
public struct RecoveryBand: Sendable {
    /// An accepted parameter set (transformed scale) and its total cost.
    public struct Set: Sendable, Equatable {
        public var z: [Double]
        public var cost: Double

        public init(z: [Double], cost: Double) {
            self.z = z
            self.cost = cost
        }
    }

    public var lowerSimultaneous: [Double]
    public var upperSimultaneous: [Double]
    public var lowerPointwise: [Double]
    public var upperPointwise: [Double]
    /// The sets within χ²₀.₉₅(4) of the best: the patient's parameter cloud for what-if.
    public var accepted: [Set]
    /// Parameter sets simulated (sampled and profiled).
    public var evaluated: Int
    /// Sets drawn at random (in batches).
    public var sampled: Int
    /// The most any edge moved, in FM points, over the last batch.
    public var lastMovement: Double
    /// True when the edges settled within the tolerance before the cap.
    public var converged: Bool
}

/// How the band samples (Protocols/recovery `band`): batches of sets until no edge moves by the
/// tolerance over a batch (at least `minBatches`, at most `maxSamples` sets), then the edges at
/// the anchor days pushed out by the prediction profile. Numerical settings, not clinical values.
public struct BandSampling: Sendable, Decodable, Equatable {
    public var batch: Int
    public var minBatches: Int
    public var maxSamples: Int
    public var edgeToleranceFm: Double
    public var anchorDays: [Int]

    public init(batch: Int, minBatches: Int, maxSamples: Int, edgeToleranceFm: Double, anchorDays: [Int]) {
        self.batch = batch
        self.minBatches = minBatches
        self.maxSamples = maxSamples
        self.edgeToleranceFm = edgeToleranceFm
        self.anchorDays = anchorDays
    }

    /// The same settings with another batch size (and a cap of at least one batch).
    public func batches(of size: Int) -> BandSampling {
        var changed = self
        changed.batch = size
        changed.maxSamples = max(maxSamples, size)
        return changed
    }
}

/// The band's progress after each batch: sets drawn so far and how far the edges moved.
public struct BandProgress: Sendable {
    public var sampled: Int
    public var movement: Double
    public var cap: Int
}

extension RecoveryFitter {
    /// Samples sets around the fit in batches — half uniformly in a ball of radius
    /// 1.3·√χ²₀.₉₅(4), half on shells of radius 0.55–1.22·√χ²₀.₉₅(4), in the coordinates where
    /// the fit's curvature is the identity; the ball widens by half while accepted sets reach
    /// its rim (a cost far from quadratic, as when the first observation is days after onset) —
    /// until no edge moves by the tolerance over a batch or the cap is reached. Then, at each
    /// anchor day, the prediction profile pushes each edge to the extreme the cost allows (the
    /// band at day 0 thereby spans FM0 over the accepted sets), and those sets join the band.
    /// Simulates on `threads` threads; deterministic for a seed.
    public func band(
        around fit: RecoveryFit, sampling: BandSampling, seed: UInt64 = 1, threads: Int = 2,
        progress: ((BandProgress) -> Void)? = nil
    ) -> RecoveryBand {
        let best = scores(fit.z)
        let jac = jacobian(fit.z, residuals: residuals(fit.z, scores: best))
        let (normal, _) = Self.normalEquations(jac, Array(repeating: 0, count: jac.count))
        let factor =
            LinearAlgebra.inverse(normal).flatMap(LinearAlgebra.cholesky)
            ?? (0..<4).map { i in (0..<4).map { $0 == i ? 0.1 : 0 } }
        let radius = ChiSquare.quantile(0.95, degrees: 4).squareRoot()
        let limitSimultaneous = fit.totalCost + ChiSquare.quantile(0.95, degrees: 4)
        let limitPointwise = fit.totalCost + ChiSquare.quantile(0.95, degrees: 1)
        var band = RecoveryBand(
            lowerSimultaneous: best, upperSimultaneous: best, lowerPointwise: best, upperPointwise: best,
            accepted: [RecoveryBand.Set(z: fit.z, cost: fit.totalCost)], evaluated: 1, sampled: 0,
            lastMovement: .infinity, converged: false)
        // The accepted sets' curves, from which each profile search picks its start.
        var curves: [[Double]] = [best]
        func include(_ z: [Double], _ result: (scores: [Double], cost: Double)) {
            guard result.cost <= limitSimultaneous, result.scores.count == best.count else { return }
            band.accepted.append(RecoveryBand.Set(z: z, cost: result.cost))
            curves.append(result.scores)
            for day in result.scores.indices {
                band.lowerSimultaneous[day] = min(band.lowerSimultaneous[day], result.scores[day])
                band.upperSimultaneous[day] = max(band.upperSimultaneous[day], result.scores[day])
                if result.cost <= limitPointwise {
                    band.lowerPointwise[day] = min(band.lowerPointwise[day], result.scores[day])
                    band.upperPointwise[day] = max(band.upperPointwise[day], result.scores[day])
                }
            }
        }
        var generator = SeededRandom(seed: seed)
        var widen = 1.0
        var batches = 0
        let batch = max(sampling.batch, 2)
        while band.sampled < sampling.maxSamples {
            let count = min(batch, sampling.maxSamples - band.sampled)
            let points: [(z: [Double], length: Double)] = (0..<count).map { index in
                var direction = (0..<4).map { _ in generator.normal() }
                let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
                direction = direction.map { $0 / max(length, 1e-12) }
                let r =
                    index < count / 2
                    ? 1.3 * widen * radius * pow(Double.random(in: 0..<1, using: &generator), 0.25)
                    : Double.random(in: 0.55...1.22, using: &generator) * widen * radius
                let v = direction.map { $0 * r }
                let z = (0..<4).map { i in
                    let moved = fit.z[i] + (0...i).reduce(0) { $0 + factor[i][$1] * v[$1] }
                    return min(max(moved, lower[i]), upper[i])
                }
                return (z, r)
            }
            let before = [band.lowerSimultaneous, band.upperSimultaneous, band.lowerPointwise, band.upperPointwise]
            let results = simulateAll(points.map(\.z), threads: threads)
            var rim = false
            for (point, result) in zip(points, results) {
                include(point.z, result)
                if result.cost <= limitSimultaneous, point.length > 0.9 * 1.3 * widen * radius { rim = true }
            }
            band.sampled += count
            band.evaluated += count
            batches += 1
            let after = [band.lowerSimultaneous, band.upperSimultaneous, band.lowerPointwise, band.upperPointwise]
            band.lastMovement = zip(before, after).map { zip($0, $1).map { abs($0 - $1) }.max() ?? 0 }.max() ?? 0
            progress?(BandProgress(sampled: band.sampled, movement: band.lastMovement, cap: sampling.maxSamples))
            if rim {
                widen *= 1.5
                continue
            }
            if batches >= sampling.minBatches, band.lastMovement < sampling.edgeToleranceFm {
                band.converged = true
                break
            }
        }
        // The edges at the anchor days, pushed out by the prediction profile from the most
        // extreme sets: within χ²₀.₉₅(1) for the pointwise band, χ²₀.₉₅(4) for the simultaneous.
        // A day's extreme may be reached only from another day's (FM0 at the ends the data
        // allow, where the logit scale flattens the cost): the searches are repeated from the
        // sets found until no anchor edge moves by a tenth of the tolerance (at most three rounds).
        let days = sampling.anchorDays.filter { (0...horizon).contains($0) }
        for _ in 0..<(days.isEmpty ? 0 : 3) {
            let before = days.map { [band.lowerSimultaneous[$0], band.upperSimultaneous[$0], band.lowerPointwise[$0], band.upperPointwise[$0]] }
            let searches = days.flatMap { day in
                [(day, limitPointwise, 1.0), (day, limitPointwise, -1.0), (day, limitSimultaneous, 1.0), (day, limitSimultaneous, -1.0)]
            }
            // Settled to a hundredth of the tolerance: the band needs no more.
            let settle = sampling.edgeToleranceFm / 100
            let starts = searches.map { day, limit, sign in
                band.accepted.indices.filter { band.accepted[$0].cost <= limit }.sorted { sign * curves[$0][day] > sign * curves[$1][day] }
                    .prefix(3).map { band.accepted[$0] }
            }
            let lanes = max(1, min(threads, searches.count))
            let found = SearchSlots(count: searches.count)
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                for index in stride(from: lane, to: searches.count, by: lanes) {
                    let (day, limit, sign) = searches[index]
                    found.store(index, extreme(day: day, limit: limit, sign: sign, from: starts[index], settle: settle, iterations: 15))
                }
            }
            for result in found.values {
                band.evaluated += result.evaluations
                include(result.z, (result.scores, result.cost))
            }
            let after = days.map { [band.lowerSimultaneous[$0], band.upperSimultaneous[$0], band.lowerPointwise[$0], band.upperPointwise[$0]] }
            if zip(before.joined(), after.joined()).allSatisfy({ abs($0 - $1) < sampling.edgeToleranceFm / 10 }) { break }
        }
        return band
    }

    /// The band from a fixed number of sets in one batch (no stability check, no profile):
    /// the reference implementation's band (bench/recovery), which `--format bench` reproduces
    /// so that check.py compares like with like.
    public func band(around fit: RecoveryFit, samples: Int, seed: UInt64 = 1, threads: Int = 2) -> RecoveryBand {
        band(
            around: fit, sampling: BandSampling(batch: samples, minBatches: 1, maxSamples: samples, edgeToleranceFm: .infinity, anchorDays: []),
            seed: seed, threads: threads)
    }

    /// Curves and costs of many sets, split over threads.
    func simulateAll(_ points: [[Double]], threads: Int) -> [(scores: [Double], cost: Double)] {
        let chunks = max(1, min(threads, points.count))
        let results = ResultSlots(count: points.count)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for index in stride(from: chunk, to: points.count, by: chunks) {
                let curve = scores(points[index])
                let r = residuals(points[index], scores: curve)
                results.store(index, (curve, r.reduce(0) { $0 + $1 * $1 }))
            }
        }
        return results.values
    }
}

/// Profile searches' results, each written by one thread only, read after all have finished.
private final class SearchSlots: @unchecked Sendable {
    typealias Found = (z: [Double], scores: [Double], cost: Double, evaluations: Int)
    private let buffer: UnsafeMutableBufferPointer<Found>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: ([], [], .infinity, 0))
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ index: Int, _ value: Found) {
        buffer[index] = value
    }

    var values: [Found] { Array(buffer) }
}

/// Result slots each written by one thread only, read after all have finished.
private final class ResultSlots: @unchecked Sendable {
    private let buffer: UnsafeMutableBufferPointer<(scores: [Double], cost: Double)>

    init(count: Int) {
        buffer = .allocate(capacity: count)
        buffer.initialize(repeating: ([], .infinity))
    }

    deinit {
        buffer.deinitialize()
        buffer.deallocate()
    }

    func store(_ index: Int, _ value: (scores: [Double], cost: Double)) {
        buffer[index] = value
    }

    var values: [(scores: [Double], cost: Double)] { Array(buffer) }
}
