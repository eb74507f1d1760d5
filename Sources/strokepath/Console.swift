import Foundation
import Logging

/// The CLI's output layer: results to standard output, logs to standard error.
enum Console {
    /// Writes one line of a command's result to standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Sets up logging once for the process: to standard error, at `LOG_LEVEL` (default info).
    static func bootstrapLogging() -> Logger {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "strokepath")
    }
}
