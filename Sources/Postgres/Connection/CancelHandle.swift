import CLibPQ
import Synchronization

/// libpq's cancel object for one connection. `PQcancel` is safe from any thread, so a task
/// cancellation handler can stop the query that the connection's own thread is blocked in.
final class CancelHandle: Sendable {
    private struct State: @unchecked Sendable {
        // PGcancel* is owned here and freed once, in deinit.
        var pointer: OpaquePointer?
        var queryRunning = false
    }

    private let state = Mutex(State())

    /// Takes ownership of a `PGcancel` (freeing any earlier one); nil drops it.
    func install(_ pointer: OpaquePointer?) {
        state.withLock { state in
            if let old = state.pointer { PQfreeCancel(old) }
            state.pointer = pointer
        }
    }

    func setQueryRunning(_ running: Bool) {
        state.withLock { $0.queryRunning = running }
    }

    /// Asks the server to cancel the running query, if one is running.
    func fire() {
        state.withLock { state in
            guard state.queryRunning, let pointer = state.pointer else { return }
            var buffer = [CChar](repeating: 0, count: 256)
            _ = PQcancel(pointer, &buffer, Int32(buffer.count))
        }
    }

    deinit {
        state.withLock { state in
            if let pointer = state.pointer { PQfreeCancel(pointer) }
        }
    }
}
