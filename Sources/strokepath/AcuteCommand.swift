import AcuteCare
import ArgumentParser
import Clinical
import Foundation
import ProtocolLibrary

/// `strokepath acute …`: acute decision support and the time-to-treatment outcome model.
struct AcuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "acute",
        abstract: "Acute stroke decision support (IVT, doses, EVT, BP, scores, expected outcome).",
        subcommands: [Evaluate.self, Outcome.self]
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, bench, text
    }

    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate one presentation (a JSON object) or many (JSON Lines) from FILE or standard input."
        )

        @Option(help: "Guideline profile (aha-2019, aha-2026, eso); default: the protocol's default.") var profile: String?
        @Option(help: "json (pretty), bench (one JSON line per input, for bench/acute/check.py) or text (for a clinician).")
        var format: Format = .json
        @Argument(help: "Input file; standard input when absent.") var file: String?

        func run() async throws {
            let evaluator = AcuteEvaluator(protocol: try ResourceLocator.protocols().acute())
            let reader = PresentationReader(protocol: evaluator.acute)
            if let profile, evaluator.acute.profile(profile) == nil {
                throw ValidationError("unknown profile \(profile) (known: \(evaluator.acute.profiles.map(\.id).joined(separator: ", ")))")
            }
            var failures = 0
            for (number, document) in try JSONDocuments.read(file).enumerated() {
                do {
                    let evaluation = try evaluator.evaluate(try reader.read(try document.get()), profile: profile)
                    switch format {
                    case .bench: Console.line(JSONDocuments.line(evaluation))
                    case .json: Console.line(try JSONDocuments.pretty(evaluation))
                    case .text: Console.line(AcuteTextReport.render(evaluation))
                    }
                } catch {
                    failures += 1
                    JSONDocuments.reportError(error, input: number + 1, bench: format == .bench)
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }
    }

    struct Outcome: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Expected 90-day mRS for {\"occlusion\": \"lvo\"|\"nlvo\", \"onset_to_needle_min\", \"onset_to_puncture_min\"} (JSON Lines)."
        )

        @Option(help: "json (pretty) or bench (one JSON line per input, for bench/acute/outcome_check.py).") var format: Format = .json
        @Argument(help: "Input file; standard input when absent.") var file: String?

        struct Request {
            var lvo: Bool
            var needle: Double?
            var puncture: Double?
        }

        func run() async throws {
            let model = AcuteEvaluator(protocol: try ResourceLocator.protocols().acute()).outcomeModel
            var failures = 0
            for (number, document) in try JSONDocuments.read(file).enumerated() {
                do {
                    let request = try Self.request(try document.get())
                    let estimate = model.estimate(lvo: request.lvo, needle: request.needle, puncture: request.puncture)
                    Console.line(format == .json ? try JSONDocuments.pretty(estimate) : JSONDocuments.line(estimate))
                } catch {
                    failures += 1
                    JSONDocuments.reportError(error, input: number + 1, bench: format == .bench)
                }
            }
            if failures > 0 { throw ExitCode(1) }
        }

        static func request(_ json: JSONValue) throws(InputProblems) -> Request {
            guard let members = json.object else { throw InputProblems([InputProblem(field: "(line)", message: "must be a JSON object")]) }
            var problems: [InputProblem] = []
            let lvo: Bool
            switch members["occlusion"] {
            case .string("lvo")?: lvo = true
            case .string("nlvo")?: lvo = false
            default:
                lvo = false
                problems.append(InputProblem(field: "occlusion", message: "must be lvo or nlvo"))
            }
            func minutes(_ key: String) -> Double? {
                switch members[key] {
                case nil, .null?: return nil
                case .number(let value)? where value >= 0 && value.isFinite: return value
                default:
                    problems.append(InputProblem(field: key, message: "must be minutes from onset (>= 0) or null"))
                    return nil
                }
            }
            let needle = minutes("onset_to_needle_min")
            let puncture = minutes("onset_to_puncture_min")
            guard problems.isEmpty else { throw InputProblems(problems) }
            return Request(lvo: lvo, needle: needle, puncture: puncture)
        }
    }
}
