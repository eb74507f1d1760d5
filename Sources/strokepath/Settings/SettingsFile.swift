import Foundation

/// The settings file: one `NAME=value` a line, by the names the environment uses, `#` starting
/// a comment line. It is `STROKEPATH_CONFIG` when that is set (`none`: no file), else
/// `/etc/strokepath/strokepath.env` when this user can read it. The environment overrides it, and
/// it overrides the defaults. Read strictly: a line that is not a setting, or a name nothing
/// reads, is refused with its line number.
struct SettingsFile {
    static let installedPath = "/etc/strokepath/strokepath.env"

    /// Its settings, by name (an empty value is left out: it means the default).
    let values: [String: String]

    /// A line the file cannot hold.
    struct Invalid: Error, CustomStringConvertible {
        let path: String
        let problems: [String]
        var description: String { "the settings file \(path) is not valid:\n" + problems.map { "  \($0)" }.joined(separator: "\n") }
    }

    /// The file the environment names, or the installed one if this user can read it (it is
    /// root's: another user's commands run on the environment alone); nil when there is none.
    static func locate(_ environment: [String: String]) -> String? {
        if let named = environment["STROKEPATH_CONFIG"], !named.isEmpty { return named == "none" ? nil : named }
        return FileManager.default.isReadableFile(atPath: installedPath) ? installedPath : nil
    }

    /// Reads and checks the file at `path`.
    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Invalid(path: path, problems: ["cannot be read (is it there, and readable by this user?)"])
        }
        guard let text = String(data: data, encoding: .utf8) else { throw Invalid(path: path, problems: ["is not UTF-8 text"]) }
        values = try Self.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text, path: path)
    }

    static func parse(_ text: String, path: String) throws -> [String: String] {
        var values: [String: String] = [:]
        var seen: Set<String> = []
        var problems: [String] = []
        // Any line ending: "\r\n" is one Character, which a split on "\n" would not see.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
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
            if seen.contains(name) { problems.append("line \(number): \(name) is set twice") }
            seen.insert(name)
            let value = unquoted(line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces))
            if !value.isEmpty { values[name] = value }
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
    /// libpq, sees the environment over the file. Where the database is counts as one setting:
    /// when the environment says it (`DATABASE_URL` or libpq's location variables), the file's
    /// database addresses are left out, since libpq would let them win over the environment's.
    /// Called once, first thing, before any other thread runs.
    static func applyToEnvironment() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = locate(environment) else { return }
        let set = { (name: String) in !(environment[name]?.isEmpty ?? true) }
        let environmentLocatesDatabase = Setting.databaseLocation.contains(where: set)
        for (name, value) in try SettingsFile(path: path).values where !set(name) {
            if environmentLocatesDatabase && name.hasPrefix("DATABASE_") { continue }
            setenv(name, value, 1)
        }
    }
}
