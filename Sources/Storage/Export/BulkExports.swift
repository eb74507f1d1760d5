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

    /// How long an export's files are kept after they were written: older folders are removed
    /// when the next export is queued or run.
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

    /// An export the caller queued (or any of its organisations' when an admin), nil otherwise;
    /// a finished one only for a caller who acts for every organisation it was asked for (its
    /// files hold their patients).
    public func job(_ id: UUID, as context: AccessContext) async throws -> JobView<ExportResult>? {
        let job: JobView<ExportResult>? = try await pool.withAccess(context, readOnly: true) { connection in
            try await JobQueue.visibleJob(id, of: BulkExportJob.kind, on: connection)
        }
        if let roots = job?.result?.roots, !Set(roots).isSubset(of: context.organisations) { return nil }
        return job
    }

    /// How far a running export is: patients written, of how many.
    public func progress(of id: UUID) -> (done: Int, total: Int)? {
        guard let data = FileManager.default.contents(atPath: progressFile(of: id).path) else { return nil }
        let numbers = String(decoding: data, as: UTF8.self).split(separator: " ").compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }

    /// The file `name` of a finished export the caller may see, audited as a read of it; nil
    /// (and audited as denied) when there is none the caller may have, or it was removed.
    public func file(_ id: UUID, name: String, as context: AccessContext) async throws -> URL? {
        let job = try await job(id, as: context)
        let url = job?.result.flatMap { result in
            result.files.first { $0.name == name }.flatMap { file in
                result.folder.map { directory.appendingPathComponent($0, isDirectory: true).appendingPathComponent(file.name) }
            }
        }
        let present = url.map { FileManager.default.fileExists(atPath: $0.path) } ?? false
        try await audit.record([
            context.auditEvent(
                .read, patient: nil, resource: "Bulk export file", resourceID: "\(id.uuidString.lowercased())/\(name)",
                outcome: present ? .success : .denied, purpose: job?.result?.purpose ?? "treatment")
        ])
        return present ? url : nil
    }

    /// Exports from the command line into `folder` (new or empty) and records the export's
    /// audit row; what it produced. When it fails, the files it wrote are removed.
    public func export(
        _ request: ExportRequest, as context: AccessContext, into folder: URL, progress: @Sendable (Int, Int) -> Void
    ) async throws -> ExportResult {
        do {
            let result = try await write(request, as: context, into: folder, progress: progress)
            try await audit.record([auditEvent(result, job: nil, as: context)])
            return result
        } catch {
            Self.empty(folder)
            throw error
        }
    }

    /// Reads the records (the replica first, when there is one) and writes the files into
    /// `folder`, which is empty. A replica that is away, cancels the long read to replay, or
    /// whose position is unknown costs the primary the export; any other failure ends it.
    func write(_ request: ExportRequest, as context: AccessContext, into folder: URL, progress: @Sendable (Int, Int) -> Void) async throws
        -> ExportResult
    {
        if let replica {
            do {
                return try await write(request, from: replica, source: "replica", as: context, into: folder, progress: progress)
            } catch let error as PostgresError where (error.isUnavailable || error.isTransactionRetryable) && !Task.isCancelled {
                Self.empty(folder)
            } catch is ReplicaBehind {
                Self.empty(folder)
            }
        }
        return try await write(request, from: pool, source: "primary", as: context, into: folder, progress: progress)
    }

    private func write(
        _ request: ExportRequest, from pool: PostgresPool, source: String, as context: AccessContext, into folder: URL,
        progress: @Sendable (Int, Int) -> Void
    ) async throws -> ExportResult {
        let started = ContinuousClock.now
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
            transactionTime: transactionTime, request: request.request, purpose: request.purpose, source: source, roots: request.organisations,
            held: scope?.held ?? [], patients: done, files: written, seconds: (ContinuousClock.now - started).seconds)
    }

    /// The export's one audit row: its scope (the organisations asked for and every one read),
    /// legal basis, source and counts in `detail`.
    func auditEvent(_ result: ExportResult, job: UUID?, as context: AccessContext) throws -> AuditEvent {
        struct Detail: Encodable {
            var job: String?
            var organisations: [String]
            var organisationsRead: [String]
            var legalBasis: String
            var source: String
            var resources: [String: Int]
        }
        let detail = Detail(
            job: job?.uuidString.lowercased(), organisations: result.roots.map { $0.uuidString.lowercased() },
            organisationsRead: result.held.map { $0.uuidString.lowercased() }, legalBasis: result.purpose, source: result.source,
            resources: Dictionary(result.files.map { ($0.type, $0.count) }, uniquingKeysWith: +))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var event = context.auditEvent(
            .export, patient: nil, resource: "Bulk export", resourceID: job?.uuidString.lowercased() ?? "command line", purpose: result.purpose)
        event.detail = String(decoding: try encoder.encode(detail), as: UTF8.self)
        return event
    }

    /// Makes the folder `name` of a run, readable by the service only.
    func makeFolder(_ name: String) throws -> URL {
        let folder = directory.appendingPathComponent(name, isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        return folder
    }

    private func progressFile(of id: UUID) -> URL { directory.appendingPathComponent(id.uuidString.lowercased() + ".progress") }

    func saveProgress(_ done: Int, of total: Int, job id: UUID) {
        try? Data("\(done) \(total)".utf8).write(to: progressFile(of: id), options: .atomic)
    }

    /// Removes the folders of every earlier run of job `id`.
    func removeRuns(of id: UUID) {
        let prefix = id.uuidString.lowercased() + "-"
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [] where entry.hasPrefix(prefix) {
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(entry))
        }
    }

    /// Removes what `folder` holds (what an export wrote), leaving the folder.
    static func empty(_ folder: URL) {
        let manager = FileManager.default
        for entry in (try? manager.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? [] { try? manager.removeItem(at: entry) }
    }

    /// Removes the folders and progress of exports last written more than `retention` ago.
    func removeExpired() {
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
