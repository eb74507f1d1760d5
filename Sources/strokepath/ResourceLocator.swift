import Foundation
import ProtocolLibrary

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

    /// The Protocols folder (`STROKEPATH_PROTOCOLS_DIR` names it).
    static func protocols(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ProtocolLibrary {
        ProtocolLibrary(
            directory: try locate("Protocols", inner: ProtocolLibrary.acuteFolder, variable: "STROKEPATH_PROTOCOLS_DIR", environment: environment)
                .deletingLastPathComponent())
    }

    private static func locate(_ folderName: String, inner: String, variable: String, environment: [String: String]) throws -> URL {
        var candidates: [URL] = []
        if let configured = environment[variable], !configured.isEmpty {
            candidates.append(URL(fileURLWithPath: configured))
        }
        // The executable's own path (not argv[0], which is a bare name when run through PATH), links followed.
        let executable = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments.first ?? ".")
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent()
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
