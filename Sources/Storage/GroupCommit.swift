import Synchronization

/// Group commit: callers submit items and wait for their own outcome, but items that arrive
/// while a batch is being written share the next batch (one transaction, one WAL flush).
///
/// No background task: the first caller to find a batch slot free writes its own item (the
/// leader); callers arriving meanwhile queue, and a leader hands the whole queue to the first
/// of them when it is done. `write` gets a batch and returns one outcome per item, in order.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    typealias Writer = @Sendable ([Item]) async -> [Result<Output, any Error>]

    private struct Waiter {
        var item: Item
        var continuation: CheckedContinuation<Turn, any Error>
    }

    private enum Turn {
        /// Another leader wrote the item.
        case done(Output)
        /// The caller now leads, writing its own item and those of `followers`.
        case lead(followers: [Waiter])
    }

    private struct State {
        var batchesInFlight = 0
        var queue: [Waiter] = []
    }

    private let state = Mutex(State())
    private let concurrentBatches: Int
    private let write: Writer

    /// - Parameters:
    ///   - concurrentBatches: batches written at once; callers queue only when all are busy.
    init(concurrentBatches: Int = 2, write: @escaping Writer) {
        self.concurrentBatches = max(1, concurrentBatches)
        self.write = write
    }

    /// Writes `item` (in some batch) and returns its outcome.
    func submit(_ item: Item) async throws -> Output {
        let turn = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Turn, any Error>) in
            let leads = state.withLock { state in
                guard state.batchesInFlight < concurrentBatches else {
                    state.queue.append(Waiter(item: item, continuation: continuation))
                    return false
                }
                state.batchesInFlight += 1
                return true
            }
            if leads { continuation.resume(returning: .lead(followers: [])) }
        }
        switch turn {
        case .done(let output):
            return output
        case .lead(let followers):
            return try await lead(own: item, followers: followers).get()
        }
    }

    private func lead(own: Item, followers: [Waiter]) async -> Result<Output, any Error> {
        let outcomes = await write([own] + followers.map(\.item))
        for (index, follower) in followers.enumerated() {
            let outcome = index + 1 < outcomes.count ? outcomes[index + 1] : .failure(MissingOutcome())
            follower.continuation.resume(with: outcome.map { .done($0) })
        }
        let next = state.withLock { state -> (leader: Waiter, followers: [Waiter])? in
            guard !state.queue.isEmpty else {
                state.batchesInFlight -= 1
                return nil
            }
            let leader = state.queue.removeFirst()
            defer { state.queue = [] }
            return (leader, state.queue)
        }
        if let next { next.leader.continuation.resume(returning: .lead(followers: next.followers)) }
        return outcomes.first ?? .failure(MissingOutcome())
    }

    /// The writer returned fewer outcomes than items (a programming error, reported, not trapped).
    struct MissingOutcome: Error {}
}
