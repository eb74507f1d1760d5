public import Foundation

/// Why a request is refused: the one error the domains and Storage throw for anything a
/// caller asked that cannot be done. The server renders it once as problem+json (the code
/// gives the status, `name` the problem type); the CLI prints its description.
///
/// Adding a refusal is one static member where the feature lives (`Refusal.unknownRoom`),
/// built from one of the codes below.
public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of refusal, which decides the HTTP status.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String {
            case notFound = "not found"
            case unknownReference = "unknown reference"
            case invalidField = "invalid field"
            case invalidParameter = "invalid parameter"
            case conflict
            case ruleViolation = "rule violation"
            case notPermitted = "not permitted"
            case unavailable
        }

        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The resource the request addresses does not exist or is not the caller's to see (404).
        public static let notFound = Code(.notFound)
        /// The body names a record (room, therapist, patient) the caller cannot use (422).
        public static let unknownReference = Code(.unknownReference)
        /// A field of the body is missing or off its range (422, the field named).
        public static let invalidField = Code(.invalidField)
        /// A query parameter is malformed (400).
        public static let invalidParameter = Code(.invalidParameter)
        /// The request clashes with the state of a record (409).
        public static let conflict = Code(.conflict)
        /// A clinical or organisational rule forbids it (422, with the rule's sources).
        public static let ruleViolation = Code(.ruleViolation)
        /// The caller may not do this for that organisation or patient (403).
        public static let notPermitted = Code(.notPermitted)
        /// The service cannot do it now, for a reason outside the request (503).
        public static let unavailable = Code(.unavailable)

        public var description: String { base.rawValue }
    }

    /// The record a refused request clashes with: its kind, id and time (the caller's own
    /// organisation's record, never another patient's data).
    public struct Related: Sendable, Equatable {
        public var kind: String
        public var id: UUID?
        public var start: Date?
        public var end: Date?

        public init(kind: String, id: UUID? = nil, start: Date? = nil, end: Date? = nil) {
            self.kind = kind
            self.id = id
            self.start = start
            self.end = end
        }
    }

    public var code: Code
    /// A stable name for this refusal, the last part of the problem type (`unknown-room`).
    public var name: String
    /// The field (JSON path or parameter name) the refusal is about, when there is one.
    public var field: String?
    /// What is wrong, in words: a sentence, or for a field what is wrong with it.
    public var message: String
    /// The sources a rule rests on.
    public var sources: [String]
    public var related: Related?

    public init(_ code: Code, _ name: String, field: String? = nil, message: String, sources: [String] = [], related: Related? = nil) {
        self.code = code
        self.name = name
        self.field = field
        self.message = message
        self.sources = sources
        self.related = related
    }

    /// A field of the request that is missing or off its range.
    public static func invalid(_ field: String, _ message: String) -> Refusal {
        Refusal(.invalidField, "invalid-body", field: field, message: message)
    }

    /// A malformed query parameter.
    public static func invalidParameter(_ field: String, _ message: String) -> Refusal {
        Refusal(.invalidParameter, "invalid-parameter", field: field, message: message)
    }

    /// The addressed resource is not there (or not the caller's to see).
    public static func notFound(_ message: String) -> Refusal {
        Refusal(.notFound, "not-found", message: message)
    }

    /// The caller may not do this.
    public static func notPermitted(_ message: String) -> Refusal {
        Refusal(.notPermitted, "forbidden", message: message)
    }

    /// One of an enum's names from a decoder; another word is an invalid field (422) named by
    /// its coding path, not a malformed body.
    public static func decodeName<Value: RawRepresentable & CaseIterable>(_: Value.Type, from decoder: any Decoder) throws -> Value
    where Value.RawValue == String {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Value(rawValue: text) else {
            let field = decoder.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            throw Refusal.invalid(field, "must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// The whole refusal in one sentence: for a field, the field and what is wrong with it;
    /// for a rule, the rule and its sources.
    public var description: String {
        if code == .invalidField || code == .invalidParameter, let field { return "\(field) \(message)." }
        if sources.isEmpty { return message }
        return message + " (sources: \(sources.joined(separator: ", ")))"
    }
}
