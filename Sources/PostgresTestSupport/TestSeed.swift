import Foundation
import Logging

/// The seed of a randomised test, logged so that a failure can be replayed:
/// `STROKEPATH_TEST_SEED=<seed> ops/test --filter <test>` runs the same random mix again.
/// The tests also name the seed in their failure messages.
public enum TestSeed {
    /// `STROKEPATH_TEST_SEED` when set, else a fresh seed; logged with `test`'s name either way.
    public static func make(_ test: String) -> UInt64 {
        let seed = ProcessInfo.processInfo.environment["STROKEPATH_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 0...UInt64.max)
        TestDatabase.logger.warning("\(test): seed \(seed) (replay: STROKEPATH_TEST_SEED=\(seed) ops/test --filter \(test))")
        return seed
    }
}
