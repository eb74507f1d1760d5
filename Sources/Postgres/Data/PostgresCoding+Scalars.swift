public import Foundation

extension Bool: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bool }
    public static var postgresArrayType: PostgresDataType? { .boolArray }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { buffer.append(self ? 1 : 0) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .bool else { throw .typeMismatch(Bool.self, type) }
        guard bytes.count == 1, let byte = bytes.first else { throw .badLength(Bool.self, bytes.count) }
        self = byte != 0
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .float8 }
    public static var postgresArrayType: PostgresDataType? { .float8Array }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { WireInteger.append(bitPattern, to: &buffer) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .float8 where bytes.count == 8:
            self = Double(bitPattern: WireInteger.read(UInt64.self, from: bytes, at: 0) ?? 0)
        case .float4 where bytes.count == 4:
            self = Double(Float(bitPattern: WireInteger.read(UInt32.self, from: bytes, at: 0) ?? 0))
        case .numeric:
            self = try NumericDecoder.double(from: bytes)
        case .int2, .int4, .int8:
            self = Double(try Int64(postgresBytes: bytes, type: type))
        case .float4, .float8:
            throw .badLength(Double.self, bytes.count)
        default:
            throw .typeMismatch(Double.self, type)
        }
    }
}

extension String: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .text }
    public static var postgresArrayType: PostgresDataType? { .textArray }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { buffer.append(contentsOf: utf8) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .text, .varchar, .bpchar, .name, .unknown, .json:
            self = String(decoding: bytes, as: UTF8.self)
        default:
            throw .typeMismatch(String.self, type)
        }
    }
}

extension UUID: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .uuid }
    public static var postgresArrayType: PostgresDataType? { .uuidArray }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        withUnsafeBytes(of: uuid) { buffer.append(contentsOf: $0) }
    }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .uuid else { throw .typeMismatch(UUID.self, type) }
        guard bytes.count == 16 else { throw .badLength(UUID.self, bytes.count) }
        var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &raw) { $0.copyBytes(from: bytes) }
        self = UUID(uuid: raw)
    }
}

/// `timestamptz` travels as microseconds since 2000-01-01 00:00 UTC; ±infinity as the
/// extreme Int64 values, which map to `Date.distantFuture` / `Date.distantPast`.
extension Date: PostgresEncodable, PostgresDecodable {
    private static let postgresEpoch: TimeInterval = 946_684_800

    public static var postgresType: PostgresDataType { .timestamptz }
    public static var postgresArrayType: PostgresDataType? { .timestamptzArray }

    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        let micros: Int64
        if self == .distantFuture {
            micros = .max
        } else if self == .distantPast {
            micros = .min
        } else {
            let value = ((timeIntervalSince1970 - Self.postgresEpoch) * 1_000_000).rounded()
            guard let exact = Int64(exactly: value), exact != .max, exact != .min else {
                throw PostgresError(code: .encoding, message: "date outside the range of timestamptz")
            }
            micros = exact
        }
        WireInteger.append(micros, to: &buffer)
    }

    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        switch type {
        case .timestamptz, .timestamp:
            guard bytes.count == 8, let micros = WireInteger.read(Int64.self, from: bytes, at: 0) else {
                throw .badLength(Date.self, bytes.count)
            }
            switch micros {
            case .max: self = .distantFuture
            case .min: self = .distantPast
            default: self = Date(timeIntervalSince1970: Self.postgresEpoch + Double(micros) / 1_000_000)
            }
        case .date:
            guard bytes.count == 4, let days = WireInteger.read(Int32.self, from: bytes, at: 0) else {
                throw .badLength(Date.self, bytes.count)
            }
            switch days {
            case .max: self = .distantFuture
            case .min: self = .distantPast
            default: self = Date(timeIntervalSince1970: Self.postgresEpoch + Double(days) * 86_400)
            }
        default:
            throw .typeMismatch(Date.self, type)
        }
    }
}

extension Data: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .bytea }
    public static var postgresArrayType: PostgresDataType? { .byteaArray }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { buffer.append(contentsOf: self) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .bytea else { throw .typeMismatch(Data.self, type) }
        self = Data(bytes)
    }
}
