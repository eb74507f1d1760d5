public import AcuteCare
public import Clinical
public import Foundation
public import Recovery
public import Rehabilitation
public import Reporting

/// The `Protocols/` folder, the one place its layout is known: each clinical file read from
/// disk and handed to its domain to check. Used by the server, the CLI, the test fixtures and
/// the bench; the domains themselves read no files.
public struct ProtocolLibrary: Sendable {
    public let directory: URL

    /// A protocol file that cannot be read (missing, unreadable); its contents are checked by
    /// the domain, whose error names the field.
    public struct Unreadable: Error, CustomStringConvertible {
        public var path: String
        public var description: String { "cannot read the protocol file \(path)" }
    }

    /// Every protocol, as the server starts with them.
    public struct Loaded: Sendable {
        public let acute: AcuteProtocol
        public let rehab: RehabCatalogue
        public let recovery: RecoveryProtocol
        public let indicators: IndicatorCatalogue
    }

    /// The single-file protocols, by their place in the folder.
    public enum File: String, Sendable {
        case rehabCatalogue = "rehab/catalogue.json"
        case recovery = "recovery/parameters.json"
        case indicators = "indicators/indicators.json"
        case terminology = "fhir/terminology.json"
    }

    /// The folder of the acute rule files.
    public static let acuteFolder = "acute"
    /// The acute sources: citations, cited as published (never translated).
    static let citationsFile = "sources.json"

    public init(directory: URL) {
        self.directory = directory
    }

    /// The nearest `Protocols` folder at or above `place` (a checkout, seen from one of its
    /// files), or nil.
    public static func nearest(to place: URL) -> ProtocolLibrary? {
        var folder = place
        for _ in 0..<8 {
            let candidate = folder.appendingPathComponent("Protocols")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(acuteFolder).path, isDirectory: &isFolder), isFolder.boolValue {
                return ProtocolLibrary(directory: candidate)
            }
            folder = folder.deletingLastPathComponent()
        }
        return nil
    }

    /// Where a file lives (for a tool or a test that reads or changes it).
    public func url(_ file: File) -> URL {
        directory.appendingPathComponent(file.rawValue)
    }

    /// `Protocols/acute`: the rule files, units, scales and sources, its statements in
    /// `language` where given (`translation(of:language:)`).
    public func acute(language: String? = nil) throws -> AcuteProtocol {
        let translation = try language.map { try self.translation(of: .acute, language: $0) }
        var files: [String: Data] = [:]
        for name in AcuteProtocol.fileNames {
            files[name] = try read("\(Self.acuteFolder)/\(name)", name == Self.citationsFile ? nil : translation, .acute)
        }
        return try AcuteProtocol.decode(files: files)
    }

    /// `Protocols/rehab/catalogue.json`: modalities, rules, priorities.
    public func rehabCatalogue(language: String? = nil) throws -> RehabCatalogue {
        try RehabCatalogue.decode(try read(File.rehabCatalogue.rawValue, try language.map { try translation(of: .rehab, language: $0) }, .rehab))
    }

    /// `Protocols/recovery/parameters.json`: the recovery model's priors and rules.
    public func recovery(language: String? = nil) throws -> RecoveryProtocol {
        try RecoveryProtocol.decode(try read(File.recovery.rawValue, try language.map { try translation(of: .recovery, language: $0) }, .recovery))
    }

    /// `Protocols/indicators/indicators.json`: the regional indicators.
    public func indicators(language: String? = nil) throws -> IndicatorCatalogue {
        try IndicatorCatalogue.decode(
            try read(File.indicators.rawValue, try language.map { try translation(of: .indicators, language: $0) }, .indicators))
    }

    /// `Protocols/fhir/terminology.json`: the codes the FHIR façade speaks in (never translated:
    /// a code's display is the code system's own).
    public func terminology() throws -> Terminology {
        try Terminology.decode(try read(File.terminology.rawValue))
    }

    /// Every protocol at once, in English or with its statements in `language`: the same rules,
    /// numbers and ids either way (a translation changes words only).
    public func loadAll(language: String? = nil) throws -> Loaded {
        Loaded(
            acute: try acute(language: language), rehab: try rehabCatalogue(language: language), recovery: try recovery(language: language),
            indicators: try indicators(language: language))
    }

    /// `Protocols/<area>/<language>.json`: the area's statements in `language`.
    public func translation(of area: ProtocolTranslation.Area, language: String) throws -> ProtocolTranslation {
        let path = "\(area.rawValue)/\(language).json"
        let translation = try ProtocolTranslation.decode(try read(path), path: path)
        guard translation.language == language else {
            throw ProtocolTranslation.Invalid(path: path, problem: "says it is in \(translation.language), not \(language)")
        }
        return translation
    }

    /// The English statements of `area` that a translation covers, from every file of its folder.
    public func statements(of area: ProtocolTranslation.Area) throws -> Set<String> {
        try documents(of: area).reduce(into: []) { $0.formUnion(ProtocolTranslation.statements(in: $1, area: area)) }
    }

    private func documents(of area: ProtocolTranslation.Area) throws -> [JSONValue] {
        let paths: [String] =
            switch area {
            case .acute: AcuteProtocol.fileNames.filter { $0 != Self.citationsFile }.map { "\(Self.acuteFolder)/\($0)" }
            case .rehab: [File.rehabCatalogue.rawValue]
            case .recovery: [File.recovery.rawValue]
            case .indicators: [File.indicators.rawValue]
            }
        return try paths.map { path in
            do {
                return try JSONParser.parse([UInt8](try read(path)))
            } catch let failure as JSONParser.Failure {
                throw ProtocolTranslation.Invalid(path: path, problem: "is not JSON: \(failure)")
            }
        }
    }

    /// A file's contents, its statements translated where `translation` is given.
    private func read(_ path: String, _ translation: ProtocolTranslation?, _ area: ProtocolTranslation.Area) throws -> Data {
        let data = try read(path)
        guard let translation else { return data }
        do {
            return Data(translation.apply(to: try JSONParser.parse([UInt8](data)), area: area).jsonBytes)
        } catch {
            throw ProtocolTranslation.Invalid(path: path, problem: "is not JSON: \(error)")
        }
    }

    private func read(_ path: String) throws -> Data {
        let url = directory.appendingPathComponent(path)
        do {
            return try Data(contentsOf: url)
        } catch {
            throw Unreadable(path: url.path)
        }
    }
}
