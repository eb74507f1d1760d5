/// Small dense linear algebra for the fit (4 × 4 systems).
enum LinearAlgebra {
    /// Solves A·x = b by Gaussian elimination with partial pivoting; nil if A is singular.
    static func solve(_ a: [[Double]], _ b: [Double]) -> [Double]? {
        let n = b.count
        var m = a
        var x = b
        for column in 0..<n {
            guard let pivot = (column..<n).max(by: { abs(m[$0][column]) < abs(m[$1][column]) }), abs(m[pivot][column]) > 1e-300 else { return nil }
            m.swapAt(column, pivot)
            x.swapAt(column, pivot)
            for row in (column + 1)..<n {
                let factor = m[row][column] / m[column][column]
                for k in column..<n { m[row][k] -= factor * m[column][k] }
                x[row] -= factor * x[column]
            }
        }
        for row in stride(from: n - 1, through: 0, by: -1) {
            var sum = x[row]
            for k in (row + 1)..<n { sum -= m[row][k] * x[k] }
            x[row] = sum / m[row][row]
        }
        return x.allSatisfy(\.isFinite) ? x : nil
    }

    /// The inverse of a symmetric positive-definite matrix, nil if it is not invertible.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var columns: [[Double]] = []
        for k in 0..<n {
            var unit = Array(repeating: 0.0, count: n)
            unit[k] = 1
            guard let column = solve(a, unit) else { return nil }
            columns.append(column)
        }
        return (0..<n).map { row in columns.map { $0[row] } }
    }

    /// The lower Cholesky factor L of a symmetric positive-definite matrix (A = L·Lᵀ), nil if
    /// A is not positive definite.
    static func cholesky(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var l = Array(repeating: Array(repeating: 0.0, count: n), count: n)
        for i in 0..<n {
            for j in 0...i {
                var sum = a[i][j]
                for k in 0..<j { sum -= l[i][k] * l[j][k] }
                if i == j {
                    guard sum > 0 else { return nil }
                    l[i][i] = sum.squareRoot()
                } else {
                    l[i][j] = sum / l[j][j]
                }
            }
        }
        return l
    }
}
