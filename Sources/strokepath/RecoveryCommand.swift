import ArgumentParser
import Clinical
import Foundation
import ProtocolLibrary
import Recovery

/// `strokepath recovery …`: the neurovascular recovery sub-model.
struct RecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "Upper-limb recovery (FM-UE) from the neurovascular sub-model.",
        subcommands: [RecoverySimulateCommand.self, RecoveryFitCommand.self, RecoveryWhatIfCommand.self]
    )
}

/// `strokepath recovery simulate`: a course from parameters and a dose schedule.
struct RecoverySimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract:
            "Simulate FM-UE over days 0 to the horizon (Protocols/recovery model_inputs.horizon_days; \"days\" for another) for each input: {\"params\": {…}, \"schedule\": [{start, end, PT, OT, SLP, BAL}]}.",
        discussion:
            "Reads one JSON object, an array, or JSON Lines from FILE or standard input; writes one result per input (--format bench: {\"FM\": [...]} per line, as bench/recovery/check.py reads). A malformed input gets {\"error\": …} and exit code 1."
    )

    enum Format: String, ExpressibleByArgument { case json, bench }

    struct Input: Decodable {
        var params: RecoveryParameters
        var schedule: [DoseSegment]?
        var days: Int?
    }

    struct BenchOutput: Encodable {
        var FM: [Double]
    }

    struct Output: Encodable {
        var model: String
        var salvage: Double
        var recoverable: Double
        var trajectory: RecoveryTrajectory
    }

    @Argument(help: "JSON or JSON Lines input (standard input when absent).") var file: String?
    @Option(help: "json (default) or bench.") var format: Format = .json
    @Option(help: "Largest integration step in days.") var step = 0.25

    func validate() throws {
        guard step > 0, step <= 1 else { throw ValidationError("--step must be above 0 and at most 1 day") }
    }

    func run() async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = format == .json ? [.sortedKeys, .prettyPrinted] : [.sortedKeys]
        var failures = 0
        for (number, document) in try JSONDocuments.read(file).enumerated() {
            do {
                let input = try RecoveryInputDecoder.decode(Input.self, Data(try document.get().jsonBytes))
                let days = try input.days ?? ResourceLocator.protocols().recovery().horizon
                guard (1...3_650).contains(days) else { throw Refusal.invalid("days", "must be 1 to 3650") }
                let model = try RecoveryModel(input.params, schedule: try DoseSchedule(input.schedule ?? []))
                let data: Data
                switch format {
                case .bench: data = try encoder.encode(BenchOutput(FM: model.functionScores(days: days, step: step)))
                case .json:
                    data = try encoder.encode(
                        Output(
                            model: RecoveryModel.version, salvage: model.salvage, recoverable: model.recoverable,
                            trajectory: model.simulate(days: days, step: step)))
                }
                Console.line(String(decoding: data, as: UTF8.self))
            } catch {
                failures += 1
                JSONDocuments.reportError(error, input: number + 1, bench: format == .bench)
            }
        }
        if failures > 0 { throw ExitCode(1) }
    }
}

/// Decodes a recovery input, or names the field that is missing or of the wrong type.
enum RecoveryInputDecoder {
    static func decode<Value: Decodable>(_: Value.Type, _ data: Data) throws -> Value {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        }
        do {
            return try JSONDecoder().decode(Value.self, from: data)
        } catch DecodingError.keyNotFound(let key, let context) {
            throw Refusal.invalid(path(context.codingPath + [key]), "is missing")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context) {
            throw Refusal.invalid(path(context.codingPath), "has the wrong type")
        }
    }
}
