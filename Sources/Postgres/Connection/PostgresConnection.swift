import CLibPQ
import Foundation
import Logging

/// One libpq connection, run on a thread of its own.
///
/// Every libpq call on the connection runs on its dedicated OS thread, so blocking calls
/// never stall Swift's cooperative pool. Code already on that thread (the body of
/// `PostgresPool.withConnection` called from nonisolated code) calls libpq directly; other
/// callers hop there and back. Get one from the pool, which guarantees one user at a time.
public final class PostgresConnection: @unchecked Sendable {
    // Invariant: every mutable property below is touched only on `executor`'s thread, and
    // only by the one task that leased the connection (the pool's guarantee).
    /// The thread this connection's libpq calls run on.
    let executor: DedicatedThreadExecutor
    private var owner: ConnectionHandle?
    private var handle: OpaquePointer? { owner?.raw }
    private var preparedNames: [PreparedKey: String] = [:]
    private let cancelHandle = CancelHandle()
    private let notices: NoticeSink

    /// Opens a connection on a new dedicated thread (the pool's job; users lease one).
    /// - Throws: `PostgresError` with code `.connectionFailed` and libpq's reason.
    static func connect(settings: PostgresConnectionSettings, logger: Logger) async throws -> PostgresConnection {
        let connection = PostgresConnection(executor: DedicatedThreadExecutor(name: "strokepath-postgres"), logger: logger)
        try await connection.onOwnThread { () throws(PostgresError) in try connection.open(settings) }
        return connection
    }

    private init(executor: DedicatedThreadExecutor, logger: Logger) {
        self.executor = executor
        self.notices = NoticeSink(logger: logger)
    }

    deinit {
        executor.shutdown()
    }

    private func open(_ settings: PostgresConnectionSettings) throws(PostgresError) {
        let pairs = settings.orderedPairs + [(keyword: "client_encoding", value: "UTF8")]
        let keywords = pairs.map { strdup($0.keyword) }
        let values = pairs.map { strdup($0.value) }
        defer {
            for keyword in keywords { free(keyword) }
            for value in values { free(value) }
        }
        let raw = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { keywordArray in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { valueArray in
                PQconnectdbParams(keywordArray.baseAddress, valueArray.baseAddress, 1)
            }
        }
        guard let raw else { throw PostgresError(code: .connectionFailed, message: "out of memory") }
        guard PQstatus(raw) == CONNECTION_OK else {
            var error = LibPQResult.connectionError(raw)
            error.code = .connectionFailed
            PQfinish(raw)
            throw error
        }
        owner = ConnectionHandle(raw)
        notices.install(on: raw)
        cancelHandle.install(PQgetCancel(raw))
    }

    /// Runs one statement with its parameters (extended protocol, binary results).
    /// - Parameter prepared: prepare the statement once per connection and reuse it.
    @discardableResult
    public func query(_ query: PostgresQuery, prepared: Bool = false) async throws -> PostgresRows {
        // The common case, inside a lease on this connection's thread, runs with no closure
        // context to build and no hop.
        if executor.isCurrentThread && !Task.isCancelled {
            return try runMarked { () throws(PostgresError) in try execute(query, prepared: prepared) }
        }
        return try await onOwnThread { () throws(PostgresError) in try self.execute(query, prepared: prepared) }
    }

    private func execute(_ query: borrowing PostgresQuery, prepared: Bool) throws(PostgresError) -> PostgresRows {
        let connection = try liveHandle()
        if let error = query.bindings.encodingError { throw error }
        let name = prepared ? try preparedName(for: query, connection: connection) : nil
        let raw = query.bindings.withParameters { count, types, values, lengths, formats in
            if let name {
                PQexecPrepared(connection, name, count, values, lengths, formats, 1)
            } else {
                PQexecParams(connection, query.sql, count, types, values, lengths, formats, 1)
            }
        }
        let result = try LibPQResult(raw, connection: connection)
        _ = try result.check(connection: connection)
        return result.rows()
    }

    /// Runs trusted SQL text that may hold several statements (simple protocol, no
    /// parameters). Meant for migrations and fixed maintenance commands, never for input.
    public func runScript(trustedSQL sql: String) async throws {
        try await onOwnThread { () throws(PostgresError) in
            let connection = try self.liveHandle()
            let result = try LibPQResult(PQexec(connection, sql), connection: connection)
            _ = try result.check(connection: connection)
        }
    }

    /// Streams data into `COPY … FROM STDIN`.
    ///
    /// - Parameters:
    ///   - query: a `COPY table (columns) FROM STDIN …` statement.
    ///   - body: writes the data; if it throws, the COPY is aborted and nothing is stored.
    /// - Returns: the number of rows copied.
    public func copyFrom(
        _ query: PostgresQuery,
        _ body: (PostgresCopyWriter) async throws -> Void
    ) async throws -> Int {
        let started = try await onOwnThread { () throws(PostgresError) in
            let connection = try self.liveHandle()
            let raw = query.bindings.withParameters { count, types, values, lengths, formats in
                PQexecParams(connection, query.sql, count, types, values, lengths, formats, 0)
            }
            return try LibPQResult(raw, connection: connection).check(connection: connection) == PGRES_COPY_IN
        }
        guard started else {
            throw PostgresError(code: .unexpectedResult, message: "statement did not start COPY FROM STDIN")
        }
        do {
            try await body(PostgresCopyWriter(connection: self))
        } catch {
            _ = try? await onOwnThread { () throws(PostgresError) in try self.finishCopy(abortReason: "aborted by client") }
            throw error
        }
        return try await onOwnThread { () throws(PostgresError) in try self.finishCopy(abortReason: nil) }
    }

    fileprivate func putCopyData(_ bytes: [UInt8]) async throws {
        try await onOwnThread { () throws(PostgresError) in
            let connection = try self.liveHandle()
            let sent = bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { PQputCopyData(connection, $0.baseAddress, Int32(buffer.count)) }
            }
            guard sent == 1 else { throw LibPQResult.connectionError(connection) }
        }
    }

    private func finishCopy(abortReason: String?) throws(PostgresError) -> Int {
        let connection = try liveHandle()
        guard PQputCopyEnd(connection, abortReason) == 1 else { throw LibPQResult.connectionError(connection) }
        var firstError: PostgresError?
        var copied = 0
        while let raw = PQgetResult(connection) {
            let result = try LibPQResult(raw, connection: connection)
            do {
                _ = try result.check(connection: connection)
                copied = result.rows().affectedRows
            } catch {
                firstError = firstError ?? error
            }
        }
        if let firstError { throw firstError }
        return copied
    }

    /// True if the connection can be handed to the next user: connected, outside any
    /// transaction, and with nothing waiting on its socket (a terminated backend leaves
    /// an error message and a closed socket there).
    func isReusable() async -> Bool {
        (try? await onOwnThread { () throws(PostgresError) in
            guard let handle = self.handle, PQstatus(handle) == CONNECTION_OK,
                PQtransactionStatus(handle) == PQTRANS_IDLE
            else { return false }
            // An idle connection has nothing to read unless the server spoke unasked,
            // which here means it is ending the session: such a connection is not reused.
            var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
            return poll(&descriptor, 1, 0) == 0
        }) ?? false
    }

    /// Undoes session state a user may have left: settings, role, cursors, listens,
    /// advisory locks, temporary tables. Prepared statements are kept for reuse.
    func resetSession() async throws {
        try await runScript(
            trustedSQL: """
                CLOSE ALL; RESET ALL; RESET ROLE; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES
                """)
    }

    /// Closes the connection; later calls fail with `.connectionClosed`.
    func close() async {
        _ = try? await onOwnThread { () throws(PostgresError) in
            self.cancelHandle.install(nil)
            self.owner = nil
        }
    }

    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw PostgresError(code: .connectionClosed, message: "connection is closed") }
        return handle
    }

    private struct PreparedKey: Hashable {
        var sql: String
        var types: [PostgresDataType]
    }

    private func preparedName(for query: borrowing PostgresQuery, connection: OpaquePointer) throws(PostgresError) -> String {
        let key = PreparedKey(sql: query.sql, types: query.bindings.types)
        if let name = preparedNames[key] { return name }
        let name = "strokepath_\(preparedNames.count + 1)"
        let types = key.types.map(\.oid)
        let raw = PQprepare(connection, name, query.sql, Int32(types.count), types)
        _ = try LibPQResult(raw, connection: connection).check(connection: connection)
        preparedNames[key] = name
        return name
    }

    /// Runs blocking libpq work on the connection's own thread: directly when the caller is
    /// already there (inside a pool lease, which watches for cancellation), else after a hop,
    /// watching for cancellation itself. A cancelled task's running query gets `PQcancel`.
    private func onOwnThread<Result: Sendable>(
        _ work: () throws(PostgresError) -> Result
    ) async throws -> Result {
        if Task.isCancelled { throw PostgresError(code: .queryCancelled, message: "task was cancelled") }
        if executor.isCurrentThread { return try runMarked(work) }
        let cancel = cancelHandle
        return try await withTaskCancellationHandler {
            try await withTaskExecutorPreference(executor) { try runMarked(work) }
        } onCancel: {
            cancel.fire()
        }
    }

    private func runMarked<Result>(_ work: () throws(PostgresError) -> Result) throws(PostgresError) -> Result {
        guard executor.isCurrentThread else {
            throw PostgresError(code: .unexpectedResult, message: "libpq call off the connection's thread")
        }
        cancelHandle.setQueryRunning(true)
        defer { cancelHandle.setQueryRunning(false) }
        return try work()
    }

    /// Asks the server to stop the query running on this connection, if any.
    func cancelRunningQuery() {
        cancelHandle.fire()
    }
}

/// Owns a `PGconn` and finishes it exactly once, when the last reference goes.
private final class ConnectionHandle {
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { PQfinish(raw) }
}

/// Writes data into a running `COPY … FROM STDIN`.
public struct PostgresCopyWriter: Sendable {
    let connection: PostgresConnection

    /// Sends bytes (rows in the COPY's format) to the server.
    public func write(_ bytes: [UInt8]) async throws {
        try await connection.putCopyData(bytes)
    }
}
