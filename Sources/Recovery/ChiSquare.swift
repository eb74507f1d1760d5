import Foundation

/// Quantiles of the χ² distribution, for the model test and the band thresholds.
public enum ChiSquare {
    /// The value below which a χ² variable with `degrees` degrees of freedom falls with
    /// probability `probability` (bisection on the regularised incomplete gamma function).
    public static func quantile(_ probability: Double, degrees: Int) -> Double {
        let a = Double(max(degrees, 1)) / 2
        var low = 0.0
        var high = max(10.0, 10 * Double(degrees))
        while lowerGamma(a, high / 2) < probability { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if lowerGamma(a, middle / 2) < probability { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }

    /// The regularised lower incomplete gamma function P(a, x).
    static func lowerGamma(_ a: Double, _ x: Double) -> Double {
        guard x > 0 else { return 0 }
        let logPrefix = a * log(x) - x - lgamma(a)
        if x < a + 1 {
            var term = 1 / a
            var sum = term
            var n = a
            for _ in 0..<1_000 {
                n += 1
                term *= x / n
                sum += term
                if abs(term) < abs(sum) * 1e-15 { break }
            }
            return sum * exp(logPrefix)
        }
        // Continued fraction for the upper function (Lentz).
        var b = x + 1 - a
        var c = 1 / 1e-300
        var d = 1 / b
        var h = d
        for i in 1..<1_000 {
            let an = -Double(i) * (Double(i) - a)
            b += 2
            d = an * d + b
            if abs(d) < 1e-300 { d = 1e-300 }
            c = b + an / c
            if abs(c) < 1e-300 { c = 1e-300 }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return 1 - exp(logPrefix) * h
    }
}
