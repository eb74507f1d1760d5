public import AcuteCare
public import Clinical
public import Foundation
public import Logging
public import Postgres
import Synchronization

/// The acute use case: read a presentation, choose the profile (the request's, else the
/// organisation's, else the protocol's), evaluate, and keep the evaluation with its audit
/// record — in the database, or in the durable spool when the database does not answer in
/// time — before answering. The server only adapts HTTP to it.
public final class AcuteDecisionSupport: Sendable {
    public let evaluator: AcuteEvaluator
    public let evaluations: AcuteEvaluations
    /// The spool the service runs (it drains to the database when the database returns).
    public let spool: EvaluationSpool
    private let reader: PresentationReader
    /// How long an evaluation waits for the database before it is spooled.
    public let storeTimeout: Duration
    private let logger: Logger
    /// Organisation → default profile and when it was read: reused for a minute, and kept
    /// so that evaluation works without the database.
    private let profiles = Mutex<[UUID: (profile: String, read: ContinuousClock.Instant)]>([:])
    private static let profileLifetime = Duration.seconds(60)

    public init(evaluator: AcuteEvaluator, pool: PostgresPool, audit: AuditWriter, spoolDirectory: URL, storeTimeout: Duration, logger: Logger) {
        self.evaluator = evaluator
        reader = PresentationReader(protocol: evaluator.acute)
        evaluations = AcuteEvaluations(pool: pool, audit: audit)
        spool = EvaluationSpool(directory: spoolDirectory, evaluations: evaluations, logger: logger)
        self.storeTimeout = storeTimeout
        self.logger = logger
    }

    /// Where an evaluation was kept.
    public enum Kept: String, Sendable, Encodable {
        case database, spool
    }

    public struct Answer: Sendable {
        public var id: UUID
        public var kept: Kept
        public var episode: UUID?
        /// The evaluation exactly as stored, and as a value.
        public var evaluation: Data
        public var result: AcuteEvaluation
        /// The presentation as read (to say the same answer in another language).
        public var presentation: Presentation
    }

    /// Evaluates a presentation document; `input` is what is stored as the request. Throws
    /// `InputProblems` for an invalid presentation and `Refusal` for an unknown profile,
    /// episode or organisation; a `Refusal` with the service unavailable when the evaluation
    /// could be kept nowhere (it is then not given).
    public func evaluate(_ json: JSONValue, input: Data, profile requested: String?, episode: UUID?, as access: AccessContext) async throws -> Answer {
        guard let organisation = access.organisations.first else {
            throw Refusal.notPermitted("An acute evaluation needs an organisation you act for.")
        }
        let presentation = try reader.read(json)
        let profile = try await chooseProfile(requested, organisation: organisation)
        let evaluation = try evaluator.evaluate(presentation, profile: profile)
        let output = Data(evaluation.jsonBytes)
        let record = AcuteEvaluationRecord(
            id: UUID(), organisationId: organisation, episodeId: episode, evaluatedAt: Date(), subject: access.subject, role: access.role,
            organisations: access.organisations, profile: evaluation.profile, protocolVersion: evaluation.protocolVersion,
            outcomeModel: evaluation.outcomeModel, ivtStatus: evaluation.ivt.status, evtRecommendation: evaluation.evt.recommendation,
            input: input, output: output, requestId: access.requestID, clientAddress: access.clientAddress
        )
        return Answer(id: record.id, kept: try await keep(record), episode: episode, evaluation: output, result: evaluation, presentation: presentation)
    }

    /// The organisation's own setting of its default profile.
    public func profileSetting(of organisation: UUID) async throws -> OrganisationSettings.AcuteProfile {
        try await OrganisationSettings.acuteProfile(of: organisation, pool: evaluations.pool)
    }

    /// Sets an organisation's default profile (nil: follow the protocol's default), audited;
    /// evaluations use it at once. An unknown profile or organisation is refused.
    public func setProfile(_ profile: String?, of organisation: UUID, as access: AccessContext) async throws {
        try access.requireActing(for: organisation)
        let known = evaluator.acute.profiles.map(\.id)
        if let profile, !known.contains(profile) {
            throw Refusal(
                .invalidField, "invalid-body", field: "profile", message: "must be one of \(known.joined(separator: ", ")), or null for the protocol's default")
        }
        guard try await OrganisationSettings.setAcuteProfile(profile, of: organisation, as: access, pool: evaluations.pool) else {
            throw Refusal.notFound("No such organisation.")
        }
        remember(profile: profile ?? evaluator.acute.defaultProfile, for: organisation)
    }

    /// Stores the record with its audit row, or spools it when the database is away.
    private func keep(_ record: AcuteEvaluationRecord) async throws -> Kept {
        let evaluations = self.evaluations
        do {
            _ = try await withDeadline(storeTimeout) { try await evaluations.store(record) }
            return .database
        } catch let refusal as Refusal {
            throw refusal
        } catch let error as PostgresError where !error.isUnavailable && error.code != .queryCancelled {
            throw error
        } catch {
            do {
                try spool.keep(record)
            } catch {
                logger.critical("an acute evaluation could be kept neither in the database nor in the spool", metadata: ["error": "\(error)"])
                throw Refusal.notKept
            }
            logger.warning("database unavailable: acute evaluation spooled", metadata: ["evaluation": "\(record.id)"])
            return .spool
        }
    }

    private func chooseProfile(_ requested: String?, organisation: UUID) async throws -> String {
        let known = evaluator.acute.profiles.map(\.id)
        if let requested {
            guard known.contains(requested) else { throw Refusal.unknownProfile(known: known) }
            return requested
        }
        let cached = profiles.withLock { $0[organisation] }
        if let cached, ContinuousClock.now - cached.read < Self.profileLifetime { return cached.profile }
        let pool = evaluations.pool
        switch try? await withDeadline(storeTimeout, { try await OrganisationSettings.acuteProfile(of: organisation, pool: pool) }) {
        case .chosen(let stored)? where known.contains(stored):
            remember(profile: stored, for: organisation)
            return stored
        case .protocolDefault?:
            remember(profile: evaluator.acute.defaultProfile, for: organisation)
            return evaluator.acute.defaultProfile
        default:
            break
        }
        return cached?.profile ?? evaluator.acute.defaultProfile
    }

    /// Remembers an organisation's default (after reading it, or after an administrator set it).
    private func remember(profile: String, for organisation: UUID) {
        profiles.withLock { $0[organisation] = (profile, ContinuousClock.now) }
    }
}

extension Refusal {
    /// The evaluation could be kept neither in the database nor in the spool, so it is not given.
    public static let notKept = Refusal(
        .unavailable, "storage-unavailable",
        message: "The database cannot be reached and this instance's spool cannot keep the record (its disk may be full), so the evaluation "
            + "could not be recorded and is not given. Try again shortly; the failure is logged for the operators.")
}
