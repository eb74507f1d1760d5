public import Foundation
public import Logging
import Postgres
public import ServiceLifecycle

/// A durable local spool for evaluations made while the database is unreachable: each is a
/// JSON file (readable by the service's user only) written to a temporary name, flushed to
/// disk, then renamed into place (so a crash leaves either the whole record or none). As a service, it writes spooled records
/// to the database when it returns — evaluation and audit row together, idempotently — and
/// removes each file only after its transaction committed.
public final class EvaluationSpool: Service, Sendable {
    public let directory: URL
    private let evaluations: AcuteEvaluations
    private let interval: Duration
    private let logger: Logger

    public init(directory: URL, evaluations: AcuteEvaluations, interval: Duration = .seconds(2), logger: Logger) {
        self.directory = directory
        self.evaluations = evaluations
        self.interval = interval
        self.logger = logger
    }

    public struct SpoolError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes the record durably; throws when even the spool cannot take it.
    public func keep(_ record: AcuteEvaluationRecord) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(record)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let final = directory.appendingPathComponent("\(record.id.uuidString).json")
        let temporary = directory.appendingPathComponent(".\(record.id.uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: temporary.path)
        else {
            throw SpoolError(description: "cannot write to the spool at \(directory.path)")
        }
        defer { try? handle.close() }
        try handle.write(contentsOf: data)
        try handle.synchronize()
        guard rename(temporary.path, final.path) == 0 else {
            throw SpoolError(description: "cannot move a spooled evaluation into place (errno \(errno))")
        }
        let folder = open(directory.path, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
    }

    /// The spooled records waiting for the database, oldest first.
    public func pending() -> [URL] {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.creationDateKey])) ?? []
        return files.filter { $0.pathExtension == "json" && !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Writes every spooled record it can; returns how many reached the database. Stops at the
    /// first sign the database is still away; a file that cannot be read, or that the
    /// database refuses (its episode is gone or not the caller's), is set aside with a
    /// logged error for a person to look at — never deleted.
    @discardableResult
    public func drain() async -> Int {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        var written = 0
        for file in pending() {
            guard let data = FileManager.default.contents(atPath: file.path),
                let record = try? decoder.decode(AcuteEvaluationRecord.self, from: data)
            else {
                let aside = file.appendingPathExtension("unreadable")
                try? FileManager.default.moveItem(at: file, to: aside)
                logger.error("spooled evaluation unreadable; set aside", metadata: ["file": "\(aside.lastPathComponent)"])
                continue
            }
            do {
                try await evaluations.store(record, viaSpool: true)
                try FileManager.default.removeItem(at: file)
                written += 1
            } catch is CancellationError {
                break
            } catch let error as PostgresError where error.isUnavailable || error.code == .queryCancelled {
                logger.warning("database still unavailable for spooled evaluations", metadata: ["pending": "\(pending().count)"])
                break
            } catch {
                let aside = file.appendingPathExtension("rejected")
                try? FileManager.default.moveItem(at: file, to: aside)
                logger.error("the database refused a spooled evaluation; set aside", metadata: ["file": "\(aside.lastPathComponent)", "error": "\(error)"])
            }
        }
        if written > 0 { logger.info("spooled evaluations written to the database", metadata: ["count": "\(written)"]) }
        return written
    }

    public func run() async throws {
        while !Task.isCancelledOrShuttingDown {
            await drain()
            try? await Task.sleep(for: interval)
        }
        await drain()
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
