@testable import Reporting

/// An attacker who knows the whole release: every published cell of every kind, and that in
/// every line of every subtable the total is the sum of its parts. By exact Gaussian
/// elimination (reduced row echelon form over the rationals, sparse rows) it finds which
/// withheld cells, and which sums of withheld cells, those equations pin down.
///
/// A withheld cell is determined exactly when its unit vector lies in the row space of the
/// equations restricted to the withheld cells; then the reduced form has a row with that one
/// unknown, and its right-hand side (per kind) is the cell's value.
struct ReleaseAttacker {
    let kinds: [String]
    let unknowns: [ReleaseCell]
    let index: [ReleaseCell: Int]
    /// Pivot column → its row of the reduced form: coefficients on free columns besides the
    /// pivot's 1, and the right-hand side per kind.
    private(set) var pivots: [Int: (coefficients: [Int: Rational], constants: [Rational])] = [:]
    /// Equations without a withheld cell whose published values do not add up (must be none).
    private(set) var inconsistent = 0

    init(_ release: Release) {
        kinds = release.counts.keys.sorted()
        unknowns = release.withheld.keys.sorted()
        index = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        for line in Set(release.layout.lines) {
            var coefficients: [Int: Rational] = [:]
            var constants = Array(repeating: Rational.zero, count: kinds.count)
            for (cell, sign) in line.parts.map({ ($0, 1) }) + [(line.total, -1)] {
                if let column = index[cell] {
                    coefficients[column] = (coefficients[column] ?? .zero) + Rational(sign)
                } else {
                    for (k, kind) in kinds.enumerated() { constants[k] = constants[k] - Rational(sign * (release.value(kind, cell) ?? 0)) }
                }
            }
            add(coefficients.filter { !$0.value.isZero }, constants)
        }
    }

    /// Brings one equation into the reduced form.
    private mutating func add(_ coefficients: [Int: Rational], _ constants: [Rational]) {
        var (row, right) = reduce(coefficients, constants)
        guard let pivot = row.keys.min(), let scale = row[pivot] else {
            if right.contains(where: { !$0.isZero }) { inconsistent += 1 }
            return
        }
        row = row.mapValues { $0 / scale }
        right = right.map { $0 / scale }
        for (column, existing) in pivots {
            guard let factor = existing.coefficients[pivot] else { continue }
            var updated = existing.coefficients
            updated[pivot] = nil
            for (other, value) in row where other != pivot {
                let sum = (updated[other] ?? .zero) - factor * value
                updated[other] = sum.isZero ? nil : sum
            }
            pivots[column] = (updated, zip(existing.constants, right).map { $0 - factor * $1 })
        }
        row[pivot] = nil
        pivots[pivot] = (row, right)
    }

    /// A vector less its components along the pivot rows: what the equations cannot explain.
    private func reduce(_ coefficients: [Int: Rational], _ constants: [Rational]) -> ([Int: Rational], [Rational]) {
        var row = coefficients
        var right = constants
        for (column, factor) in coefficients {
            guard let pivot = pivots[column] else { continue }
            row[column] = nil
            for (other, value) in pivot.coefficients {
                let sum = (row[other] ?? .zero) - factor * value
                row[other] = sum.isZero ? nil : sum
            }
            right = zip(right, pivot.constants).map { $0 - factor * $1 }
        }
        return (row, right)
    }

    /// The withheld cells the equations determine, with their values by kind.
    var determined: [ReleaseCell: [String: Rational]] {
        var cells: [ReleaseCell: [String: Rational]] = [:]
        for (column, pivot) in pivots where pivot.coefficients.isEmpty {
            cells[unknowns[column]] = Dictionary(uniqueKeysWithValues: zip(kinds, pivot.constants))
        }
        return cells
    }

    /// The sum of some withheld cells by kind, when the equations determine it.
    func determinedSum(_ cells: [ReleaseCell]) -> [String: Rational]? {
        var vector: [Int: Rational] = [:]
        for cell in cells {
            guard let column = index[cell] else { return nil }
            vector[column] = (vector[column] ?? .zero) + .one
        }
        // v is in the row space iff v − Σ v_p · row_p vanishes; then its value is Σ v_p · rhs_p.
        let (rest, _) = reduce(vector, Array(repeating: .zero, count: kinds.count))
        guard rest.isEmpty else { return nil }
        var values = Array(repeating: Rational.zero, count: kinds.count)
        for (column, factor) in vector {
            guard let pivot = pivots[column] else { continue }
            values = zip(values, pivot.constants).map { $0 + factor * $1 }
        }
        return Dictionary(uniqueKeysWithValues: zip(kinds, values))
    }
}
