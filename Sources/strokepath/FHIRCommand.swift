import ArgumentParser
import Foundation
import Postgres
import Server
import Storage

/// `strokepath fhir export`: a region's records as FHIR NDJSON files, from the command line.
struct FHIRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fhir",
        abstract: "FHIR R4 exchange from the command line.",
        subcommands: [Export.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export the records of regions (or hospitals) and all below them as FHIR R4 NDJSON, one file per type.",
            discussion: """
                What GET /fhir/R4/$export gives a planner, written straight into a folder: patients (pseudonymous), \
                organisations, acute episodes (Encounter, Condition, Observation, Procedure, MedicationAdministration) and \
                assessments, read in one snapshot. Recorded as one audit row with the legal basis, the scope and the counts. \
                Progress is drawn on standard error; the files and figures are printed when done.
                """
        )

        @Option(help: "An organisation's code (a region or a hospital); repeat for more.") var region: [String] = []
        @Option(help: "The export's legal basis, as the audit row records it.") var purpose: String
        @Option(help: "One type to export; repeat for more (default: every type).") var type: [String] = []
        @Option(help: "The folder to write into (made if missing; must be empty).") var out: String
        @Option(help: "Who exports, as the audit row names them (default: the user running the command).") var subject: String?

        func validate() throws {
            if region.isEmpty { throw ValidationError("name at least one --region (an organisation's code)") }
            if ExportRequest.legalBasis(purpose) == nil { throw ValidationError("--purpose must state the legal basis (3 to 500 characters, one line)") }
            if out.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--out must name a folder") }
            if let subject, !(1...100).contains(subject.count) || subject.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                throw ValidationError("--subject must be a name of 1 to 100 characters on one line")
            }
        }

        func run() async throws {
            let logger = Console.bootstrapLogging()
            let format = try FHIRBulkFormat(library: try ResourceLocator.protocols())
            let types = type.isEmpty ? format.types : type
            if let unknown = types.first(where: { !format.types.contains($0) }) {
                throw ValidationError("\(unknown) is not exported; the types are \(format.types.joined(separator: ", "))")
            }
            let folder = URL(fileURLWithPath: out, isDirectory: true)
            if let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path), !entries.isEmpty {
                throw ValidationError("\(out) is not empty: name a new or empty folder")
            }
            let started = Date()
            let result = try await PostgresPool.withPool(
                settings: DatabaseEnvironment().application, configuration: .init(maximumConnections: 2), logger: logger
            ) { pool in
                let found = try await pool.query("SELECT code, id FROM organisations WHERE code = ANY (\(region))").map {
                    try $0.decode((String, UUID).self)
                }
                if let missing = region.first(where: { code in !found.contains { $0.0 == code } }) {
                    throw ValidationError("no organisation has the code \(missing)")
                }
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let who = subject ?? ProcessInfo.processInfo.environment["USER"] ?? "unknown"
                let context = AccessContext(subject: "cli:\(who)", role: "planner", organisations: found.map(\.1))
                let exports = BulkExports(pool: pool, replica: nil, audit: AuditWriter(pool: pool), directory: folder, format: format)
                let request = ExportRequest(
                    types: format.types.filter(types.contains), purpose: ExportRequest.legalBasis(purpose) ?? purpose,
                    organisations: context.organisations, request: "strokepath fhir export")
                return try await exports.export(request, as: context, into: folder) { done, total in
                    Console.progress(done, of: total, started: started, label: "export")
                }
            }
            for file in result.files {
                Console.line("\(file.name)\t\(file.count) resources\t\(file.bytes) bytes")
            }
            let rate = result.seconds > 0 ? Double(result.resources) / result.seconds : 0
            let bytes = result.files.reduce(0) { $0 + $1.bytes }
            Console.line(
                "exported \(result.resources) resources of \(result.patients) patients (\(result.held.count) organisations) in "
                    + String(format: "%.1f s: %.0f resources/s, ", result.seconds, rate) + "\(bytes) bytes")
        }
    }
}
