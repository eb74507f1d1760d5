import Foundation

/// A bulk export as a durable job (`GET /fhir/R4/$export`): run by whichever instance claims
/// it. Each run writes a folder of its own (a run whose worker lost the job never touches the
/// files of the run that took it over), and completes the job in the transaction that records
/// the export's one audit row, naming its folder: an export is audited exactly when it is
/// offered for download.
struct BulkExportJob: JobHandler {
    static let kind = "fhir_export"
    /// Two attempts; a statement may take as long as one batch of a large region's reads.
    static let policy = JobPolicy(attempts: 2, statementTimeout: .seconds(10 * 60))

    let exports: BulkExports
    var kind: String { Self.kind }
    var completesItself: Bool { true }

    func run(_ job: ClaimedJob) async throws {
        let request = try JSONDecoder().decode(ExportRequest.self, from: job.parameters)
        exports.removeExpired()
        // An earlier run's folder (its instance died, or it lost the job) goes: this run writes anew.
        exports.removeRuns(of: job.id)
        let name = "\(job.id.uuidString.lowercased())-\(UUID().uuidString.prefix(8).lowercased())"
        let folder = try exports.makeFolder(name)
        do {
            var result = try await exports.write(request, as: job.context, into: folder) { done, total in
                exports.saveProgress(done, of: total, job: job.id)
            }
            result.folder = name
            try await exports.pool.withAccess(job.context) { connection in
                try await AuditLog.record(exports.auditEvent(result, job: job.id, as: job.context), on: connection)
                try await JobQueue.complete(job, result: try JSONEncoder().encode(result), on: connection)
            }
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
    }

    /// A failed export is audited (nothing was offered); its run removed its own files.
    func abandon(_ job: ClaimedJob, reason: String) async throws {
        let request = try JSONDecoder().decode(ExportRequest.self, from: job.parameters)
        try await exports.audit.record([
            job.context.auditEvent(
                .export, patient: nil, resource: "Bulk export", resourceID: job.id.uuidString.lowercased(), outcome: .failed, purpose: request.purpose)
        ])
    }
}
