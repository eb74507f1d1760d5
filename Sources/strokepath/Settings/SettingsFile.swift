import Foundation

/// The settings file: one `NAME=value` a line, by the names the environment uses, `#` starting
/// a comment line. It is `STROKEPATH_CONFIG` when that is set, else `/etc/strokepath/strokepath.env`
/// when it exists. The environment overrides it, and it overrides the defaults. Read strictly:
/// a line that is not a setting, or a name nothing reads, is refused with its line number.
struct SettingsFile {
    static let installedPath = "/etc/strokepath/strokepath.env"

    let path: String
    /// Its settings, by name.
    let values: [String: String]

    /// A line the file cannot hold.
    struct Invalid: Error, CustomStringConvertible {
        let path: String
        let problems: [String]
        var description: String { "the settings file \(path) is not valid:\n" + problems.map { "  \($0)" }.joined(separator: "\n") }
    }

    /// The file the environment names, or the installed one if it exists; nil when there is none.
    static func locate(_ environment: [String: String]) -> String? {
        if let named = environment["STROKEPATH_CONFIG"], !named.isEmpty { return named }
        return FileManager.default.fileExists(atPath: installedPath) ? installedPath : nil
    }

    /// Reads and checks the file at `path`.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(path: path, problems: ["cannot be read (is it there, and readable by this user?)"])
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Invalid(path: path, problems: ["is not UTF-8 text"]) }
        self.path = path
        values = try Self.parse(text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        var problems: [String] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            let number = index + 1
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                problems.append("line \(number): expected NAME=value")
                continue
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard Setting.named(name) != nil else {
                problems.append("line \(number): \(name.isEmpty ? "a setting needs a name" : "\(name) is not a setting (the README lists them)")")
                continue
            }
            if values[name] != nil { problems.append("line \(number): \(name) is set twice") }
            values[name] = unquoted(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
        }
        guard problems.isEmpty else { throw Invalid(path: path, problems: problems) }
        return values
    }

    /// A value wholly inside matching double or single quotes, without them.
    private static func unquoted(_ value: String) -> String {
        guard value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first else { return value }
        return String(value.dropFirst().dropLast())
    }

    /// Puts the file's settings into the process's environment wherever the environment has none
    /// of that name (or an empty one, which every reader takes as unset), so that every reader, and
    /// libpq, sees the environment over the file. Called once, first thing, before any other thread runs.
    static func applyToEnvironment() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = locate(environment) else { return }
        for (name, value) in try SettingsFile(path: path).values where environment[name]?.isEmpty ?? true {
            setenv(name, value, 1)
        }
    }
}
