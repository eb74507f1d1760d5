import Foundation
import Recovery
import Rehabilitation
import Reporting

/// Finds the folders shipped beside the binary — SQL migrations and the clinical protocols:
/// the folder an environment variable names, else the folder next to the executable, else
/// the nearest one above it (a build inside the project), else the working directory's.
enum ResourceLocator {
    struct NotFound: Error, CustomStringConvertible {
        let what: String
        let variable: String
        let searched: [String]
        var description: String {
            "cannot find \(what) (looked in \(searched.joined(separator: ", "))); set \(variable)"
        }
    }

    /// SQL/migrations (`STROKEPATH_SQL_DIR` names the SQL folder).
    static func migrations(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        try locate("SQL", inner: "migrations", variable: "STROKEPATH_SQL_DIR", environment: environment)
    }

    /// Protocols/acute (`STROKEPATH_PROTOCOLS_DIR` names the Protocols folder).
    static func acuteProtocols(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        try locate("Protocols", inner: "acute", variable: "STROKEPATH_PROTOCOLS_DIR", environment: environment)
    }

    /// Protocols/rehab/catalogue.json, read and checked.
    static func rehabCatalogue(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RehabCatalogue {
        let folder = try locate("Protocols", inner: "rehab", variable: "STROKEPATH_PROTOCOLS_DIR", environment: environment)
        return try RehabCatalogue.decode(try Data(contentsOf: folder.appendingPathComponent("catalogue.json")))
    }

    /// Protocols/recovery/parameters.json, read and checked.
    static func recoveryProtocol(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> RecoveryProtocol {
        let folder = try locate("Protocols", inner: "recovery", variable: "STROKEPATH_PROTOCOLS_DIR", environment: environment)
        return try RecoveryProtocol.decode(try Data(contentsOf: folder.appendingPathComponent("parameters.json")))
    }

    /// Protocols/indicators/indicators.json, read and checked.
    static func indicatorCatalogue(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> IndicatorCatalogue {
        let folder = try locate("Protocols", inner: "indicators", variable: "STROKEPATH_PROTOCOLS_DIR", environment: environment)
        return try IndicatorCatalogue.decode(try Data(contentsOf: folder.appendingPathComponent("indicators.json")))
    }

    private static func locate(_ folderName: String, inner: String, variable: String, environment: [String: String]) throws -> URL {
        var candidates: [URL] = []
        if let configured = environment[variable], !configured.isEmpty {
            candidates.append(URL(fileURLWithPath: configured))
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent(folderName))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(folderName))
        for candidate in candidates {
            let target = candidate.appendingPathComponent(inner)
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target.path, isDirectory: &isFolder), isFolder.boolValue {
                return target
            }
        }
        throw NotFound(what: "\(folderName)/\(inner)", variable: variable, searched: candidates.map(\.path))
    }
}
