public import AcuteCare
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
    }

    /// The folder of the acute rule files.
    public static let acuteFolder = "acute"

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

    /// `Protocols/acute`: the rule files, units, scales and sources.
    public func acute() throws -> AcuteProtocol {
        var files: [String: Data] = [:]
        for name in AcuteProtocol.fileNames { files[name] = try read("\(Self.acuteFolder)/\(name)") }
        return try AcuteProtocol.decode(files: files)
    }

    /// `Protocols/rehab/catalogue.json`: modalities, rules, priorities.
    public func rehabCatalogue() throws -> RehabCatalogue {
        try RehabCatalogue.decode(try read(File.rehabCatalogue.rawValue))
    }

    /// `Protocols/recovery/parameters.json`: the recovery model's priors and rules.
    public func recovery() throws -> RecoveryProtocol {
        try RecoveryProtocol.decode(try read(File.recovery.rawValue))
    }

    /// `Protocols/indicators/indicators.json`: the regional indicators.
    public func indicators() throws -> IndicatorCatalogue {
        try IndicatorCatalogue.decode(try read(File.indicators.rawValue))
    }

    /// Every protocol at once.
    public func loadAll() throws -> Loaded {
        Loaded(acute: try acute(), rehab: try rehabCatalogue(), recovery: try recovery(), indicators: try indicators())
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
