/// Reads PostgreSQL's binary `numeric`: int16 digit count, int16 weight, int16 sign,
/// int16 display scale, then base-10000 digits.
enum NumericDecoder {
    private static let negative: UInt16 = 0x4000
    private static let notANumber: UInt16 = 0xC000
    private static let positiveInfinity: UInt16 = 0xD000
    private static let negativeInfinity: UInt16 = 0xF000

    static func double(from bytes: ArraySlice<UInt8>) throws(PostgresDecodingFailure) -> Double {
        guard let count = WireInteger.read(Int16.self, from: bytes, at: 0),
            let weight = WireInteger.read(Int16.self, from: bytes, at: 2),
            let sign = WireInteger.read(UInt16.self, from: bytes, at: 4),
            count >= 0, bytes.count == 8 + 2 * Int(count)
        else { throw .badLength(Double.self, bytes.count) }
        switch sign {
        case notANumber: return .nan
        case positiveInfinity: return .infinity
        case negativeInfinity: return -.infinity
        default: break
        }
        var value = 0.0
        for index in 0..<Int(count) {
            let digit = WireInteger.read(Int16.self, from: bytes, at: 8 + 2 * index) ?? 0
            value += Double(digit) * pow10000(Int(weight) - index)
        }
        return sign == negative ? -value : value
    }

    private static func pow10000(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<abs(exponent) { result *= 10_000 }
        return exponent < 0 ? 1 / result : result
    }
}
