import ArgumentParser
import Clinical
import Foundation
import ProtocolLibrary
import Recovery

/// `strokepath recovery fit`: a patient's parameters from their FM-UE observations, with the
/// χ² test and the prediction band.
struct RecoveryFitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit FM0, r_s, tau_N and eta to observations: {\"params_base\": {…}, \"schedule\": […], \"t_obs\": […], \"y_obs\": […]}.",
        discussion:
            "Priors and the FM-UE error come from Protocols/recovery/parameters.json; the poor-recovery r_s prior applies only when the input names the class (\"prep2\": \"limited\" or \"poor\", or \"mep\": \"negative\"). Reads one JSON object, an array, or JSON Lines; --format bench writes what bench/recovery/check.py reads."
    )

    struct Input: Decodable {
        var paramsBase: RecoveryParameters
        var schedule: [DoseSegment]?
        var tObs: [Double]
        var yObs: [Double]
        var prep2: String?
        var mep: String?

        enum CodingKeys: String, CodingKey {
            case paramsBase = "params_base"
            case schedule
            case tObs = "t_obs"
            case yObs = "y_obs"
            case prep2, mep
        }

        /// The fitter of this input: the poor-recovery priors only when it names the class
        /// ("prep2": "limited" or "poor", or "mep": "negative"); its base checked with the model.
        func fitter(_ recovery: RecoveryProtocol) throws -> RecoveryFitter {
            let poor = ["limited", "poor"].contains(prep2?.lowercased() ?? "") || mep?.lowercased() == "negative"
            let fitter = recovery.fitter(
                base: paramsBase, schedule: try DoseSchedule(schedule ?? []),
                observations: try recovery.observations(days: tObs, scores: yObs), recoveryClass: poor ? .poor : .standard)
            var checked = paramsBase
            checked.rS = checked.rS ?? 0.5  // the fit estimates r_s: the base need not give it
            _ = try RecoveryModel(checked, schedule: fitter.schedule)
            return fitter
        }
    }

    struct Output: Encodable {
        struct Theta: Encodable {
            var FM0: Double, r_s: Double, tau_N: Double, eta: Double
        }

        struct Band: Encodable {
            var lower_simultaneous: [Double], upper_simultaneous: [Double], lower_pointwise: [Double], upper_pointwise: [Double]
            var accepted_sets: Int
        }

        struct Profile: Encodable {
            var day: Int, lower: Double, upper: Double
        }

        var model: String
        var priors: String
        /// The start the fit came from (the specification's or a van der Vliet subgroup centre).
        var start: String
        var theta: Theta
        var total_cost: Double
        var data_cost: Double
        var chi2_threshold: Double
        var chi2_test_pass: Bool
        var FM_fit: [Double]
        var band: Band
        /// With --profile-day: the prediction profile likelihood's range of FM on those days.
        var prediction_profile: [Profile]?
    }

    @Argument(help: "JSON or JSON Lines input (standard input when absent).") var file: String?
    @Option(help: "json (default) or bench.") var format: RecoverySimulateCommand.Format = .json
    @Option(help: "Parameter sets per batch of the band (default: the parameter file's band.batch).") var samples: Int?
    @Option(help: "A day (0 to the horizon, 180) to answer with the prediction profile likelihood; repeat for more.") var profileDay: [Int] = []
    @Flag(help: "Print the band's progress (sets drawn, how far the edges moved) to standard error.") var progress = false

    func validate() throws {
        guard samples.map({ (10...100_000).contains($0) }) ?? true else { throw ValidationError("--samples must be 10 to 100000") }
    }

    func run() async throws {
        let recovery = try ResourceLocator.protocols().recovery()
        guard profileDay.allSatisfy({ (0...recovery.horizon).contains($0) }) else {
            throw ValidationError("--profile-day must be 0 to \(recovery.horizon) (model_inputs.horizon_days)")
        }
        let sampling = samples.map { recovery.population.band.batches(of: $0) } ?? recovery.population.band
        let encoder = JSONEncoder()
        encoder.outputFormatting = format == .json ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        var failures = 0
        for (number, document) in try JSONDocuments.read(file).enumerated() {
            do {
                let input = try RecoveryInputDecoder.decode(Input.self, Data(try document.get().jsonBytes))
                let fitter = try input.fitter(recovery)
                let fit = fitter.fit()
                let started = Date()
                // The bench format answers as the reference does (3,000 sets, one batch); the
                // service's band is sampled until stable and profiled at the anchor days.
                let band =
                    format == .bench
                    ? fitter.band(around: fit, samples: samples ?? 3_000)
                    : fitter.band(around: fit, sampling: sampling) { step in
                        if progress {
                            Console.progress(step.sampled, of: step.cap, started: started, label: String(format: "band (edges moved %.2f)", step.movement))
                        }
                    }
                let p = fit.parameters
                let output = Output(
                    model: RecoveryModel.version, priors: recovery.version, start: fit.start,
                    theta: .init(FM0: p.fm0, r_s: p.rS ?? 0, tau_N: p.tauN, eta: p.eta), total_cost: fit.totalCost, data_cost: fit.dataCost,
                    chi2_threshold: fit.threshold, chi2_test_pass: fit.passes, FM_fit: fitter.scores(fit.z),
                    band: .init(
                        lower_simultaneous: band.lowerSimultaneous, upper_simultaneous: band.upperSimultaneous,
                        lower_pointwise: band.lowerPointwise, upper_pointwise: band.upperPointwise, accepted_sets: band.accepted.count),
                    prediction_profile: profileDay.isEmpty
                        ? nil
                        : profileDay.map { day in
                            let profile = fitter.predictionProfile(day: day, fit: fit, sets: band.accepted)
                            return .init(day: day, lower: profile.lower, upper: profile.upper)
                        })
                Console.line(String(decoding: try encoder.encode(output), as: UTF8.self))
            } catch {
                failures += 1
                JSONDocuments.reportError(error, input: number + 1, bench: format == .bench)
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}
