import CLibPQ

/// Owns one `PGresult` and clears it exactly once.
struct LibPQResult: ~Copyable {
    private let raw: OpaquePointer

    /// Takes ownership of a result; nil (libpq's out-of-memory or lost-connection answer)
    /// becomes an error built from the connection's state.
    init(_ raw: OpaquePointer?, connection: OpaquePointer) throws(PostgresError) {
        guard let raw else { throw LibPQResult.connectionError(connection) }
        self.raw = raw
    }

    deinit { PQclear(raw) }

    var status: ExecStatusType { PQresultStatus(raw) }

    /// Throws the server's error if the command failed; otherwise returns the status.
    func check(connection: OpaquePointer) throws(PostgresError) -> ExecStatusType {
        let status = self.status
        switch status {
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            throw serverError(connection: connection)
        default:
            return status
        }
    }

    /// Copies the rows out of the result.
    func rows() -> PostgresRows {
        let rowCount = Int(PQntuples(raw))
        let columnCount = Int(PQnfields(raw))
        var columns: [PostgresColumn] = []
        columns.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            let name = PQfname(raw, Int32(column)).map { String(cString: $0) } ?? ""
            columns.append(PostgresColumn(name: name, type: PostgresDataType(PQftype(raw, Int32(column)))))
        }
        var cells: [Range<Int>?] = []
        cells.reserveCapacity(rowCount * columnCount)
        var storage: [UInt8] = []
        for row in 0..<Int32(rowCount) {
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(raw, row, column) != 0 {
                    cells.append(nil)
                    continue
                }
                let length = Int(PQgetlength(raw, row, column))
                let start = storage.count
                if length > 0, let value = PQgetvalue(raw, row, column) {
                    value.withMemoryRebound(to: UInt8.self, capacity: length) {
                        storage.append(contentsOf: UnsafeBufferPointer(start: $0, count: length))
                    }
                }
                cells.append(start..<storage.count)
            }
        }
        let affected = PQcmdTuples(raw).map(Self.parseCount) ?? 0
        return PostgresRows(columns: columns, cells: cells, storage: storage, affectedRows: affected)
    }

    /// Reads the decimal count libpq gives as a C string ("" when there is none).
    private static func parseCount(_ digits: UnsafeMutablePointer<CChar>) -> Int {
        var value = 0
        var cursor = digits
        while cursor.pointee >= 48 && cursor.pointee <= 57 && value < Int.max / 10 - 9 {
            value = value * 10 + Int(cursor.pointee - 48)
            cursor += 1
        }
        return value
    }

    private func field(_ code: Character) -> String? {
        guard let ascii = code.asciiValue, let value = PQresultErrorField(raw, Int32(ascii)) else { return nil }
        return String(cString: value)
    }

    private func serverError(connection: OpaquePointer) -> PostgresError {
        guard let sqlState = field("C") else { return LibPQResult.connectionError(connection) }
        var error = PostgresError(code: .server)
        error.sqlState = sqlState
        error.constraint = field("n")
        error.table = field("t")
        error.column = field("c")
        error.serverMessage = field("M")
        error.serverDetail = field("D")
        if sqlState == SQLState.queryCanceled { error.code = .queryCancelled }
        return error
    }

    /// The error for a connection that failed or broke, with libpq's message (which names
    /// hosts and reasons, never query data).
    static func connectionError(_ connection: OpaquePointer) -> PostgresError {
        let bad = PQstatus(connection) == CONNECTION_BAD
        let message = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        let firstLine = message.split(whereSeparator: \.isNewline).first.map(String.init)
        return PostgresError(code: bad ? .connectionClosed : .unexpectedResult, message: firstLine)
    }
}
