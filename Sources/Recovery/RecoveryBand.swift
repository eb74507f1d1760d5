import Dispatch
import Foundation

/// The prediction band of a fit from χ²-accepted parameter sets (docs/recovery.md): sets
/// sampled around the estimate in the metric of the fit's curvature, kept if their cost is
/// within χ²₀.₉₅(4) of the best (simultaneous band) or χ²₀.₉₅(1) (pointwise band).
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
    public var evaluated: Int
}

/// A small deterministic generator (SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self), v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
    }
}

extension RecoveryFitter {
    /// Samples `samples` sets around the fit (half uniformly in a ball of radius 1.3·√χ²₀.₉₅(4),
    /// half on shells of radius 0.55–1.22·√χ²₀.₉₅(4), in the coordinates where the fit's
    /// curvature is the identity), simulates them on `threads` threads, and bands the accepted.
    /// Deterministic for a seed.
    public func band(around fit: RecoveryFit, samples: Int = 3_000, seed: UInt64 = 1, threads: Int = 2) -> RecoveryBand {
        let best = scores(fit.z)
        let jac = jacobian(fit.z, residuals: residuals(fit.z, scores: best))
        let (normal, _) = Self.normalEquations(jac, Array(repeating: 0, count: jac.count))
        let factor = LinearAlgebra.inverse(normal).flatMap(LinearAlgebra.cholesky)
            ?? (0..<4).map { i in (0..<4).map { $0 == i ? 0.1 : 0 } }
        let radius = ChiSquare.quantile(0.95, degrees: 4).squareRoot()
        var generator = SplitMix64(state: seed)
        let points: [[Double]] = (0..<samples).map { index in
            var direction = (0..<4).map { _ in generator.normal() }
            let length = direction.reduce(0) { $0 + $1 * $1 }.squareRoot()
            direction = direction.map { $0 / max(length, 1e-12) }
            let r = index < samples / 2 ? 1.3 * radius * pow(Double.random(in: 0..<1, using: &generator), 0.25)
                : Double.random(in: 0.55...1.22, using: &generator) * radius
            let v = direction.map { $0 * r }
            return (0..<4).map { i in
                let moved = fit.z[i] + (0...i).reduce(0) { $0 + factor[i][$1] * v[$1] }
                return min(max(moved, lower[i]), upper[i])
            }
        }
        let results = simulateAll(points, threads: threads)
        let limitSimultaneous = fit.totalCost + ChiSquare.quantile(0.95, degrees: 4)
        let limitPointwise = fit.totalCost + ChiSquare.quantile(0.95, degrees: 1)
        var band = RecoveryBand(lowerSimultaneous: best, upperSimultaneous: best, lowerPointwise: best, upperPointwise: best,
                                accepted: [RecoveryBand.Set(z: fit.z, cost: fit.totalCost)], evaluated: samples + 1)
        for (point, result) in zip(points, results) where result.cost <= limitSimultaneous {
            band.accepted.append(RecoveryBand.Set(z: point, cost: result.cost))
            for day in result.scores.indices {
                band.lowerSimultaneous[day] = min(band.lowerSimultaneous[day], result.scores[day])
                band.upperSimultaneous[day] = max(band.upperSimultaneous[day], result.scores[day])
                if result.cost <= limitPointwise {
                    band.lowerPointwise[day] = min(band.lowerPointwise[day], result.scores[day])
                    band.upperPointwise[day] = max(band.upperPointwise[day], result.scores[day])
                }
            }
        }
        return band
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
