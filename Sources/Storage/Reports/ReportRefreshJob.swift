import Foundation

/// A refresh of the report cells, as a durable job (`POST /api/v1/reports/refresh`): run by
/// whichever instance claims it, taken over if its worker dies. It completes its job in the
/// refresh's own transaction, so a refresh that committed is never run again.
struct ReportRefreshJob: JobHandler {
    static let kind = "report_refresh"
    /// Three attempts, each statement allowed as long as a whole rebuild may take.
    static let policy = JobPolicy(attempts: 3, statementTimeout: RegionalReports.refreshTimeLimit)

    struct Parameters: Codable, Sendable {
        /// Count every episode again.
        var whole: Bool
    }

    let reports: RegionalReports
    var kind: String { Self.kind }
    var completesItself: Bool { true }

    func run(_ job: ClaimedJob) async throws {
        let parameters = try JSONDecoder().decode(Parameters.self, from: job.parameters)
        _ = try await reports.refresh(as: job.context, whole: parameters.whole, job: job)
    }

    /// Nothing to undo: a failed refresh rolled back, and the job's row holds the reason.
    func abandon(_ job: ClaimedJob, reason: String) async throws {}
}
