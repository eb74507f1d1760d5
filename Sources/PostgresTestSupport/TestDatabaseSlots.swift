import Foundation

/// How many test databases exist at once. Swift Testing runs every test in parallel; each
/// database test opens pools (the test's and the server's), and without a bound a full run
/// reached the cluster's `max_connections` on a loaded machine. A test waits for a slot, so
/// the bound costs waiting, never a failure. `STROKEPATH_TEST_DATABASES` overrides it.
actor TestDatabaseSlots {
    static let shared = TestDatabaseSlots(
        count: ProcessInfo.processInfo.environment["STROKEPATH_TEST_DATABASES"].flatMap(Int.init).map { max(1, $0) } ?? 8)

    /// Whether the current task holds a slot already.
    @TaskLocal static var holding = false

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { free = count }

    func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
