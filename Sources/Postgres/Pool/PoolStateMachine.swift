import DequeModule

/// The pool's bookkeeping, free of I/O so it can be tested alone: which connections are
/// idle, how many exist (open or opening), who waits. The pool mutates it under its lock
/// and performs the returned action outside the lock.
struct PoolStateMachine<Connection: AnyObject, Waiter> {
    enum LeaseAction {
        /// Use this idle connection.
        case use(Connection)
        /// A slot is reserved: open a new connection for this request.
        case open
        /// Wait; a release will hand a connection over.
        case wait
        /// The pool is closed.
        case fail
    }

    enum ReleaseAction {
        case none
        /// Give the connection to the waiter.
        case handOver(Connection, to: Waiter)
        /// Close the connection.
        case close(Connection)
        /// Close the connection and open a replacement for the waiter.
        case closeAndOpen(Connection, for: Waiter)
    }

    let maximumConnections: Int
    /// Idle connections with the time each came back, oldest first; leases take the newest.
    private(set) var idle: [(connection: Connection, since: ContinuousClock.Instant)] = []
    /// Open connections plus connections being opened.
    private(set) var total = 0
    private(set) var waiters = Deque<(id: Int, waiter: Waiter)>()
    private(set) var isClosed = false

    init(maximumConnections: Int) {
        self.maximumConnections = max(1, maximumConnections)
    }

    /// Connections handed out and not yet returned (including ones being opened).
    var leased: Int { total - idle.count }

    /// `ahead` puts the waiter before those already waiting (for work that completes requests
    /// already under way, so they are not starved by new ones).
    mutating func lease(id: Int, waiter: Waiter, ahead: Bool = false) -> LeaseAction {
        if isClosed { return .fail }
        if let newest = idle.popLast() { return .use(newest.connection) }
        if total < maximumConnections {
            total += 1
            return .open
        }
        if ahead {
            waiters.prepend((id, waiter))
        } else {
            waiters.append((id, waiter))
        }
        return .wait
    }

    /// A leased connection comes back at `now`; `reusable` says whether it passed its checks.
    mutating func release(_ connection: Connection, reusable: Bool, now: ContinuousClock.Instant) -> ReleaseAction {
        if isClosed {
            total -= 1
            return .close(connection)
        }
        guard reusable else {
            total -= 1
            guard let next = waiters.popFirst() else { return .close(connection) }
            total += 1
            return .closeAndOpen(connection, for: next.waiter)
        }
        if let next = waiters.popFirst() { return .handOver(connection, to: next.waiter) }
        idle.append((connection, now))
        return .none
    }

    /// Takes out the connections idle since before `cutoff`, for closing.
    mutating func removeIdle(since cutoff: ContinuousClock.Instant) -> [Connection] {
        let stale = idle.prefix { $0.since < cutoff }.map(\.connection)
        idle.removeFirst(stale.count)
        total -= stale.count
        return stale
    }

    /// Opening a connection failed; its slot is free again. Returns a waiter for whom a new
    /// attempt should be made (so waiters learn of the failure instead of timing out).
    mutating func openFailed() -> Waiter? {
        total -= 1
        guard !isClosed, let next = waiters.popFirst() else { return nil }
        total += 1
        return next.waiter
    }

    /// Removes a waiter that timed out or was cancelled; nil if it was already served.
    mutating func removeWaiter(id: Int) -> Waiter? {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
        return waiters.remove(at: index).waiter
    }

    /// Closes the pool: returns the idle connections to close and the waiters to fail.
    mutating func close() -> (idle: [Connection], waiters: [Waiter]) {
        isClosed = true
        let closing = idle.map(\.connection)
        total -= idle.count
        idle = []
        let failing = waiters.map(\.waiter)
        waiters = []
        return (closing, failing)
    }
}
