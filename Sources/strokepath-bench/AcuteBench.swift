import AcuteCare
import ArgumentParser
import Clinical
import Foundation
import ProtocolLibrary

/// Full acute evaluations (IVT, doses, EVT, BP plan, scores, expected outcome) on one core,
/// over the presentations of a vectors file: prints microseconds per evaluation, and per
/// evaluation with its answer written as JSON (the answer's parts are worked out as it is
/// written, so this is what a request pays).
struct AcuteBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acute",
        abstract: "In-process acute evaluations per second on one core; prints µs per evaluation."
    )

    @Option(help: "The Protocols folder.") var protocols: String
    @Option(help: "A vectors file (bench/acute/cases.json shape).") var cases: String
    @Option(help: "Seconds to measure each figure, after one second of warm-up.") var seconds = 5.0

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
        let evaluated = try measure {
            for presentation in presentations { checksum &+= try evaluator.evaluate(presentation).evt.trialCriteriaMet.count }
            return presentations.count
        }
        report(String(format: "acute evaluations: %.0f per second on one core, %.2f µs each (checksum %d)", evaluated.perSecond, evaluated.micros, checksum))
        let answered = try measure {
            for presentation in presentations { checksum &+= try evaluator.evaluate(presentation).jsonBytes.count }
            return presentations.count
        }
        let bytes = try presentations.reduce(0) { $0 + (try evaluator.evaluate($1).jsonBytes.count) } / presentations.count
        report(
            String(
                format: "with the answer written: %.0f per second on one core, %.2f µs each (%d bytes on average; checksum %d)", answered.perSecond,
                answered.micros, bytes, checksum))
    }

    /// Runs `pass` (which returns the evaluations it made) for a second, then for `seconds`:
    /// evaluations per second and µs each.
    private func measure(_ pass: () throws -> Int) throws -> (perSecond: Double, micros: Double) {
        let warmUp = ContinuousClock.now + .seconds(1)
        while ContinuousClock.now < warmUp { _ = try pass() }
        var evaluations = 0
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < end { evaluations += try pass() }
        let elapsed = ContinuousClock.now - start
        let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
        return (Double(evaluations) / (micros / 1e6), micros / Double(evaluations))
    }
}
