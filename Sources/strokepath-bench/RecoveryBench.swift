import ArgumentParser
import Dispatch
import Foundation
import ProtocolLibrary
import Recovery

/// Per-operation times of the recovery model on the shared reference cases.
struct RecoveryBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract:
            "Times one simulation to the horizon (one thread), one fit, a band sampled until its edges are stable (both cores), a what-if on the accepted sets and a whole projection."
    )

    @Option(help: "The reference cases (bench/recovery/cases.json).") var cases: String
    @Option(help: "The Protocols folder.") var protocols: String
    @Option(help: "Seconds per measurement.") var seconds = 2.0

    struct Cases: Decodable {
        struct Case: Decodable {
            var kind: String
            var params: RecoveryParameters?
            var paramsBase: RecoveryParameters?
            var schedule: [DoseSegment]
            var tObs: [Double]?
            var yObs: [Double]?
        }

        var cases: [Case]
    }

    func run() async throws {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .custom { keys in
            let key = keys.last?.stringValue ?? ""
            let renamed = ["params_base": "paramsBase", "t_obs": "tObs", "y_obs": "yObs"][key] ?? key
            return Key(renamed)
        }
        let all = try decoder.decode(Cases.self, from: Data(contentsOf: URL(fileURLWithPath: cases))).cases
        let loaded = try ProtocolLibrary(directory: URL(fileURLWithPath: protocols)).recovery()
        let simulations = try all.compactMap { item -> RecoveryModel? in
            guard let params = item.params else { return nil }
            return try RecoveryModel(params, schedule: DoseSchedule(item.schedule))
        }
        let fitters = try all.compactMap { item -> RecoveryFitter? in
            guard let base = item.paramsBase, let days = item.tObs, let scores = item.yObs else { return nil }
            return loaded.fitter(
                base: base, schedule: try DoseSchedule(item.schedule), observations: try loaded.observations(days: days, scores: scores),
                recoveryClass: .standard)
        }
        var sink = 0.0
        let simulation = measure { index in sink += simulations[index % simulations.count].functionScores(days: loaded.horizon)[90] }
        report(String(format: "simulation (%d days, one thread, one-day RK4 steps): %.1f µs", loaded.horizon, simulation * 1e6))
        let quarter = measure { index in sink += simulations[index % simulations.count].functionScores(days: loaded.horizon, step: 0.25)[90] }
        report(String(format: "simulation (quarter-day steps, for comparison): %.1f µs", quarter * 1e6))
        let fits = fitters.map { $0.fit() }
        let fit = measure { index in sink += fitters[index % fitters.count].fit().totalCost }
        report(
            String(
                format: "fit (Levenberg–Marquardt from two of six starts, %d evaluations on average): %.2f ms",
                fits.map(\.evaluations).reduce(0, +) / max(fits.count, 1), fit * 1e3))
        let bands = zip(fitters, fits).map { $0.band(around: $1, sampling: loaded.population.band) }
        let band = measure { index in
            let which = index % fitters.count
            sink += fitters[which].band(around: fits[which], sampling: loaded.population.band).upperSimultaneous[90]
        }
        report(
            String(
                format:
                    "band (batches of %d sets until the edges move < %.1f FM points, %d sets on average, then the edges profiled at days %@; both cores): %.1f ms",
                loaded.population.band.batch, loaded.population.band.edgeToleranceFm, bands.map(\.sampled).reduce(0, +) / max(bands.count, 1),
                loaded.population.band.anchorDays.map(String.init).joined(separator: ", "), band * 1e3))
        let more = try DoseSchedule([DoseSegment(start: 3, end: 90, pt: 60, ot: 60, slp: 0, bal: 30)])
        let whatIf = measure { index in
            let which = index % fitters.count
            sink += fitters[which].whatIf(estimate: fits[which].z, sets: bands[which].accepted, schedule: more).upper[90]
        }
        let profile = measure { index in
            let which = index % fitters.count
            sink += fitters[which].predictionProfile(day: 90, fit: fits[which], sets: bands[which].accepted).upper
        }
        report(String(format: "prediction profile likelihood, day 90, both bounds: %.1f ms", profile * 1e3))
        report(
            String(
                format: "what-if on the stored sets (%d sets on average, both cores): %.1f ms",
                bands.map(\.accepted.count).reduce(0, +) / max(bands.count, 1), whatIf * 1e3))
        let projector = RecoveryProjector(loaded)
        let patients = all.compactMap { item -> RecoveryCase? in
            guard let days = item.tObs, let scores = item.yObs else { return nil }
            return RecoveryCase(days: days, scores: scores, schedule: item.schedule, reperfusionDays: 1.0 / 6, nihss0: 10, recoveryClass: .standard)
        }
        let projection = try measure { index in sink += try projector.project(patients[index % patients.count]).outlook.day90.upper }
        report(String(format: "a patient's whole projection (fit, band, day-90 profile, placeholder outcomes): %.1f ms", projection * 1e3))
        if sink.isNaN { report("(no result)") }
    }

    /// Seconds per call of `body`, run repeatedly for `seconds` after a warm-up.
    private func measure(_ body: (Int) throws -> Void) rethrows -> Double {
        for index in 0..<3 { try body(index) }
        let start = DispatchTime.now().uptimeNanoseconds
        var count = 0
        while Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 < seconds {
            try body(count)
            count += 1
        }
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(count)
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
