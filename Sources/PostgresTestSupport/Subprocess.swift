public import Foundation

/// Runs a program to completion without blocking a Swift concurrency thread; output goes
/// through files, so a chatty program can never stall on a full pipe. Shared by the page
/// tests (the browser) and the end-to-end tests (the `strokepath` binary, the Python oracles).
public struct Subprocess {
    public struct Result: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    public let process = Process()
    private let outputFile: URL
    private let errorFile: URL

    /// Starts `executable` with `arguments`, the test's environment plus `environment`.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) throws {
        let folder = FileManager.default.temporaryDirectory
        outputFile = folder.appendingPathComponent("out-\(UUID().uuidString)")
        errorFile = folder.appendingPathComponent("err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
    }

    public func start() throws { try process.run() }

    /// Waits for the program to end (at most `timeout`, then it is killed: generous, since the
    /// suite runs tests in parallel on a small machine).
    public func finish(timeout: Duration = .seconds(180)) async throws -> Result {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.interrupt()
                kill(process.processIdentifier, SIGKILL)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        defer {
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
        }
        return Result(
            status: process.terminationStatus,
            output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
            errors: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
        )
    }

    /// Runs a program to its end.
    public static func run(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws -> Result {
        let subprocess = try Subprocess(executable, arguments, environment: environment)
        try subprocess.start()
        return try await subprocess.finish()
    }

    /// The `strokepath` binary built next to the tests.
    public static var strokepath: URL {
        let folder =
            Bundle.main.executableURL?.deletingLastPathComponent()
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let beside = folder.appendingPathComponent("strokepath")
        if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/strokepath")
    }
}
