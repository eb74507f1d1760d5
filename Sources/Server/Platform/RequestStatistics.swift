import Synchronization

/// Request counts by status class and latency percentiles per minute, for the last
/// `minutes` minutes, kept in memory for the status page. (Prometheus at `/metrics` is the
/// record for monitoring systems; this is for a person looking at the service.)
final class RequestStatistics: Sendable {
    /// One minute of requests.
    struct Minute: Sendable, Equatable {
        /// Whole minutes since the Unix epoch.
        let index: Int
        var countsByClass: [Int] = [0, 0, 0, 0, 0]
        /// Latencies in milliseconds (at most `samplesPerMinute`, the first ones).
        var latencies: [Double] = []

        /// The requested percentile (0–100) of this minute's latencies.
        func percentile(_ p: Double) -> Double? {
            guard !latencies.isEmpty else { return nil }
            let sorted = latencies.sorted()
            let rank = Int((p / 100 * Double(sorted.count - 1)).rounded())
            return sorted[min(max(rank, 0), sorted.count - 1)]
        }
    }

    private let minutes: Int
    private let samplesPerMinute = 5_000
    private let state = Mutex<[Minute]>([])
    private let now: @Sendable () -> Double

    /// - Parameters:
    ///   - minutes: how many minutes to keep.
    ///   - now: seconds since the Unix epoch (a test may pass its own clock).
    init(minutes: Int = 30, now: @escaping @Sendable () -> Double) {
        self.minutes = minutes
        self.now = now
    }

    func record(status: Int, duration: Duration) {
        let minute = Int(now() / 60)
        let statusClass = min(max(status / 100 - 1, 0), 4)
        state.withLock { window in
            if window.last?.index != minute {
                window.append(Minute(index: minute))
                window.removeAll { $0.index <= minute - minutes }
            }
            let last = window.count - 1
            window[last].countsByClass[statusClass] += 1
            if window[last].latencies.count < samplesPerMinute {
                window[last].latencies.append(duration.milliseconds)
            }
        }
    }

    /// The current minute, as whole minutes since the Unix epoch.
    var currentMinute: Int { Int(now() / 60) }

    /// The minutes with requests, oldest first.
    var window: [Minute] {
        let current = currentMinute
        return state.withLock { $0.filter { $0.index > current - minutes } }
    }
}
