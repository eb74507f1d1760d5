import CLibPQ
import Foundation
public import Logging

/// One libpq connection, run on a thread of its own.
///
/// Every libpq call on the connection happens inside this actor, whose executor is a
/// dedicated OS thread, so blocking calls never stall Swift's cooperative pool. Get one from
/// `PostgresPool.withConnection`; the pool guarantees one user at a time.
public actor PostgresConnection {
    /// The thread this connection's libpq calls run on.
    nonisolated let executor: DedicatedThreadExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    private var owner: ConnectionHandle?
    private var handle: OpaquePointer? { owner?.raw }
    private let cancelHandle = CancelHandle()
    private let notices: NoticeSink
    private var preparedNames: [String: String] = [:]
    private let logger: Logger

    /// Opens a connection on a new dedicated thread.
    /// - Throws: `PostgresError` with code `.connectionFailed` and libpq's reason.
    public static func connect(
        settings: PostgresConnectionSettings,
        logger: Logger,
        threadName: String = "postgres"
    ) async throws -> PostgresConnection {
        let connection = PostgresConnection(executor: DedicatedThreadExecutor(name: threadName), logger: logger)
        try await connection.open(settings)
        return connection
    }

    private init(executor: DedicatedThreadExecutor, logger: Logger) {
        self.executor = executor
        self.logger = logger
        self.notices = NoticeSink(logger: logger)
    }

    deinit {
        executor.shutdown()
    }

    private func open(_ settings: PostgresConnectionSettings) throws(PostgresError) {
        let pairs = settings.orderedPairs + [
            (keyword: "client_encoding", value: "UTF8"),
        ]
        let keywords = pairs.map { strdup($0.keyword) }
        let values = pairs.map { strdup($0.value) }
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
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
        try await cancellable { () throws(PostgresError) in
            let connection = try self.liveHandle()
            if let error = query.bindings.encodingError { throw error }
            let name = prepared ? try self.preparedName(for: query, connection: connection) : nil
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
    }

    /// Runs trusted SQL text that may hold several statements (simple protocol, no
    /// parameters). Meant for migrations and fixed maintenance commands, never for input.
    public func runScript(trustedSQL sql: String) async throws {
        try await cancellable { () throws(PostgresError) in
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
        let connection = try liveHandle()
        let started = try await cancellable { () throws(PostgresError) in
            let raw = query.bindings.withParameters { count, types, values, lengths, formats in
                PQexecParams(connection, query.sql, count, types, values, lengths, formats, 0)
            }
            let result = try LibPQResult(raw, connection: connection)
            return try result.check(connection: connection) == PGRES_COPY_IN
        }
        guard started else {
            throw PostgresError(code: .unexpectedResult, message: "statement did not start COPY FROM STDIN")
        }
        do {
            try await body(PostgresCopyWriter(connection: self))
        } catch {
            _ = try? finishCopy(connection: connection, abortReason: "aborted by client")
            throw error
        }
        return try finishCopy(connection: connection, abortReason: nil)
    }

    func putCopyData(_ bytes: UnsafeRawBufferPointer) throws(PostgresError) {
        let connection = try liveHandle()
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, Int(Int32.max))
            let sent = PQputCopyData(connection, base.advanced(by: offset).assumingMemoryBound(to: CChar.self), Int32(chunk))
            guard sent == 1 else { throw LibPQResult.connectionError(connection) }
            offset += chunk
        }
    }

    private func finishCopy(connection: OpaquePointer, abortReason: String?) throws(PostgresError) -> Int {
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
    func isReusable() -> Bool {
        guard let handle, PQstatus(handle) == CONNECTION_OK, PQtransactionStatus(handle) == PQTRANS_IDLE else {
            return false
        }
        // An idle connection has nothing to read unless the server spoke unasked, which
        // here means it is shutting the session down: such a connection is not reused.
        var descriptor = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) == 0
    }

    /// Undoes session state a user may have left: settings, role, cursors, listens,
    /// advisory locks, temporary tables. Prepared statements are kept for reuse.
    func resetSession() async throws {
        try await runScript(trustedSQL: """
            CLOSE ALL; RESET ALL; RESET ROLE; UNLISTEN *; SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES
            """)
    }

    /// Closes the connection now; later calls fail with `.connectionClosed`.
    public func close() {
        cancelHandle.install(nil)
        owner = nil
    }

    /// The backend process id, as `pg_backend_pid()` reports it.
    public func backendPID() -> Int32 {
        handle.map { PQbackendPID($0) } ?? 0
    }

    private func liveHandle() throws(PostgresError) -> OpaquePointer {
        guard let handle else { throw PostgresError(code: .connectionClosed, message: "connection is closed") }
        return handle
    }

    private func preparedName(for query: PostgresQuery, connection: OpaquePointer) throws(PostgresError) -> String {
        let key = query.bindings.types.map { String($0.oid) }.joined(separator: ",") + ":" + query.sql
        if let name = preparedNames[key] { return name }
        let name = "strokepath_\(preparedNames.count + 1)"
        let types = query.bindings.types.map(\.oid)
        let raw = PQprepare(connection, name, query.sql, Int32(types.count), types)
        _ = try LibPQResult(raw, connection: connection).check(connection: connection)
        preparedNames[key] = name
        return name
    }

    /// Runs a blocking libpq call so that cancelling the task sends `PQcancel`.
    private func cancellable<Result: Sendable>(
        _ body: () throws(PostgresError) -> Result
    ) async throws -> Result {
        if Task.isCancelled { throw PostgresError(code: .queryCancelled, message: "task was cancelled") }
        let cancel = cancelHandle
        return try await withTaskCancellationHandler {
            cancel.setQueryRunning(true)
            defer { cancel.setQueryRunning(false) }
            return try body()
        } onCancel: {
            cancel.fire()
        }
    }
}

/// Owns a `PGconn` and finishes it exactly once, when the last reference goes.
private final class ConnectionHandle: @unchecked Sendable {
    // Invariant: used only by the owning PostgresConnection, on its executor.
    let raw: OpaquePointer

    init(_ raw: OpaquePointer) { self.raw = raw }

    deinit { PQfinish(raw) }
}

/// Writes data into a running `COPY … FROM STDIN`.
public struct PostgresCopyWriter: Sendable {
    let connection: PostgresConnection

    /// Sends bytes (rows in the COPY's format) to the server.
    public func write(_ bytes: [UInt8]) async throws {
        try await connection.putCopyBytes(bytes)
    }
}

extension PostgresConnection {
    fileprivate func putCopyBytes(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try putCopyData($0) }
    }
}
