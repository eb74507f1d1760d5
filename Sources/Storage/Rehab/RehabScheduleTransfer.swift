/// A clinic's week out and in: exported as a `rehab-week/1` instance for a solver (this
/// service's or another), and a solved schedule booked back, all or nothing.
public struct RehabScheduleTransfer: Sendable {
    public let sessions: RehabSessions

    public init(sessions: RehabSessions) {
        self.sessions = sessions
    }
}
