import Clinical
public import Foundation

/// The acute-care clinical knowledge, read from the versioned files of Protocols/acute/
/// and checked whole at start-up: every condition names a known fact with a fitting value,
/// every rule, pathway, trial, statement and score cites sources that sources.json lists.
public struct AcuteProtocol: Sendable {
    public struct Profile: Sendable, Equatable {
        public var id: String
        public var title: String
        /// Whose product labels the off-label notes follow (US, EU).
        public var jurisdiction: String
        /// The profile that replaces this one, when a newer guideline exists.
        public var supersededBy: String?
        /// What of the guideline is still read from secondary sources, said plainly.
        public var verification: String?

        /// What every answer under this profile must say about it (superseded, not fully verified).
        public func notices(in acute: AcuteProtocol) -> [String] {
            var notices: [String] = []
            if let newer = supersededBy {
                let title = acute.profile(newer)?.title ?? newer
                notices.append("\(id) (\(self.title)) is superseded: a newer profile exists, \(newer) (\(title)). This answer follows \(id) as chosen.")
            }
            if verification != nil {
                notices.append(
                    "\(id) is not yet verified against the guideline's primary text: which statements are read from secondary sources is listed with the profile (/acute/profiles, GET /api/v1/acute/protocol)."
                )
            }
            return notices
        }
    }

    public struct Source: Sendable, Equatable {
        public var citation: String
        public var doi: String?
        public var evidence: String
    }

    public static let fileNames = [
        "profiles.json", "sources.json", "ivt.json", "evt.json", "doses.json",
        "blood-pressure.json", "scores.json", "hemorrhage.json", "antiplatelet.json", "mimics.json", "orders.json", "outcome.json", "phrases.json",
    ]

    public var version: String
    public var profiles: [Profile]
    public var defaultProfile: String
    public var sources: [String: Source]
    public let units: UnitConventions
    public let scales: ScaleDefinitions
    /// The compiled rules, shared by reference so an evaluation can keep them cheaply.
    let book: RuleBook

    /// Builds the protocol from the files' contents, by name.
    public static func decode(files: [String: Data]) throws(ProtocolError) -> AcuteProtocol {
        var documents: [String: [String: JSONValue]] = [:]
        for name in fileNames {
            guard let data = files[name] else { throw ProtocolError(file: name, rule: "", field: "(file)", message: "is missing") }
            guard let document = (try? JSONParser.parse(data))?.object else {
                throw ProtocolError(file: name, rule: "", field: "(file)", message: "is not a JSON object")
            }
            documents[name] = document
        }
        func document(_ name: String) -> [String: JSONValue] { documents[name] ?? [:] }

        let sources = try readSources(document("sources.json"))
        var loader = ProtocolLoader(sources: sources)
        let (version, profiles, defaultProfile) = try loader.readProfiles(document("profiles.json"))
        loader.profiles = profiles.map(\.id)
        loader.jurisdictions = profiles.map(\.jurisdiction)
        let (units, ivt) = try loader.readThrombolysis(document("ivt.json"))
        let evt = try loader.readThrombectomy(document("evt.json"))
        let scores = try loader.readScores(document("scores.json"))
        // Every part that compiles conditions is read before the book takes the arena.
        let hemorrhage = try loader.readHemorrhage(document("hemorrhage.json"), scores: scores)
        let antiplatelet = try loader.readAntiplatelet(document("antiplatelet.json"))
        var mimicsReader = ProtocolReader(file: "mimics.json")
        let mimics = try loader.readNotes(&mimicsReader, document("mimics.json")["mimics"], "mimics")
        let orders = try loader.readOrders(document("orders.json"))
        let book = RuleBook(
            profiles: profiles.map(\.id), arena: loader.arena, ivt: ivt, evt: evt, doses: try loader.readDoses(document("doses.json")),
            bloodPressure: try loader.readBloodPressure(document("blood-pressure.json")), scores: scores,
            hemorrhage: hemorrhage, antiplatelet: antiplatelet, mimics: mimics, orders: orders, outcome: try loader.readOutcome(document("outcome.json")),
            phrases: try loader.readPhrases(document("phrases.json"), scores: scores)
        )
        return AcuteProtocol(
            version: version, profiles: profiles, defaultProfile: defaultProfile, sources: sources, units: units,
            scales: try loader.readScales(document("scores.json")), book: book
        )
    }

    private static func readSources(_ document: [String: JSONValue]) throws(ProtocolError) -> [String: Source] {
        var reader = ProtocolReader(file: "sources.json")
        var sources: [String: Source] = [:]
        for (id, value) in try reader.object(document["sources"], "sources") {
            reader.rule = id
            let members = try reader.object(value, "sources.\(id)")
            sources[id] = Source(
                citation: try reader.string(members["citation"], "citation"), doi: try reader.optionalString(members["doi"], "doi"),
                evidence: try reader.string(members["evidence"], "evidence")
            )
        }
        return sources
    }

    /// The profile `id`, or the default when nil; nil when there is no such profile.
    public func profile(_ id: String?) -> Profile? {
        profiles.first { $0.id == (id ?? defaultProfile) }
    }
}
