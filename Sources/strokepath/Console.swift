import Foundation
import Logging
import Server

/// The CLI's output layer: results to standard output, logs to standard error.
enum Console {
    /// Writes one line of a command's result to standard output.
    static func line(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// Writes one line about the command's work (not its result) to standard error.
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Draws a progress bar on standard error (rewritten in place; a new line when done).
    static func progress(_ done: Int, of total: Int, started: Date, label: String) {
        let share = total > 0 ? Double(done) / Double(total) : 1
        let filled = Int(share * 30)
        let seconds = Date().timeIntervalSince(started)
        let rate = seconds > 0 ? Double(done) / seconds : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        let text = String(format: "\r%@ [%@] %3.0f%%  %d of %d  %.0f/s  %.1f s", label, bar, share * 100, done, total, rate, seconds)
        FileHandle.standardError.write(Data((text + (done >= total ? "\n" : "")).utf8))
    }

    /// Sets up logging once for the process: to standard error, at `LOG_LEVEL` (default info),
    /// as text or, with `LOG_FORMAT=json`, one JSON object a line.
    static func bootstrapLogging() -> Logger {
        let environment = ProcessInfo.processInfo.environment
        let level = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let json = environment["LOG_FORMAT"] == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "strokepath")
    }
}
