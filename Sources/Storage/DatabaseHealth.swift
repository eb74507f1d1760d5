public import Postgres

extension PostgresPool {
    /// Why the database does not answer `SELECT 1` within `timeout`, or nil if it does. The
    /// reason is the error's kind only (never a server message).
    public func unanswered(within timeout: Duration) async -> String? {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    _ = try await self.query("SELECT 1")
                    return nil
                } catch let error as PostgresError {
                    return error.code.description
                } catch {
                    return "unknown error"
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return "no answer within \(timeout)"
            }
            let first = await group.next() ?? "unknown error"
            group.cancelAll()
            return first
        }
    }
}
