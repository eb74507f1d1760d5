public import Postgres
public import Rehabilitation

/// The rehab feature's entry types, built once on the service's pool and handed to its
/// routes and pages: resources (therapists, rooms, settings), stays and prescriptions,
/// sessions (booking, series, attendance, timetable), the waitlist, and weekly planning.
public struct RehabClinic: Sendable {
    public let catalogue: RehabCatalogue
    public let resources: RehabResources
    public let stays: RehabStays
    public let sessions: RehabSessions
    public let waitlist: RehabWaitlist
    public let plans: RehabPlans
    public var transfer: RehabScheduleTransfer { plans.transfer }
    public let planning: RehabPlanning
    /// The durable jobs the feature queues (weekly solves), for the service's `JobWorker`.
    public var jobHandlers: [any JobHandler] { [PlanSolveJob(plans: plans)] }

    public init(pool: PostgresPool, catalogue: RehabCatalogue) {
        self.catalogue = catalogue
        resources = RehabResources(pool: pool)
        stays = RehabStays(pool: pool, catalogue: catalogue)
        sessions = RehabSessions(pool: pool, catalogue: catalogue)
        waitlist = RehabWaitlist(sessions: sessions)
        plans = RehabPlans(sessions: sessions)
        planning = RehabPlanning(plans: plans, resources: resources)
    }
}
