import Clinical
public import Foundation
public import Postgres

/// Bulk export of a region's records for registries and research (FHIR Bulk Data Access): a
/// planner or admin queues one with its legal basis; a durable job reads the records of the
/// caller's organisations and all below them (from the replica when one is configured and
/// answers) and writes one NDJSON file per type into its folder; one audit row records the
/// export with its scope, legal basis and counts, and each file's download is audited too.
public struct BulkExports: Sendable {
    public let pool: PostgresPool
    /// A hot standby the records are read from, if there is one.
    public let replica: PostgresPool?
    public let audit: AuditWriter
    /// Where each export's folder is made (shared by the instances that serve downloads).
    public let directory: URL
    public let format: any BulkExportFormat

    public init(pool: PostgresPool, replica: PostgresPool?, audit: AuditWriter, directory: URL, format: any BulkExportFormat) {
        self.pool = pool
        self.replica = replica
        self.audit = audit
        self.directory = directory
        self.format = format
    }

    /// The durable job that runs exports.
    public var jobHandlers: [any JobHandler] { [BulkExportJob(exports: self)] }

    /// How long an export's files are kept after it was queued: older folders are removed when
    /// the next export is queued.
    public static let retention: TimeInterval = 7 * 24 * 3600

    /// Queues an export for the caller's organisations (and all below them); the one waiting
    /// with the same request is answered instead of a second.
    public func queue(_ request: ExportRequest, as context: AccessContext) async throws -> JobView<ExportResult> {
        guard let organisation = request.organisations.first, Set(request.organisations).isSubset(of: context.organisations) else {
            throw Refusal.notPermitted("An export is of organisations you act for, and your token names none.")
        }
        removeExpired()
        let parameters = try JSONEncoder().encode(request)
        return try await pool.withAccess(context) { connection in
            let id = try await JobQueue.enqueue(
                kind: BulkExportJob.kind, organisation: organisation, target: organisation, parameters: parameters, policy: BulkExportJob.policy,
                unlessQueued: true, on: connection)
            return try await JobQueue.view(id, of: BulkExportJob.kind, on: connection)
        }
    }

    /// An export the caller queued (or any of its organisations' when an admin); nil otherwise.
    public func job(_ id: UUID, as context: AccessContext) async throws -> JobView<ExportResult>? {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await JobQueue.visibleJob(id, of: BulkExportJob.kind, on: connection)
        }
    }

    /// How far a running export is: patients written, of how many.
    public func progress(of id: UUID) -> (done: Int, total: Int)? {
        guard let data = FileManager.default.contents(atPath: progressFile(of: id).path) else { return nil }
        let numbers = String(decoding: data, as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }

    /// The file `name` of a finished export the caller may see, audited as a read of it; nil
    /// (and audited as denied) when there is none the caller may have.
    public func file(_ id: UUID, name: String, as context: AccessContext) async throws -> URL? {
        let job = try await job(id, as: context)
        let file = job?.result?.files.first { $0.name == name }
        var event = context.auditEvent(
            .read, patient: nil, resource: "Bulk export file", resourceID: "\(id.uuidString.lowercased())/\(name)",
            outcome: file == nil ? .denied : .success)
        event.purpose = job?.result?.purpose ?? event.purpose
        try await audit.record([event])
        return file.map { folder(of: id).appendingPathComponent($0.name) }
    }

    /// Exports from the command line: writes the files into `directory` and records the
    /// export's audit row; what it produced.
    public func export(
        _ request: ExportRequest, as context: AccessContext, into directory: URL, progress: @Sendable (Int, Int) -> Void
    ) async throws -> ExportResult {
        let result = try await write(request, as: context, into: directory, progress: progress)
        try await audit.record([auditEvent(result, job: nil, as: context)])
        return result
    }

    /// Reads the records (the replica first, when there is one) and writes the files afresh.
    func write(_ request: ExportRequest, as context: AccessContext, into folder: URL, progress: @Sendable (Int, Int) -> Void) async throws
        -> ExportResult
    {
        if let replica {
            do {
                return try await write(request, from: replica, source: "replica", as: context, into: folder, progress: progress)
            } catch  where !(error is CancellationError) {
                // A replica away, or cancelling the long read to replay: the primary answers instead.
            }
        }
        return try await write(request, from: pool, source: "primary", as: context, into: folder, progress: progress)
    }

    private func write(
        _ request: ExportRequest, from pool: PostgresPool, source: String, as context: AccessContext, into folder: URL,
        progress: @Sendable (Int, Int) -> Void
    ) async throws -> ExportResult {
        let started = ContinuousClock.now
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files: (any BulkExportFiles)?
        var scope: RegionRecords.Scope?
        var done = 0
        var transactionTime = Date()
        try await RegionRecords(pool: pool).read(request.organisations, as: context) { found, at in
            scope = found
            transactionTime = at
            files = try await format.files(in: folder, types: request.types, scope: found)
            progress(0, found.patients)
        } _: { batch in
            try await files?.write(batch)
            done += batch.patients.count
            progress(done, scope?.patients ?? done)
        }
        let written = try await files?.close() ?? []
        return ExportResult(
            transactionTime: transactionTime, request: request.request, purpose: request.purpose, source: source,
            organisations: scope?.held.count ?? 0, patients: done, files: written, seconds: (ContinuousClock.now - started).seconds)
    }

    /// The export's one audit row: its scope, legal basis and counts in `detail`.
    func auditEvent(_ result: ExportResult, job: UUID?, as context: AccessContext) throws -> AuditEvent {
        struct Detail: Encodable {
            var job: String?
            var organisations: [String]
            var organisationsRead: Int
            var legalBasis: String
            var source: String
            var resources: [String: Int]
        }
        let detail = Detail(
            job: job?.uuidString.lowercased(), organisations: context.organisations.map { $0.uuidString.lowercased() },
            organisationsRead: result.organisations, legalBasis: result.purpose, source: result.source,
            resources: Dictionary(result.files.map { ($0.type, $0.count) }, uniquingKeysWith: +))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var event = context.auditEvent(.export, patient: nil, resource: "Bulk export", resourceID: job?.uuidString ?? "command line")
        event.purpose = result.purpose
        event.detail = String(decoding: try encoder.encode(detail), as: UTF8.self)
        return event
    }

    /// The folder of export `id`.
    public func folder(of id: UUID) -> URL { directory.appendingPathComponent(id.uuidString.lowercased(), isDirectory: true) }

    private func progressFile(of id: UUID) -> URL { directory.appendingPathComponent(id.uuidString.lowercased() + ".progress") }

    func saveProgress(_ done: Int, of total: Int, job id: UUID) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data("\(done) \(total)".utf8).write(to: progressFile(of: id), options: .atomic)
    }

    /// Removes the folders and progress of exports older than `retention`.
    private func removeExpired() {
        let manager = FileManager.default
        let cutoff = Date().addingTimeInterval(-Self.retention)
        for entry in (try? manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])) ?? [] {
            if let modified = try? entry.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate, modified < cutoff {
                try? manager.removeItem(at: entry)
            }
        }
    }
}

extension Duration {
    /// In seconds, with fractions.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
