@testable import Reporting

/// An attacker who knows releases whole — one, or every version of one: every published cell
/// of every kind, and that in every line of every subtable the total is the sum of its parts.
/// By exact Gaussian elimination (reduced row echelon form over the rationals, sparse rows) it
/// finds which withheld cells, and which sums and differences of cells, those equations pin
/// down.
///
/// A combination of withheld cells is determined exactly when it lies in the row space of the
/// equations restricted to the withheld cells; then its value (per kind) follows from the
/// reduced form's right-hand sides.
struct ReleaseAttacker {
    /// A withheld cell of one version (the index in the versions given).
    struct Unknown: Hashable, Comparable {
        var version: Int
        var cell: ReleaseCell

        static func < (lhs: Unknown, rhs: Unknown) -> Bool { (lhs.version, lhs.cell) < (rhs.version, rhs.cell) }
    }

    let kinds: [String]
    let versions: [Release]
    let unknowns: [Unknown]
    let index: [Unknown: Int]
    /// Pivot column → its row of the reduced form: coefficients on free columns besides the
    /// pivot's 1, and the right-hand side per kind.
    private(set) var pivots: [Int: (coefficients: [Int: Rational], constants: [Rational])] = [:]
    /// Equations without a withheld cell whose published values do not add up (must be none).
    private(set) var inconsistent = 0

    init(_ release: Release) { self.init(versions: [release]) }

    init(versions: [Release]) {
        self.versions = versions
        kinds = versions.first?.counts.keys.sorted() ?? []
        unknowns = versions.enumerated().flatMap { version, release in release.withheld.keys.sorted().map { Unknown(version: version, cell: $0) } }
        index = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        for (version, release) in versions.enumerated() {
            for line in Set(release.layout.lines) {
                var terms: [(ReleaseCell, Rational)] = line.parts.map { ($0, .one) }
                terms.append((line.total, Rational(-1)))
                let (coefficients, constants) = vector(terms.map { (Unknown(version: version, cell: $0.0), $0.1) })
                add(coefficients, constants.map { .zero - $0 })
            }
        }
    }

    /// A combination of cells of versions as a vector over the unknowns and, per kind, the
    /// published part of its value.
    func vector(_ terms: [(Unknown, Rational)]) -> ([Int: Rational], [Rational]) {
        var coefficients: [Int: Rational] = [:]
        var constants = Array(repeating: Rational.zero, count: kinds.count)
        for (term, factor) in terms {
            if let column = index[term] {
                let sum = (coefficients[column] ?? .zero) + factor
                coefficients[column] = sum.isZero ? nil : sum
            } else {
                for (k, kind) in kinds.enumerated() {
                    constants[k] = constants[k] + factor * Rational(versions[term.version].value(kind, term.cell) ?? 0)
                }
            }
        }
        return (coefficients, constants)
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
    var determined: [Unknown: [String: Rational]] {
        var cells: [Unknown: [String: Rational]] = [:]
        for (column, pivot) in pivots where pivot.coefficients.isEmpty {
            cells[unknowns[column]] = Dictionary(uniqueKeysWithValues: zip(kinds, pivot.constants))
        }
        return cells
    }

    /// The sum of some withheld cells of the first version by kind, when the equations
    /// determine it.
    func determinedSum(_ cells: [ReleaseCell]) -> [String: Rational]? {
        guard cells.allSatisfy({ index[Unknown(version: 0, cell: $0)] != nil }) else { return nil }
        return determinedValue(cells.map { (Unknown(version: 0, cell: $0), .one) })
    }

    /// The value of a combination of cells of the versions (published or withheld) by kind,
    /// when the published cells and the equations determine it.
    func determinedValue(_ terms: [(Unknown, Rational)]) -> [String: Rational]? {
        let (vector, published) = vector(terms)
        // v is in the row space iff v − Σ v_p · row_p vanishes; then its value is Σ v_p · rhs_p.
        let (rest, _) = reduce(vector, Array(repeating: .zero, count: kinds.count))
        guard rest.isEmpty else { return nil }
        var values = published
        for (column, factor) in vector {
            guard let pivot = pivots[column] else { continue }
            values = zip(values, pivot.constants).map { $0 + factor * $1 }
        }
        return Dictionary(uniqueKeysWithValues: zip(kinds, values))
    }
}
