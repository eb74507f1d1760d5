extension Optional: PostgresEncodable where Wrapped: PostgresEncodable {
    public static var postgresType: PostgresDataType { Wrapped.postgresType }
    public static var postgresArrayType: PostgresDataType? { Wrapped.postgresArrayType }
    public var isNull: Bool { self == nil }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        try self?.encode(into: &buffer)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = .some(try Wrapped(postgresBytes: bytes, type: type))
    }

    public static func decodeNull() throws(PostgresDecodingFailure) -> Self { nil }
}
