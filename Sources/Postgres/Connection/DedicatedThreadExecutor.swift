import DequeModule
import Foundation

/// A serial executor backed by one OS thread of its own.
///
/// Each pooled connection runs its blocking libpq calls here, never on Swift's cooperative
/// thread pool. It is also a `TaskExecutor`, so a task that holds a connection can prefer
/// this thread and call the connection without hopping between threads.
final class DedicatedThreadExecutor: SerialExecutor, TaskExecutor, @unchecked Sendable {
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

    func asUnownedSerialExecutor() -> UnownedSerialExecutor {
        UnownedSerialExecutor(ordinary: self)
    }

    /// Lets the thread end once the jobs already queued have run.
    func shutdown() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func runLoop() {
        while let job = nextJob() {
            job.runSynchronously(isolatedTo: asUnownedSerialExecutor(), taskExecutor: asUnownedTaskExecutor())
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
