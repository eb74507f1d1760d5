import CLibPQ
import Logging

/// Receives the server's NOTICE and WARNING messages for one connection and logs them at
/// debug level (they can quote data values), instead of libpq's default print to stderr.
final class NoticeSink: Sendable {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Routes the connection's notices here. The connection keeps this object alive.
    func install(on connection: OpaquePointer) {
        PQsetNoticeReceiver(
            connection,
            { context, result in
                guard let context, let result else { return }
                let sink = Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue()
                let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
                sink.logger.debug("postgres notice", metadata: ["notice": .string(message)])
            }, Unmanaged.passUnretained(self).toOpaque())
    }
}
