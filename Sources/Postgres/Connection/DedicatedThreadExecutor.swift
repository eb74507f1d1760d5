import DequeModule
import Foundation

/// A task executor backed by one OS thread of its own.
///
/// Each pooled connection runs its blocking libpq calls here, never on Swift's cooperative
/// thread pool. A task that holds a connection prefers this executor, so its nonisolated
/// code runs here too and calls libpq without hopping between threads.
final class DedicatedThreadExecutor: TaskExecutor, @unchecked Sendable {
    // Invariant: `jobs` and `stopping` are read and written only while `condition` is locked.
    private let condition = NSCondition()
    private var jobs = Deque<UnownedJob>()
    private var stopping = false

    /// Starts the thread. It runs until `shutdown()` and the queue has drained.
    init(name: String) {
        let thread = Thread { [self] in self.runLoop() }
        thread.name = name
        thread.start()
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Lets the thread end once the jobs already queued have run.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    /// True when called on this executor's thread.
    var isCurrentThread: Bool {
        pthread_getspecific(Self.currentExecutorKey) == Unmanaged.passUnretained(self).toOpaque()
    }

    /// Each executor thread stores its executor here, so `isCurrentThread` is one load.
    private static let currentExecutorKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    private func runLoop() {
        pthread_setspecific(Self.currentExecutorKey, Unmanaged.passUnretained(self).toOpaque())
        while let job = nextJob() {
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }

    private func nextJob() -> UnownedJob? {
        condition.lock()
        defer { condition.unlock() }
        while jobs.isEmpty && !stopping {
            condition.wait()
        }
        return jobs.popFirst()
    }
}
