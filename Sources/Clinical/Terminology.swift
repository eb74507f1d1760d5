public import Foundation

/// The code systems and concepts the service speaks in when it exchanges data
/// (`Protocols/fhir/terminology.json`): each concept with its plain name, its codes in the
/// standard systems (LOINC, SNOMED CT, ICD-10, ATC, RxNorm) and a local one where no standard
/// code was verified, its UCUM unit and the source its codes were checked against.
public struct Terminology: Sendable, Decodable {
    public struct CodeSystem: Sendable, Decodable, Equatable {
        public var url: String
        public var name: String
        public var source: String
    }

    public struct Coding: Sendable, Decodable, Equatable {
        /// The key of the system in `systems`.
        public var system: String
        public var code: String
        public var display: String
    }

    public struct Unit: Sendable, Decodable, Equatable {
        /// The UCUM code.
        public var code: String
        public var display: String
    }

    public struct Concept: Sendable, Decodable, Equatable {
        public var text: String
        public var codings: [Coding]
        public var unit: Unit?
        /// An observation's category (the code of `observation-category`).
        public var category: String?
        public var source: String
        public var note: String?
    }

    public var format: String
    public var version: String
    public var systems: [String: CodeSystem]
    public var concepts: [String: Concept]

    /// A terminology file that is not what the service reads: the reason names the concept.
    public struct Malformed: Error, CustomStringConvertible, Sendable {
        public var reason: String
        public var description: String { "Protocols/fhir/terminology.json: \(reason)" }
    }

    public static let formatName = "strokepath-fhir-terminology/1"

    /// Reads and checks the file: its format, every concept with a coding, every coding's
    /// system declared, every code and display non-empty.
    public static func decode(_ data: Data) throws -> Terminology {
        let terminology: Terminology
        do {
            terminology = try JSONDecoder().decode(Terminology.self, from: data)
        } catch {
            throw Malformed(reason: "does not read as a terminology (\(error))")
        }
        guard terminology.format == formatName else { throw Malformed(reason: "format must be \(formatName)") }
        for (key, concept) in terminology.concepts {
            guard !concept.codings.isEmpty else { throw Malformed(reason: "\(key) has no coding") }
            guard !concept.text.isEmpty, !concept.source.isEmpty else { throw Malformed(reason: "\(key) needs its text and source") }
            for coding in concept.codings {
                guard terminology.systems[coding.system] != nil else { throw Malformed(reason: "\(key): the system \(coding.system) is not declared") }
                guard !coding.code.isEmpty, !coding.display.isEmpty else { throw Malformed(reason: "\(key): a coding without code or display") }
            }
        }
        return terminology
    }

    /// The concept under `key`, or a `Malformed` naming the key the caller needs.
    public func concept(_ key: String) throws -> Concept {
        guard let concept = concepts[key] else { throw Malformed(reason: "the concept \(key) is missing") }
        return concept
    }

    /// The URL of a system by its key.
    public func url(of system: String) throws -> String {
        guard let url = systems[system]?.url else { throw Malformed(reason: "the system \(system) is missing") }
        return url
    }
}
