/// An exact fraction over Int, always in lowest terms with a positive denominator. Overflow
/// traps, so an answer is exact or the test stops.
struct Rational: Equatable, CustomStringConvertible {
    let numerator: Int
    let denominator: Int

    static let zero = Rational(0)
    static let one = Rational(1)

    init(_ value: Int) {
        numerator = value
        denominator = 1
    }

    init(_ numerator: Int, _ denominator: Int) {
        precondition(denominator != 0, "a fraction over zero")
        let divisor = Self.gcd(numerator, denominator) * (denominator < 0 ? -1 : 1)
        self.numerator = numerator / divisor
        self.denominator = denominator / divisor
    }

    var isZero: Bool { numerator == 0 }
    /// The value when it is a whole number.
    var integer: Int? { denominator == 1 ? numerator : nil }
    var description: String { denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)" }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (x, y) = (abs(a), abs(b))
        while y != 0 { (x, y) = (y, x % y) }
        return max(x, 1)
    }

    static func + (lhs: Rational, rhs: Rational) -> Rational {
        let common = gcd(lhs.denominator, rhs.denominator)
        return Rational(lhs.numerator * (rhs.denominator / common) + rhs.numerator * (lhs.denominator / common), lhs.denominator / common * rhs.denominator)
    }

    static prefix func - (value: Rational) -> Rational { Rational(-value.numerator, value.denominator) }
    static func - (lhs: Rational, rhs: Rational) -> Rational { lhs + -rhs }
    static func * (lhs: Rational, rhs: Rational) -> Rational {
        let a = gcd(lhs.numerator, rhs.denominator)
        let b = gcd(rhs.numerator, lhs.denominator)
        return Rational((lhs.numerator / a) * (rhs.numerator / b), (lhs.denominator / b) * (rhs.denominator / a))
    }

    static func / (lhs: Rational, rhs: Rational) -> Rational { lhs * Rational(rhs.denominator, rhs.numerator) }
}
