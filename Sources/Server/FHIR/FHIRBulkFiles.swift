import Clinical
public import Foundation
public import ProtocolLibrary
public import Storage

/// A region's records as the façade's resources, one NDJSON file per type (FHIR Bulk Data):
/// each patient, the organisations named, each acute episode's resources and each assessment,
/// each made by the same code as `$everything`'s (acute evaluations and rehab records are not
/// exported).
public struct FHIRBulkFormat: BulkExportFormat {
    let codes: FHIRCodes

    public let types = ["Patient", "Organization", "Encounter", "Condition", "Observation", "Procedure", "MedicationAdministration"]

    init(codes: FHIRCodes) {
        self.codes = codes
    }

    /// The format speaking the terminology of `library` (`Protocols/fhir/terminology.json`).
    public init(library: ProtocolLibrary) throws {
        codes = try FHIRCodes(try library.terminology())
    }

    public func files(in directory: URL, types: [String], scope: RegionRecords.Scope) async throws -> any BulkExportFiles {
        let files = try FHIRNDJSONFiles(directory: directory, types: types, codes: codes)
        try await files.write(lines: FHIRBulkLines(types: Set(types), codes: codes).organisations(scope.organisations))
        return files
    }
}

/// One batch's lines, by type: each resource's JSON text and a line feed.
struct FHIRBulkLines: Sendable {
    let types: Set<String>
    let codes: FHIRCodes

    typealias Lines = [String: (writer: JSONWriter, count: Int)]

    func organisations(_ organisations: [ChartOrganisation]) -> Lines {
        lines(organisations.map(FHIRPatientResources.organisation))
    }

    func batch(_ batch: RegionRecords.Batch) -> Lines {
        let acute = FHIRAcuteResources(codes: codes)
        let assessments = FHIRAssessmentResources(codes: codes)
        return lines(
            batch.patients.map(FHIRPatientResources.patient)
                + batch.episodes.flatMap { acute.resources($0, mrs90: batch.mrs90[$0.id], evaluations: []) }
                + batch.observations.compactMap(assessments.resource))
    }

    private func lines(_ resources: [FHIRResource]) -> Lines {
        var lines: Lines = [:]
        for resource in resources where types.contains(resource.type) {
            var entry = lines.removeValue(forKey: resource.type) ?? (JSONWriter(capacity: 1 << 20), 0)
            resource.json.write(to: &entry.writer)
            entry.writer.endLine()
            entry.count += 1
            lines[resource.type] = entry
        }
        return lines
    }
}

/// The open files of one export. A batch's lines are made while the next batch is read (one
/// batch ahead), and appended in the order the batches came.
actor FHIRNDJSONFiles: BulkExportFiles {
    private let lines: FHIRBulkLines
    private var handles: [String: FileHandle] = [:]
    private var written: [String: ExportFile] = [:]
    private let order: [String]
    private var pending: Task<FHIRBulkLines.Lines, Never>?

    init(directory: URL, types: [String], codes: FHIRCodes) throws {
        lines = FHIRBulkLines(types: Set(types), codes: codes)
        order = types
        for type in types {
            let file = ExportFile(type: type, count: 0, bytes: 0)
            let url = directory.appendingPathComponent(file.name)
            guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
            }
            handles[type] = try FileHandle(forWritingTo: url)
            written[type] = file
        }
    }

    func write(_ batch: RegionRecords.Batch) async throws {
        if let previous = pending { try write(lines: await previous.value) }
        pending = Task.detached { [lines] in lines.batch(batch) }
    }

    func write(lines batch: FHIRBulkLines.Lines) throws {
        for (type, lines) in batch {
            guard let handle = handles[type] else { continue }
            try handle.write(contentsOf: lines.writer.bytes)
            written[type]?.count += lines.count
            written[type]?.bytes += lines.writer.bytes.count
        }
    }

    func close() async throws -> [ExportFile] {
        if let previous = pending { try write(lines: await previous.value) }
        pending = nil
        for handle in handles.values {
            try handle.synchronize()
            try handle.close()
        }
        handles = [:]
        return order.compactMap { written[$0] }
    }
}
