public import Foundation

/// The migration files of `SQL/migrations`: `NNNN_name.sql`, applied in number order.
public struct MigrationSet: Sendable {
    /// One migration file.
    public struct Migration: Sendable, Equatable {
        /// The number at the start of the file name.
        public let version: Int
        /// The file name without `.sql`, e.g. `0001_foundation`.
        public let name: String
        /// The file's SQL text.
        public let sql: String
    }

    /// The migrations, in version order.
    public let migrations: [Migration]

    /// Reads and checks every `.sql` file of a folder.
    /// - Throws: `MigrationError` for a badly named file, a repeated version number, or a
    ///   folder that cannot be read.
    public init(directory: URL) throws(MigrationError) {
        let files: [String]
        do {
            files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw MigrationError(.unreadable, migration: directory.path, "cannot list the migrations folder")
        }
        var migrations: [Migration] = []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let name = String(file.dropLast(4))
            guard let version = Self.version(of: name) else {
                throw MigrationError(.badName, migration: file, "expected NNNN_name.sql (four digits, lower-case name)")
            }
            if let other = migrations.first(where: { $0.version == version }) {
                throw MigrationError(.badName, migration: file, "version \(version) is also used by \(other.name)")
            }
            let url = directory.appendingPathComponent(file)
            guard let data = FileManager.default.contents(atPath: url.path), let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError(.unreadable, migration: file, "cannot read the file as UTF-8")
            }
            migrations.append(Migration(version: version, name: name, sql: sql))
        }
        self.migrations = migrations.sorted { $0.version < $1.version }
    }

    private static func version(of name: String) -> Int? {
        let parts = name.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), version > 0,
            parts[1].allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "_" })
        else { return nil }
        return version
    }
}

/// Why migrations could not be read or applied.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: Sendable {
        case badName, unreadable, changedAfterApply, missingFile, failed
    }

    public let kind: Kind
    /// The migration (file name) concerned.
    public let migration: String
    public let reason: String

    init(_ kind: Kind, migration: String, _ reason: String) {
        self.kind = kind
        self.migration = migration
        self.reason = reason
    }

    public var description: String { "migration \(migration): \(reason)" }
}
