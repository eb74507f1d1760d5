import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// A bounded pool of `PostgresConnection`s, run as a `ServiceLifecycle.Service`.
///
/// Connections open on demand up to `maximumConnections`. A request that finds none free
/// waits up to `leaseTimeout`, then fails with `.poolTimeout`. Before a connection is lent
/// it is checked (connected, idle, nothing unexpected on its socket); after use it is
/// checked again and, if it was lent raw, its session state is reset. Broken ones are
/// closed and replaced. `run()` closes connections idle longer than `idleTimeout`, and closes
/// the pool on graceful shutdown. `statistics` and the wait observer feed the service's metrics.
public final class PostgresPool: Service, Sendable {
    /// Pool limits.
    public struct Configuration: Sendable {
        /// Most connections open at once.
        public var maximumConnections: Int
        /// Longest wait for a free connection.
        public var leaseTimeout: Duration
        /// A connection idle this long is closed by `run()`.
        public var idleTimeout: Duration

        /// - Parameters:
        ///   - maximumConnections: at most this many connections (default 10).
        ///   - leaseTimeout: wait at most this long for one (default 10 s).
        ///   - idleTimeout: close connections idle this long (default 60 s).
        public init(maximumConnections: Int = 10, leaseTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60)) {
            self.maximumConnections = maximumConnections
            self.leaseTimeout = leaseTimeout
            self.idleTimeout = idleTimeout
        }
    }

    /// A snapshot of the pool's use.
    public struct Statistics: Sendable {
        public var open: Int
        public var idle: Int
        public var waiting: Int
        public var maximum: Int
    }

    private typealias Waiter = CheckedContinuation<PostgresConnection, any Error>

    private struct State {
        var machine: PoolStateMachine<PostgresConnection, Waiter>
        var nextWaiterID = 0
    }

    private let settings: PostgresConnectionSettings
    private let configuration: Configuration
    private let logger: Logger
    private let state: Mutex<State>
    private let observeWait: @Sendable (Duration) -> Void

    /// A pool that connects with `settings`; nothing connects until first use. `observeWait` is
    /// told how long each caller waited for its connection (opening one included).
    public init(
        settings: PostgresConnectionSettings, configuration: Configuration = .init(), logger: Logger,
        observeWait: @escaping @Sendable (Duration) -> Void = { _ in }
    ) {
        self.settings = settings
        self.configuration = configuration
        self.logger = logger
        self.observeWait = observeWait
        state = Mutex(State(machine: PoolStateMachine(maximumConnections: configuration.maximumConnections)))
    }

    /// Runs `body` with a new pool and closes the pool afterwards, whatever happens; for
    /// short-lived users such as CLI commands and tests (a service runs the pool instead).
    @discardableResult
    public static func withPool<Result>(
        settings: PostgresConnectionSettings,
        configuration: Configuration = .init(),
        logger: Logger,
        _ body: (PostgresPool) async throws -> Result
    ) async throws -> Result {
        let pool = PostgresPool(settings: settings, configuration: configuration, logger: logger)
        do {
            let result = try await body(pool)
            await pool.close()
            return result
        } catch {
            await pool.close()
            throw error
        }
    }

    /// Lends a connection for the duration of `body`, then resets its session state
    /// (settings, role, cursors, listens, advisory locks, temporary tables) and returns it.
    ///
    /// When called from nonisolated code, `body` runs on the connection's own thread, so
    /// its queries need no thread hop.
    public func withConnection<Result>(
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withLease(resetSession: true, urgent: false, isolation: isolation, body)
    }

    /// Runs one statement on a pooled connection. The session is not reset afterwards, so
    /// the statement must not change session state (`SET`, `LISTEN`, advisory locks): use
    /// `withConnection` for those. Several statements in a row are cheaper in one lease.
    /// `urgent` puts the statement ahead of every caller waiting for a connection: for work
    /// that completes requests already under way (their audit records), so new requests
    /// cannot starve it.
    @discardableResult
    public func query(_ query: PostgresQuery, prepared: Bool = false, urgent: Bool = false) async throws -> PostgresRows {
        try await withLease(resetSession: false, urgent: urgent, isolation: nil) { connection in
            try await connection.query(query, prepared: prepared)
        }
    }

    /// The pool's current use.
    public var statistics: Statistics {
        state.withLock { state in
            Statistics(
                open: state.machine.total,
                idle: state.machine.idle.count,
                waiting: state.machine.waiters.count,
                maximum: state.machine.maximumConnections
            )
        }
    }

    /// Until graceful shutdown (or cancellation): every few seconds closes connections
    /// idle longer than `idleTimeout`. Then closes the pool.
    public func run() async throws {
        let interval = min(configuration.idleTimeout / 4, .seconds(5))
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                await self.maintain()
            }
        }
        await close()
    }

    /// Closes connections idle too long (as of `now`).
    func maintain(now: ContinuousClock.Instant = .now) async {
        let stale = state.withLock { $0.machine.removeIdle(since: now - configuration.idleTimeout) }
        for connection in stale {
            await connection.close()
        }
    }

    /// Closes idle connections, fails waiters, and closes leased connections when they
    /// come back. Later requests fail with `.poolClosed`.
    public func close() async {
        let (idle, waiters) = state.withLock { $0.machine.close() }
        for waiter in waiters {
            waiter.resume(throwing: PostgresError(code: .poolClosed))
        }
        for connection in idle {
            await connection.close()
        }
    }

    func withLease<Result>(
        resetSession: Bool,
        urgent: Bool,
        isolation: isolated (any Actor)?,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let asked = ContinuousClock.now
        var waited = false
        while true {
            let connection: PostgresConnection
            do {
                connection = try await lease(urgent: urgent)
            } catch {
                // A wait that ended in a timeout or a failed connect is the one that matters most.
                if !waited { observeWait(.now - asked) }
                throw error
            }
            if !waited { observeWait(.now - asked) }
            waited = true
            let outcome: LeaseOutcome<Result> = try await withTaskCancellationHandler {
                try await withTaskExecutorPreference(connection.executor, isolation: isolation) {
                    guard await connection.isReusable() else { return .stale }
                    let result: Result
                    do {
                        result = try await body(connection)
                    } catch {
                        await self.giveBack(connection, resetSession: resetSession)
                        throw error
                    }
                    await self.giveBack(connection, resetSession: resetSession)
                    return .done(result)
                }
            } onCancel: {
                connection.cancelRunningQuery()
            }
            switch outcome {
            case .done(let result):
                return result
            case .stale:
                logger.debug("discarding a broken database connection")
                releaseAction(state.withLock { $0.machine.release(connection, reusable: false, now: .now) })
            }
        }
    }

    private enum LeaseOutcome<Result> {
        case done(Result)
        case stale
    }

    private func giveBack(_ connection: PostgresConnection, resetSession: Bool) async {
        var reusable = await connection.isReusable()
        if reusable && resetSession {
            do {
                try await connection.resetSession()
            } catch {
                reusable = false
            }
        }
        releaseAction(state.withLock { $0.machine.release(connection, reusable: reusable, now: .now) })
    }

    private func releaseAction(_ action: PoolStateMachine<PostgresConnection, Waiter>.ReleaseAction) {
        switch action {
        case .none:
            break
        case .handOver(let connection, let waiter):
            waiter.resume(returning: connection)
        case .close(let connection):
            Task { await connection.close() }
        case .closeAndOpen(let connection, let waiter):
            Task { await connection.close() }
            openConnection(for: waiter)
        }
    }

    private func lease(urgent: Bool) async throws -> PostgresConnection {
        try Task.checkCancellation()
        let waiterID = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: Waiter) in
                switch state.withLock({ $0.machine.lease(id: waiterID, waiter: continuation, ahead: urgent) }) {
                case .use(let connection):
                    continuation.resume(returning: connection)
                case .open:
                    openConnection(for: continuation)
                case .wait:
                    scheduleTimeout(for: waiterID)
                case .fail:
                    continuation.resume(throwing: PostgresError(code: .poolClosed))
                }
            }
        } onCancel: {
            state.withLock { $0.machine.removeWaiter(id: waiterID) }?.resume(throwing: CancellationError())
        }
    }

    private func scheduleTimeout(for waiterID: Int) {
        let timeout = configuration.leaseTimeout
        Task { [weak self] in
            try? await Task.sleep(for: timeout)
            guard let self else { return }
            let waiter = state.withLock { $0.machine.removeWaiter(id: waiterID) }
            waiter?.resume(
                throwing: PostgresError(
                    code: .poolTimeout,
                    message: "no connection free within \(timeout) (pool of \(configuration.maximumConnections))"
                ))
        }
    }

    private func openConnection(for waiter: Waiter) {
        Task {
            do {
                waiter.resume(returning: try await PostgresConnection.connect(settings: settings, logger: logger))
            } catch {
                logger.warning("could not open a database connection", metadata: ["error": "\(error)"])
                waiter.resume(throwing: error)
                if let next = state.withLock({ $0.machine.openFailed() }) {
                    openConnection(for: next)
                }
            }
        }
    }
}
