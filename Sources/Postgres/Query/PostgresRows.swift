/// The rows of a finished query, copied out of libpq's result so they can cross
/// threads and outlive it.
public struct PostgresRows: Sendable, RandomAccessCollection {
    /// One shared, immutable buffer, so copies of the rows (and each `PostgresRow`) cost
    /// one reference count.
    private final class Buffer: Sendable {
        let columns: [PostgresColumn]
        let cells: [Range<Int>?]
        let bytes: [UInt8]
        let affectedRows: Int

        init(columns: [PostgresColumn], cells: [Range<Int>?], bytes: [UInt8], affectedRows: Int) {
            self.columns = columns
            self.cells = cells
            self.bytes = bytes
            self.affectedRows = affectedRows
        }
    }

    private let buffer: Buffer

    init(columns: [PostgresColumn], cells: [Range<Int>?], storage: [UInt8], affectedRows: Int) {
        buffer = Buffer(columns: columns, cells: cells, bytes: storage, affectedRows: affectedRows)
    }

    /// The result's columns, in order.
    public var columns: [PostgresColumn] { buffer.columns }
    /// Rows affected, for INSERT, UPDATE, DELETE, COPY and similar commands.
    public var affectedRows: Int { buffer.affectedRows }

    public var startIndex: Int { 0 }
    public var endIndex: Int { buffer.columns.isEmpty ? 0 : buffer.cells.count / buffer.columns.count }

    public subscript(position: Int) -> PostgresRow {
        PostgresRow(rows: self, row: position)
    }

    /// Decodes every row as a tuple of the given types, one per column.
    public func decode<each Column: PostgresDecodable>(
        _ types: (repeat each Column).Type
    ) throws(PostgresError) -> [(repeat each Column)] {
        var result: [(repeat each Column)] = []
        result.reserveCapacity(count)
        for row in self {
            result.append(try row.decode(types))
        }
        return result
    }

    /// The single row of a query that must return exactly one.
    public func single() throws(PostgresError) -> PostgresRow {
        guard count == 1, let row = first else {
            throw PostgresError(code: .unexpectedResult, message: "expected one row, got \(count)")
        }
        return row
    }

    fileprivate func cell(row: Int, column: Int) -> ArraySlice<UInt8>? {
        buffer.cells[row * buffer.columns.count + column].map { buffer.bytes[$0] }
    }

    fileprivate func index(of name: String) -> Int? { buffer.columns.firstIndex { $0.name == name } }
}

/// One result column: its name and type.
public struct PostgresColumn: Sendable, Equatable {
    public let name: String
    public let type: PostgresDataType
}

/// One row of `PostgresRows`.
public struct PostgresRow: Sendable {
    fileprivate let rows: PostgresRows
    fileprivate let row: Int

    /// Decodes the whole row as a tuple, one type per column, in order.
    ///
    /// ```swift
    /// let (id, name) = try row.decode((UUID, String).self)
    /// ```
    public func decode<each Column: PostgresDecodable>(
        _: (repeat each Column).Type
    ) throws(PostgresError) -> (repeat each Column) {
        var expected = 0
        for _ in repeat (each Column).self { expected += 1 }
        guard expected == rows.columns.count else {
            throw PostgresError(
                code: .decoding,
                message: "row has \(rows.columns.count) columns, decoding expects \(expected)"
            )
        }
        var position = 0
        func next<Value: PostgresDecodable>(_: Value.Type) throws(PostgresError) -> Value {
            defer { position += 1 }
            return try decode(Value.self, at: position)
        }
        return (repeat try next((each Column).self))
    }

    /// Decodes the column with the given name.
    public func decode<Value: PostgresDecodable>(_: Value.Type, column name: String) throws(PostgresError) -> Value {
        guard let position = rows.index(of: name) else {
            var error = PostgresError(code: .decoding, message: "no such column")
            error.column = name
            throw error
        }
        return try decode(Value.self, at: position)
    }

    /// Decodes the column at a position.
    public func decode<Value: PostgresDecodable>(_: Value.Type, at position: Int) throws(PostgresError) -> Value {
        guard rows.columns.indices.contains(position) else {
            throw PostgresError(code: .decoding, message: "no column at position \(position)")
        }
        let column = rows.columns[position]
        do throws(PostgresDecodingFailure) {
            guard let bytes = rows.cell(row: row, column: position) else { return try Value.decodeNull() }
            return try Value(postgresBytes: bytes, type: column.type)
        } catch {
            var failure = PostgresError(code: .decoding, message: error.reason)
            failure.column = column.name
            throw failure
        }
    }
}
