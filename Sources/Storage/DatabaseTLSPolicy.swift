import Foundation
public import Postgres

/// In production the database must be reached over verified TLS: every host that is not a
/// Unix socket or loopback needs `sslmode=verify-full` (or `verify-ca`). libpq's default,
/// `prefer`, silently falls back to cleartext, so it is refused, not tolerated.
public enum DatabaseTLSPolicy {
    static let verified: Set<String> = ["verify-full", "verify-ca"]

    /// Why the settings do not meet the policy, or nil if they do.
    public static func violation(in settings: PostgresConnectionSettings) -> String? {
        let values: [String: String]
        do {
            values = try settings.resolved()
        } catch {
            return "the database connection string cannot be parsed"
        }
        let hosts = (values["host"] ?? values["hostaddr"] ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
        let remote = hosts.filter { host in !host.isEmpty && !host.hasPrefix("/") && !["localhost", "127.0.0.1", "::1"].contains(host) }
        guard !remote.isEmpty else { return nil }
        let mode = values["sslmode"] ?? "prefer"
        guard verified.contains(mode) else {
            return
                "sslmode=\(mode) for \(remote.joined(separator: ", ")): set sslmode=verify-full (and sslrootcert) so the connection cannot fall back to cleartext or an unverified server"
        }
        return nil
    }
}
