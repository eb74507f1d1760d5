import Foundation

/// Finds the folders shipped beside the binary (SQL migrations): `STROKEPATH_SQL_DIR`, else
/// `SQL/` next to the executable, else the nearest `SQL/` above it (a build inside the
/// project), else `SQL/` in the working directory.
enum ResourceLocator {
    struct NotFound: Error, CustomStringConvertible {
        let searched: [String]
        var description: String {
            "cannot find SQL/migrations (looked in \(searched.joined(separator: ", "))); set STROKEPATH_SQL_DIR"
        }
    }

    static func migrations(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> URL {
        var candidates: [URL] = []
        if let configured = environment["STROKEPATH_SQL_DIR"], !configured.isEmpty {
            candidates.append(URL(fileURLWithPath: configured))
        }
        var folder = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent("SQL"))
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("SQL"))
        for candidate in candidates {
            let migrations = candidate.appendingPathComponent("migrations")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: migrations.path, isDirectory: &isFolder), isFolder.boolValue {
                return migrations
            }
        }
        throw NotFound(searched: candidates.map(\.path))
    }
}
