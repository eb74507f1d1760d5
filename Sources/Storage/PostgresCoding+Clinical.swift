public import Clinical
public import Postgres
public import Rehabilitation

// The project's value types read straight from result columns, so that a record decodes as
// one typed tuple. Each reads the column's text (the queries cast dates with `::text`).

extension CalendarDay: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        let text = try String(postgresBytes: bytes, type: type)
        guard let day = CalendarDay(text) else { throw PostgresDecodingFailure("\(text) is not a day") }
        self = day
    }
}

/// A day as a parameter of type date (days since 2000-01-01, PostgreSQL's epoch for dates):
/// compared with a date column as it is, not cast from text row by row.
extension CalendarDay: PostgresEncodable {
    /// 2000-01-01 in days since 1970-01-01.
    private static let postgresEpoch = 10_957

    public static var postgresType: PostgresDataType { .date }
    public func encode(into buffer: inout [UInt8]) throws(PostgresError) {
        // The years a CalendarDay is read in (`ordinal` has no day for some far beyond them).
        guard (1900...2200).contains(year) else { throw PostgresError(code: .encoding, message: "day outside the years 1900 to 2200") }
        try Int32(ordinal - Self.postgresEpoch).encode(into: &buffer)
    }
}

extension ClockTime: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        let text = try String(postgresBytes: bytes, type: type)
        guard let time = ClockTime(text) else { throw PostgresDecodingFailure("\(text) is not a time of day") }
        self = time
    }
}

extension StrokeType: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodeText(bytes, type)
    }
}

extension PlanStatus: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodeText(bytes, type)
    }
}

extension WaitlistStatus: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodeText(bytes, type)
    }
}

extension Instrument: PostgresDecodable {
    public init(postgresBytes bytes: ArraySlice<UInt8>, type: PostgresDataType) throws(PostgresDecodingFailure) {
        self = try decodeText(bytes, type)
    }
}

/// One of an enum's values from a text column; a value it does not know fails to decode.
private func decodeText<Value: RawRepresentable>(_ bytes: ArraySlice<UInt8>, _ type: PostgresDataType) throws(PostgresDecodingFailure) -> Value
where Value.RawValue == String {
    let text = try String(postgresBytes: bytes, type: type)
    guard let value = Value(rawValue: text) else { throw PostgresDecodingFailure("\(text) is not a \(Value.self)") }
    return value
}
