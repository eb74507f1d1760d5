import Foundation

/// A bulk export as a durable job (`GET /fhir/R4/$export`): run by whichever instance claims
/// it; a run again (its worker died) starts its files afresh. It completes its job in the
/// transaction that records the export's one audit row, so an export is audited exactly when
/// it is offered for download.
struct BulkExportJob: JobHandler {
    static let kind = "fhir_export"
    /// Two attempts; a statement may take as long as one batch of a large region's reads.
    static let policy = JobPolicy(attempts: 2, statementTimeout: .seconds(10 * 60))

    let exports: BulkExports
    var kind: String { Self.kind }
    var completesItself: Bool { true }

    func run(_ job: ClaimedJob) async throws {
        let request = try JSONDecoder().decode(ExportRequest.self, from: job.parameters)
        let directory = exports.folder(of: job.id)
        let result = try await exports.write(request, as: job.context, into: directory) { done, total in
            exports.saveProgress(done, of: total, job: job.id)
        }
        try await exports.pool.withAccess(job.context) { connection in
            try await AuditLog.record(exports.auditEvent(result, job: job.id, as: job.context), on: connection)
            try await JobQueue.complete(job, result: try JSONEncoder().encode(result), on: connection)
        }
    }

    /// The files of a failed export are removed; the failure is audited (nothing was offered).
    func abandon(_ job: ClaimedJob, reason: String) async throws {
        try? FileManager.default.removeItem(at: exports.folder(of: job.id))
        let request = try JSONDecoder().decode(ExportRequest.self, from: job.parameters)
        var event = job.context.auditEvent(.export, patient: nil, resource: "Bulk export", resourceID: job.id.uuidString, outcome: .failed)
        event.purpose = request.purpose
        try await exports.audit.record([event])
    }
}
