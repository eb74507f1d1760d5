import Foundation

/// Control limits of a funnel plot for a proportion (Spiegelhalter 2005): around the overall
/// proportion `p`, for a unit of `n` patients, p ± z·√(p(1 − p)/n), clipped to 0–1, for the
/// two-sided 95 % and 99.8 % limits (z 1.96 and 3.09).
public enum FunnelLimits {
    /// The standard normal quantile of a two-sided coverage (0.95 → 1.96).
    public static func z(coverage: Double) -> Double {
        inverseNormal(0.5 + coverage / 2)
    }

    /// The lower and upper limits at volume `n` for coverage `coverage`.
    public static func limits(proportion p: Double, volume n: Int, coverage: Double) -> (lower: Double, upper: Double) {
        guard n > 0 else { return (0, 1) }
        let spread = z(coverage: coverage) * (p * (1 - p) / Double(n)).squareRoot()
        return (max(0, p - spread), min(1, p + spread))
    }

    /// Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9).
    static func inverseNormal(_ q: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        if q < low {
            let r = (-2 * log(q)).squareRoot()
            return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
        }
        if q > 1 - low { return -inverseNormal(1 - q) }
        let r = q - 0.5
        let s = r * r
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1)
    }
}
