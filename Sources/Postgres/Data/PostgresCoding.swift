/// A Swift value that can be sent to PostgreSQL as a query parameter, in binary format.
public protocol PostgresEncodable: Sendable {
    /// The parameter's PostgreSQL type, sent with the query so the server need not guess.
    static var postgresType: PostgresDataType { get }
    /// The type of a one-dimensional array of this type, if arrays of it are supported.
    static var postgresArrayType: PostgresDataType? { get }
    /// True when the value is SQL NULL (only `Optional.none` is).
    var isNull: Bool { get }
    /// Appends the binary wire representation of a non-NULL value.
    func encode(into buffer: inout [UInt8]) throws(PostgresError)
}

extension PostgresEncodable {
    public static var postgresArrayType: PostgresDataType? { nil }
    public var isNull: Bool { false }
}

/// A Swift value that can be read from a binary-format result column.
public protocol PostgresDecodable: Sendable {
    /// Decodes a non-NULL value of `type` from its binary representation.
    init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure)
    /// The value for SQL NULL; only `Optional` has one, every other type fails.
    static func decodeNull() throws(PostgresDecodingFailure) -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws(PostgresDecodingFailure) -> Self {
        throw PostgresDecodingFailure("value is NULL; decode as Optional<\(Self.self)>")
    }
}

/// Why one value could not be decoded; the row decoder adds the column name.
public struct PostgresDecodingFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }

    static func typeMismatch(_ swiftType: Any.Type, _ type: PostgresDataType) -> Self {
        .init("cannot decode PostgreSQL \(type) as \(swiftType)")
    }

    static func badLength(_ swiftType: Any.Type, _ count: Int) -> Self {
        .init("unexpected \(count)-byte value for \(swiftType)")
    }
}

/// Reads and writes big-endian integers in wire buffers.
enum WireInteger {
    static func append<I: FixedWidthInteger>(_ value: I, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { buffer.append(contentsOf: $0) }
    }

    static func read<I: FixedWidthInteger>(_: I.Type, from bytes: ArraySlice<UInt8>, at offset: Int) -> I? {
        let size = MemoryLayout<I>.size
        let start = bytes.startIndex + offset
        guard offset >= 0, start + size <= bytes.endIndex else { return nil }
        var value: I = 0
        for index in start..<(start + size) {
            value = (value << 8) | I(bytes[index])
        }
        return value
    }
}
