extension Int16: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int2 }
    public static var postgresArrayType: PostgresDataType? { .int2Array }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { WireInteger.append(self, to: &buffer) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .int2 else { throw .typeMismatch(Int16.self, type) }
        self = try decodeInteger(bytes, type)
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int4 }
    public static var postgresArrayType: PostgresDataType? { .int4Array }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { WireInteger.append(self, to: &buffer) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        guard type == .int2 || type == .int4 else { throw .typeMismatch(Int32.self, type) }
        self = try decodeInteger(bytes, type)
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType? { .int8Array }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { WireInteger.append(self, to: &buffer) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodeInteger(bytes, type)
    }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public static var postgresType: PostgresDataType { .int8 }
    public static var postgresArrayType: PostgresDataType? { .int8Array }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) { WireInteger.append(Int64(self), to: &buffer) }
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = Int(try decodeInteger(bytes, type) as Int64)
    }
}

/// Decodes any of int2, int4 and int8 into `I`, widening as needed.
private func decodeInteger<I: FixedWidthInteger>(
    _ bytes: ArraySlice<UInt8>, _ type: PostgresDataType
) throws(PostgresDecodingFailure) -> I {
    let value: Int64? =
        switch type {
        case .int2 where bytes.count == 2: WireInteger.read(Int16.self, from: bytes, at: 0).map(Int64.init)
        case .int4 where bytes.count == 4: WireInteger.read(Int32.self, from: bytes, at: 0).map(Int64.init)
        case .int8 where bytes.count == 8: WireInteger.read(Int64.self, from: bytes, at: 0)
        case .int2, .int4, .int8: throw .badLength(I.self, bytes.count)
        default: throw .typeMismatch(I.self, type)
        }
    guard let value, let result = I(exactly: value) else { throw .badLength(I.self, bytes.count) }
    return result
}
