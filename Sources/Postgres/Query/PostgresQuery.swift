import Foundation

/// SQL text with its parameters. Interpolated values become `$n` parameters; they never
/// become SQL text.
///
/// ```swift
/// let query: PostgresQuery = "SELECT name FROM organisations WHERE id = \(id)"
/// // sql: "SELECT name FROM organisations WHERE id = $1", one uuid parameter
/// ```
/// The only ways to put text into the SQL itself are the visibly named
/// `\(identifier: name)`, which quotes an identifier (a table or column name), and
/// `\(fragment: "…")`, which takes a compile-time string literal (a shared column list).
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation {
    /// The SQL text, with `$1`, `$2`, … for the parameters.
    public private(set) var sql: String
    /// The parameters, in order.
    public private(set) var bindings: PostgresBindings

    /// A query with SQL text and no parameters.
    public init(stringLiteral value: String) {
        sql = value
        bindings = PostgresBindings()
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        bindings = stringInterpolation.bindings
    }

    /// A query from SQL text built inside this module from fixed pieces (never from input).
    init(fixedSQL sql: String) {
        self.sql = sql
        bindings = PostgresBindings()
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var bindings = PostgresBindings()

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + 4 * interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// Binds an optional value as the next `$n` parameter, NULL for `nil`.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            bindings.append(value)
            sql += "$\(bindings.count)"
        }

        /// Puts a fixed piece of SQL into the text. `StaticString` admits only literals written
        /// in the source, so input can never reach this.
        public mutating func appendInterpolation(fragment: StaticString) {
            sql += fragment.withUTF8Buffer { String(decoding: $0, as: UTF8.self) }
        }

        /// Quotes a table or column name into the SQL text: wrapped in double quotes, each
        /// embedded double quote doubled, a NUL dropped. Never use it for values.
        public mutating func appendInterpolation(identifier: String) {
            let cleaned = identifier.replacingOccurrences(of: "\0", with: "")
            sql += "\"" + cleaned.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
    }
}

/// The parameters of a query, encoded once into one buffer.
public struct PostgresBindings: Sendable {
    /// Each parameter's type.
    public private(set) var types: [PostgresDataType] = []
    /// Each parameter's byte range in `bytes`, or nil for NULL.
    private(set) var ranges: [Range<Int>?] = []
    /// Starts with one spare byte, so an empty non-NULL value still has an address.
    private(set) var bytes: [UInt8] = [0]
    /// The first encoding failure; reported when the query runs.
    private(set) var encodingError: PostgresError?

    /// No parameters yet.
    public init() {}

    /// The number of parameters.
    public var count: Int { types.count }

    /// Appends a parameter.
    public mutating func append<Value: PostgresEncodable>(_ value: Value) {
        types.append(Value.postgresType)
        guard !value.isNull else {
            ranges.append(nil)
            return
        }
        let start = bytes.count
        do {
            try value.encode(into: &bytes)
        } catch {
            encodingError = encodingError ?? error
        }
        ranges.append(start..<bytes.count)
    }
}

extension PostgresBindings {
    /// Lends libpq's parameter arrays: count, type OIDs, value pointers (nil for NULL),
    /// lengths and formats (all binary).
    func withParameters<Result>(
        _ body: (
            Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?,
            UnsafePointer<Int32>?, UnsafePointer<Int32>?
        ) -> Result
    ) -> Result {
        let count = self.count
        return withUnsafeTemporaryAllocation(of: UInt32.self, capacity: count) { oids in
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: 2 * count) { lengthsAndFormats in
                withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: count) { values in
                    bytes.withUnsafeBufferPointer { storage in
                        storage.withMemoryRebound(to: CChar.self) { characters in
                            let base = characters.baseAddress.map(UnsafePointer.init)
                            for index in 0..<count {
                                oids[index] = types[index].oid
                                lengthsAndFormats[index] = Int32(ranges[index]?.count ?? 0)
                                lengthsAndFormats[count + index] = 1
                                values[index] = ranges[index].flatMap { range in base?.advanced(by: range.lowerBound) }
                            }
                            return body(
                                Int32(count), oids.baseAddress, values.baseAddress,
                                lengthsAndFormats.baseAddress, lengthsAndFormats.baseAddress?.advanced(by: count)
                            )
                        }
                    }
                }
            }
        }
    }
}
