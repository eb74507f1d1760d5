import Clinical
import Foundation
import Postgres

/// A replica that cannot serve this report: its lag is unknown, or its report cells are older
/// than the primary's (a refresh it has not replayed yet).
struct ReplicaBehind: Error {}

/// Where the primary's write-ahead log stood, and when its report cells were refreshed, just
/// before a report reads a replica: what the replica is judged by.
struct PrimaryPosition: Sendable {
    var lsn: String
    var refreshedAt: Date?
}

extension RegionalReports {
    /// The primary's position, or nil when the primary does not answer (the replica's lag is
    /// then the age of the last transaction it replayed).
    func primaryPosition(as context: AccessContext) async -> PrimaryPosition? {
        try? await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query("SET LOCAL ROLE strokepath_planner")
            let (lsn, refreshed) = try await connection.query(
                "SELECT pg_current_wal_flush_lsn()::text, (SELECT refreshed_at FROM report_refreshes)"
            ).single().decode((String, Date?).self)
            return PrimaryPosition(lsn: lsn, refreshedAt: refreshed)
        }
    }

    /// How far the server behind `connection` is behind the primary, in seconds: nil when it is
    /// no standby (a `prefer-standby` URL that found none), 0 when it has replayed everything
    /// the primary had written before the report began, else the age of the last transaction it
    /// replayed. Throws `ReplicaBehind` when that is unknown (it has replayed none).
    static func replicaLag(on connection: PostgresConnection, primary: PrimaryPosition?) async throws -> Double? {
        let (standby, caughtUp, age) = try await connection.query(
            """
            SELECT pg_is_in_recovery(), coalesce(pg_last_wal_replay_lsn() >= \(primary?.lsn)::pg_lsn, false),
                   extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
            """
        ).single().decode((Bool, Bool, Double?).self)
        guard standby else { return nil }
        if caughtUp { return 0 }
        guard let age else { throw ReplicaBehind() }
        return max(age, 0)
    }

    /// The report's note on where it was read.
    static func replicaNote(_ lag: Double) -> Notice {
        lag < 1 ? Notice(ReportNotice.replicaCurrent) : Notice(ReportNotice.replicaBehind, ["seconds": "\(Int(lag.rounded()))"])
    }
}
