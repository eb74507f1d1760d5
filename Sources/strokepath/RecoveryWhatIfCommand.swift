import ArgumentParser
import Clinical
import Foundation
import ProtocolLibrary
import Recovery

/// `strokepath recovery whatif`: fits a patient's observations, then projects them under a
/// proposed schedule beside the current one, each with the band of the accepted sets.
struct RecoveryWhatIfCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "Project a fitted patient under another schedule: a fit input plus {\"proposal\": [{start, end, PT, OT, SLP, BAL}]}.",
        discussion:
            "The proposal is the whole schedule to compare with the input's \"schedule\". Priors and class as for `recovery fit`. Reads one JSON object, an array, or JSON Lines; --format bench writes {\"FM\": proposed curve} per line. A projection that depends on a speculative parameter (k_B with balneotherapy) lists it with the curve without it."
    )

    struct Input: Decodable {
        var fit: RecoveryFitCommand.Input
        var proposal: [DoseSegment]

        enum CodingKeys: String, CodingKey { case proposal }

        init(from decoder: any Decoder) throws {
            fit = try RecoveryFitCommand.Input(from: decoder)
            proposal = try decoder.container(keyedBy: CodingKeys.self).decode([DoseSegment].self, forKey: .proposal)
        }
    }

    @Argument(help: "JSON or JSON Lines input (standard input when absent).") var file: String?
    @Option(help: "json (default) or bench.") var format: RecoverySimulateCommand.Format = .json
    @Option(help: "Parameter sets per batch of the band (default: the parameter file's band.batch).") var samples: Int?

    func validate() throws {
        guard samples.map({ (10...100_000).contains($0) }) ?? true else { throw ValidationError("--samples must be 10 to 100000") }
    }

    func run() async throws {
        let projector = RecoveryProjector(try ResourceLocator.protocols().recovery(), samples: samples)
        let encoder = JSONEncoder()
        encoder.outputFormatting = format == .json ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        var failures = 0
        for (number, document) in try JSONDocuments.read(file).enumerated() {
            do {
                let input = try RecoveryInputDecoder.decode(Input.self, Data(try document.get().jsonBytes))
                let fitter = try input.fit.fitter(projector.recovery)
                let proposal = try DoseSchedule(input.proposal)
                let fit = fitter.fit()
                let sets = fitter.band(around: fit, sampling: projector.sampling).accepted
                let current = fitter.whatIf(estimate: fit.z, sets: sets, schedule: fitter.schedule)
                let outlook = projector.compare(
                    fitter, estimate: fit.z, current: .init(curve: current.curve, lower: current.lower, upper: current.upper),
                    sets: sets, proposal: proposal)
                let output: any Encodable = format == .bench ? RecoverySimulateCommand.BenchOutput(FM: outlook.proposed.curve) : outlook
                Console.line(String(decoding: try encoder.encode(output), as: UTF8.self))
            } catch {
                failures += 1
                JSONDocuments.reportError(error, input: number + 1, bench: format == .bench)
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
