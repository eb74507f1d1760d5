import AcuteCare
import ArgumentParser
import Clinical
import Foundation
import ProtocolLibrary

/// Full acute evaluations (IVT, doses, EVT, BP plan, scores, expected outcome) on one core,
/// over the presentations of a vectors file: prints microseconds per evaluation.
struct AcuteBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acute",
        abstract: "In-process acute evaluations per second on one core; prints µs per evaluation."
    )

    @Option(help: "The Protocols folder.") var protocols: String
    @Option(help: "A vectors file (bench/acute/cases.json shape).") var cases: String
    @Option(help: "Seconds to measure, after one second of warm-up.") var seconds = 5.0

    func run() async throws {
        let acute = try ProtocolLibrary(directory: URL(fileURLWithPath: protocols)).acute()
        let evaluator = AcuteEvaluator(protocol: acute)
        let reader = PresentationReader(protocol: acute)
        guard case .array(let vectors)? = try JSONParser.parse(Data(contentsOf: URL(fileURLWithPath: cases))).object?["cases"] else {
            throw ValidationError("\(cases) has no cases list")
        }
        let presentations = try vectors.compactMap { $0.object?["presentation"] }.map { try reader.read($0) }
        guard !presentations.isEmpty else { throw ValidationError("no presentations in \(cases)") }
        var checksum = 0
        func pass() throws {
            for presentation in presentations {
                checksum &+= try evaluator.evaluate(presentation).evt.trialCriteriaMet.count
            }
        }
        let warmUp = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < warmUp { try pass() }
        var evaluations = 0
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end {
            try pass()
            evaluations += presentations.count
        }
        let elapsed = ContinuousClock.now - start
        let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
        report(
            String(
                format: "acute evaluations: %d in %.2f s, %.0f per second on one core, %.2f µs each (checksum %d)",
                evaluations, micros / 1e6, Double(evaluations) / (micros / 1e6), micros / Double(evaluations), checksum))
    }
}
