import Clinical
import Foundation
public import Logging

/// `LOG_FORMAT=json`: each log record as one JSON object on one line — `time` (UTC, ISO 8601
/// with milliseconds), `level`, `logger`, `message`, `source`, then the metadata (the request's
/// `request_id` among it; the framework's copy of it left out) — for a log collector to parse.
/// Nothing here adds patient data: the service logs none (`LogPrivacyTests`).
public struct JSONLogHandler: LogHandler {
    /// Hummingbird's key for the request id, which the service sets to its own.
    static let frameworkRequestID = "hb.request.id"

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let write: @Sendable ([UInt8]) -> Void

    /// - Parameters:
    ///   - label: the logger's label.
    ///   - write: takes one finished line (standard error by default).
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable ([UInt8]) -> Void = Self.standardError) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let own = event.metadata { merged.merge(own) { $1 } }
        var writer = JSONWriter(capacity: 256)
        writer.object { line in
            line.field("time", Date().formatted(.iso8601.year().month().day().timeZone(separator: .omitted).time(includingFractionalSeconds: true)))
            line.field("level", event.level.rawValue)
            line.field("logger", label)
            line.field("message", event.message.description)
            line.field("source", event.source)
            for key in merged.keys.sorted() where !["time", "level", "logger", "message", "source", Self.frameworkRequestID].contains(key) {
                line.key(key)
                Self.write(merged[key], to: &line)
            }
        }
        write(writer.bytes + [UInt8(ascii: "\n")])
    }

    private static func write(_ value: Logger.Metadata.Value?, to writer: inout JSONWriter) {
        switch value {
        case .string(let text)?: writer.string(text)
        case .stringConvertible(let value)?: writer.string(value.description)
        case .array(let values)?: writer.array(values) { Self.write($1, to: &$0) }
        case .dictionary(let values)?:
            writer.object { object in
                for key in values.keys.sorted() {
                    object.key(key)
                    Self.write(values[key], to: &object)
                }
            }
        case nil: writer.null()
        }
    }

    /// One `write(2)` a line, so lines from several threads do not interleave.
    public static let standardError: @Sendable ([UInt8]) -> Void = { line in
        line.withUnsafeBytes { bytes in _ = Foundation.write(2, bytes.baseAddress, bytes.count) }
    }
}
