public import Clinical
public import Foundation
import Postgres
public import Rehabilitation

/// A stored weekly plan: the exported instance, the solver's schedule with its score and
/// the sessions it could not place with their reasons; reviewed, then published or discarded.
public struct RehabPlan: Sendable, Codable, Equatable {
    public var id: UUID
    public var organisationId: UUID
    public var weekStart: CalendarDay
    public var status: PlanStatus
    public var seconds: Int
    /// 0–1 while running.
    public var progress: Double
    public var objective: Int?
    public var schedule: [ScheduleRow]?
    /// The score.py breakdown: hard violations, soft terms, KPIs.
    public var score: PlanScore?
    public var unplaced: [PlanUnplaced]?
    /// For a re-plan: what changed against the week as it was booked.
    public var changes: PlanChanges?
    public var error: String?
    public var createdBy: String
    public var createdAt: Date
    public var publishedAt: Date?
}

/// A plan's score as stored.
public struct PlanScore: Sendable, Codable, Equatable {
    public var feasible: Bool
    public var objective: Int
    public var hard: [String: Int]
    public var soft: [String: Int]
    public var kpi: [String: Double]

    public init(_ score: ScheduleScore) {
        feasible = score.feasible
        objective = score.objective
        hard = score.hard
        soft = score.soft
        kpi = score.kpi
    }
}

/// Sessions of a prescription the plan could not place, and why.
public struct PlanUnplaced: Sendable, Codable, Equatable {
    public var prescription: String
    public var patient: String
    public var modality: String
    public var prescribed: Int
    public var missing: Int
    public var reason: String
    public var explanation: String

    public init(_ session: UnplacedSession) {
        prescription = session.prescription
        patient = session.patient
        modality = session.modality
        prescribed = session.prescribed
        missing = session.missing
        reason = session.reason.rawValue
        explanation = session.reason.english
    }
}

/// What a re-plan changed against the booked week, each row as a coordinator reads it.
public struct PlanChanges: Sendable, Codable, Equatable {
    public var kept: Int
    /// Booked sessions that no longer fit (the change that prompted the re-plan).
    public var displaced: [String]
    /// Booked sessions the new plan moves or drops.
    public var removed: [String]
    /// Sessions it adds or moves to.
    public var added: [String]

    public init(_ replan: WeeklySolver.Replan, week: RehabWeek) {
        kept = replan.kept.count
        displaced = replan.displaced.map { $0.describe(in: week) }
        removed = replan.removed.map { $0.describe(in: week) }
        added = replan.added.map { $0.describe(in: week) }
    }
}

/// Weekly plans: stored solves, their progress, review and publication.
public struct RehabPlans: Sendable {
    public let sessions: RehabSessions
    public let transfer: RehabScheduleTransfer

    public init(sessions: RehabSessions) {
        self.sessions = sessions
        transfer = RehabScheduleTransfer(sessions: sessions)
    }

    /// Stores a plan of the clinic's week with the exported instance and, with `solve`, queues
    /// its solve as a durable job in the same transaction; returns the plan's id.
    func queue(
        clinic: UUID, week: CalendarDay, seconds: Int, export: RehabWeekExport, solve: PlanSolveJob.Parameters?, as context: AccessContext
    ) async throws -> UUID {
        guard (1...600).contains(seconds) else { throw Refusal.invalid("seconds", "must be 1 to 600") }
        let parameters = try solve.map { try JSONEncoder().encode($0) }
        return try await sessions.pool.withAccess(context) { connection in
            let id = try await connection.query(
                """
                INSERT INTO rehab_plans (organisation_id, week_start, seconds, instance, created_by)
                VALUES (\(clinic), \(week.description)::date, \(seconds), \(String(decoding: export.document, as: UTF8.self))::jsonb, \(context.subject))
                RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            if let parameters {
                try await JobQueue.enqueue(
                    kind: PlanSolveJob.kind, organisation: clinic, target: id, parameters: parameters, policy: PlanSolveJob.policy, on: connection)
            }
            return id
        }
    }

    /// A plan still to be solved: its time and the stored instance; nil when it is solved,
    /// failed or gone (a solve run again after its worker died has nothing to do).
    func solveInput(_ plan: UUID, as context: AccessContext) async throws -> (seconds: Int, week: RehabWeek)? {
        let stored = try await sessions.pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                "SELECT seconds, instance::text FROM rehab_plans WHERE id = \(plan) AND status = ANY(\(PlanStatus.names(from: .finish)))",
                prepared: true
            ).first?.decode((Int, String).self)
        }
        guard let (seconds, instance) = stored else { return nil }
        return (seconds, try RehabWeek.decode(Data(instance.utf8)))
    }

    /// Records a running plan's progress.
    public func progress(_ plan: UUID, fraction: Double, objective: Int?, as context: AccessContext) async throws {
        try await sessions.pool.withAccess(context) { connection in
            try await connection.query(
                """
                UPDATE rehab_plans SET status = \(PlanStatus.running.rawValue), progress = \(min(max(fraction, 0), 1)), objective = \(objective),
                    started_at = coalesce(started_at, now())
                WHERE id = \(plan) AND status = ANY(\(PlanStatus.names(from: .progress)))
                """, prepared: true)
        }
    }

    /// Stores a finished solve: schedule, score, the unplaced sessions with reasons and, for a
    /// re-plan, what changed.
    public func finish(_ plan: UUID, result: WeeklySolver.Result, week: RehabWeek, changes: PlanChanges? = nil, as context: AccessContext) async throws {
        let score = ScheduleScorer(week: week, dailyTarget: sessions.catalogue.scheduleDailyTarget).score(result.rows.map(ScheduleScorer.Row.init))
        let unplaced = try WeeklySolver(week: week).explain(result.rows).map(PlanUnplaced.init)
        let encoder = JSONEncoder()
        let schedule = String(decoding: try encoder.encode(result.rows), as: UTF8.self)
        let scoreJSON = String(decoding: try encoder.encode(PlanScore(score)), as: UTF8.self)
        let unplacedJSON = String(decoding: try encoder.encode(unplaced), as: UTF8.self)
        let changesJSON = try changes.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        try await sessions.pool.withAccess(context) { connection in
            try await connection.query(
                """
                UPDATE rehab_plans SET status = \(PlanStatus.done.rawValue), progress = 1, objective = \(score.objective), schedule = \(schedule)::jsonb,
                    score = \(scoreJSON)::jsonb, unplaced = \(unplacedJSON)::jsonb, changes = \(changesJSON)::jsonb, finished_at = now()
                WHERE id = \(plan) AND status = ANY(\(PlanStatus.names(from: .finish)))
                """, prepared: true)
        }
    }

    /// The week's booked plan sessions that have not started and nobody attended, as schedule
    /// rows of the clinic's export (what a re-plan starts from; the others are fixed and
    /// already left out of the exported week).
    public func bookedRows(clinic: UUID, week: CalendarDay, as context: AccessContext) async throws -> [ScheduleRow] {
        try await sessions.pool.withAccess(context, readOnly: true) { connection in
            let settings = try await ClinicSettings.load(clinic, on: connection)
            let codes = try await ScheduleCodes.load(clinic: clinic, week: week, on: connection)
            let pseudonyms = Dictionary(codes.patients.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
            let entries = try await RehabSessions.timetable(
                TimetableQuery(
                    clinic: clinic, from: settings.instant(week, ClockTime(clamping: 0)),
                    to: settings.instant(week.adding(days: 7), ClockTime(clamping: 0))),
                on: connection)
            let now = Date()
            return entries.filter { $0.planId != nil && $0.start >= now && $0.participants.allSatisfy { $0.attendance == nil } }.flatMap { entry in
                entry.participants.filter { !$0.cancelled }.compactMap { participant -> ScheduleRow? in
                    guard let patient = pseudonyms[participant.patientId] else { return nil }
                    let local = settings.local(entry.start)
                    return ScheduleRow(
                        patient: patient, modality: entry.modality, therapist: entry.therapistCode, room: entry.roomCode,
                        day: week.days(to: local.day), start: (local.minutes - settings.dayStart.minutes) / settings.slotMinutes,
                        length: Int(entry.end.timeIntervalSince(entry.start) / 60) / settings.slotMinutes)
                }
            }
        }
    }

    /// Marks a plan failed, saying why.
    public func fail(_ plan: UUID, error: String, as context: AccessContext) async throws {
        try await sessions.pool.withAccess(context) { connection in
            try await connection.query(
                """
                UPDATE rehab_plans SET status = \(PlanStatus.failed.rawValue), error = \(String(error.prefix(500))), finished_at = now()
                WHERE id = \(plan) AND status = ANY(\(PlanStatus.names(from: .fail)))
                """, prepared: true)
        }
    }

    /// Stores a solve made elsewhere (the demo seed) as a done plan; returns its id.
    public func store(
        solved result: WeeklySolver.Result, export: RehabWeekExport, week: CalendarDay, clinic: UUID,
        as context: AccessContext
    ) async throws -> UUID {
        let id = try await queue(
            clinic: clinic, week: week, seconds: max(1, Int(result.seconds.rounded(.up))), export: export, solve: nil, as: context)
        try await finish(id, result: result, week: export.week, as: context)
        return id
    }

    /// A plan, or nil.
    public func plan(_ id: UUID, as context: AccessContext) async throws -> RehabPlan? {
        try await sessions.pool.withAccess(context, readOnly: true) { connection in
            guard
                let row = try await connection.query(
                    """
                    SELECT organisation_id, week_start::text, status, seconds, progress::float8, objective, schedule::text, score::text, unplaced::text,
                           error, created_by, created_at, published_at, changes::text
                    FROM rehab_plans WHERE id = \(id)
                    """, prepared: true
                ).first
            else { return nil }
            let (organisation, week, status, seconds, progress, objective, schedule, score, unplaced, error, createdBy, createdAt, publishedAt, changes) =
                try row.decode((UUID, CalendarDay, PlanStatus, Int, Double, Int?, String?, String?, String?, String?, String, Date, Date?, String?).self)
            let decoder = JSONDecoder()
            func json<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
                try text.map { try decoder.decode(T.self, from: Data($0.utf8)) }
            }
            return RehabPlan(
                id: id, organisationId: organisation, weekStart: week, status: status, seconds: seconds, progress: progress, objective: objective,
                schedule: try json([ScheduleRow].self, schedule), score: try json(PlanScore.self, score), unplaced: try json([PlanUnplaced].self, unplaced),
                changes: try json(PlanChanges.self, changes), error: error, createdBy: createdBy, createdAt: createdAt, publishedAt: publishedAt)
        }
    }

    /// The newest plan of a clinic's week that was solved (done or published), or nil.
    public func latest(clinic: UUID, week: CalendarDay, as context: AccessContext) async throws -> RehabPlan? {
        let id = try await sessions.pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT id FROM rehab_plans
                WHERE organisation_id = \(clinic) AND week_start = \(week.description)::date
                  AND status = ANY(\([PlanStatus.done, .published].map(\.rawValue)))
                ORDER BY created_at DESC LIMIT 1
                """, prepared: true
            ).first?.decode(UUID.self)
        }
        guard let id else { return nil }
        return try await plan(id, as: context)
    }

    /// Books a done plan's schedule (replacing earlier plans' sessions of the week that have
    /// not started and nobody attended), all or nothing, and marks it published — in one
    /// transaction, so a plan is published once.
    public func publish(_ id: UUID, as context: AccessContext) async throws -> ScheduleImportResult {
        guard let plan = try await plan(id, as: context) else { throw Refusal.unknownPlan }
        guard plan.status.after(.publish) != nil, let rows = plan.schedule else { throw Refusal.planNotReady(plan.status.rawValue) }
        return try await transfer.importSchedule(rows, clinic: plan.organisationId, week: plan.weekStart, plan: id, replace: true, as: context)
    }

    /// Discards a plan that was not published; false if there is none such.
    public func discard(_ id: UUID, as context: AccessContext) async throws -> Bool {
        try await sessions.pool.withAccess(context) { connection in
            try await connection.query(
                """
                UPDATE rehab_plans SET status = \(PlanStatus.discarded.rawValue)
                WHERE id = \(id) AND status = ANY(\(PlanStatus.names(from: .discard))) RETURNING id
                """, prepared: true
            ).first != nil
        }
    }
}
