public import Foundation

/// How an export's records become files: the FHIR façade's NDJSON (`Server/FHIR`). Storage
/// reads and audits; the format writes.
public protocol BulkExportFormat: Sendable {
    /// The types a caller may ask for, in the order their files are listed.
    var types: [String] { get }
    /// Opens the files of one export of `types` in `directory` (which exists and is empty).
    func files(in directory: URL, types: [String], scope: RegionRecords.Scope) async throws -> any BulkExportFiles
}

/// The open files of one export: each batch written in the order read, then closed.
public protocol BulkExportFiles: Sendable {
    func write(_ batch: RegionRecords.Batch) async throws
    /// Flushes and closes the files; what each holds.
    func close() async throws -> [ExportFile]
}

/// One file of an export: its type, how many resources and bytes.
public struct ExportFile: Codable, Sendable, Equatable {
    public var type: String
    public var count: Int
    public var bytes: Int

    public init(type: String, count: Int, bytes: Int) {
        self.type = type
        self.count = count
        self.bytes = bytes
    }

    /// The file's name in its export's folder.
    public var name: String { "\(type).ndjson" }
}

/// What a caller asks to export: the types, the legal basis, the organisations (with those
/// below them) and the request as made (the manifest repeats it).
public struct ExportRequest: Codable, Sendable, Equatable {
    public var types: [String]
    public var purpose: String
    public var organisations: [UUID]
    public var request: String

    /// A legal basis as given, trimmed, when it is one: 3 to 500 characters on one line.
    public static func legalBasis(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard (3...500).contains(trimmed.count), !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            return nil
        }
        return trimmed
    }

    public init(types: [String], purpose: String, organisations: [UUID], request: String) {
        self.types = types
        self.purpose = purpose
        self.organisations = organisations
        self.request = request
    }
}

/// What an export produced: when its snapshot was taken, where it was read, its scope and files.
public struct ExportResult: Codable, Sendable, Equatable {
    public var transactionTime: Date
    public var request: String
    public var purpose: String
    /// "replica" or "primary".
    public var source: String
    /// The organisations asked for (the caller's), and all those whose rows were read.
    public var roots: [UUID]
    public var held: [UUID]
    public var patients: Int
    public var files: [ExportFile]
    public var seconds: Double
    /// The folder, within the exports' directory, that holds this run's files (a job's run
    /// again writes a folder of its own; the one that completed the job is named here).
    public var folder: String?

    /// Resources written, all files together.
    public var resources: Int { files.reduce(0) { $0 + $1.count } }
}
