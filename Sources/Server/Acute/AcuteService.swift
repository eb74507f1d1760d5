import AcuteCare
import Foundation
import HTTPTypes
import Logging
import Postgres
import Storage
import Synchronization

/// Acute evaluations as the API serves them: validate the presentation, choose the profile
/// (the request's, else the organisation's, else the protocol's), evaluate, and keep the
/// evaluation with its audit record — in the database, or in the durable spool when the
/// database does not answer in time — before answering.
final class AcuteService: Sendable {
    let evaluator: AcuteEvaluator
    private let reader: PresentationReader
    let evaluations: AcuteEvaluations
    let spool: EvaluationSpool
    private let pool: PostgresPool
    private let storeTimeout: Duration
    private let logger: Logger
    /// Organisation → default profile and when it was read: reused for a minute, and kept
    /// so that evaluation works without the database.
    private let profiles = Mutex<[UUID: (profile: String, read: ContinuousClock.Instant)]>([:])
    private static let profileLifetime = Duration.seconds(60)

    init(
        evaluator: AcuteEvaluator, evaluations: AcuteEvaluations, spool: EvaluationSpool, pool: PostgresPool,
        storeTimeout: Duration, logger: Logger
    ) {
        self.evaluator = evaluator
        reader = PresentationReader(protocol: evaluator.acute)
        self.evaluations = evaluations
        self.spool = spool
        self.pool = pool
        self.storeTimeout = storeTimeout
        self.logger = logger
    }

    /// Where an evaluation was kept.
    enum Storage: String, Encodable {
        case database, spool
    }

    struct Answer {
        var id: UUID
        var storage: Storage
        var episode: UUID?
        /// The evaluation exactly as stored, and as a value.
        var evaluation: Data
        var result: AcuteEvaluation
    }

    /// Evaluates a request body (a presentation as JSON).
    func evaluate(body: Data, profile: String?, episode: UUID?, access: AccessContext) async throws -> Answer {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body)
        } catch {
            throw Problem(.badRequest, "invalid-body", detail: "The body is not JSON (\(error.description)).")
        }
        return try await evaluate(json, input: body, profile: profile, episode: episode, access: access)
    }

    /// Evaluates a presentation document; `input` is what is stored as the request.
    func evaluate(_ json: JSONValue, input body: Data, profile requested: String?, episode: UUID?, access: AccessContext) async throws -> Answer {
        guard let organisation = access.organisations.first else {
            throw Problem(.forbidden, "forbidden", detail: "An acute evaluation needs an organisation you act for.")
        }
        let presentation: Presentation
        do {
            presentation = try reader.read(json)
        } catch {
            var problem = Problem(.unprocessableContent, "invalid-presentation", detail: "The presentation has \(error.problems.count) invalid field(s).")
            problem.errors = error.problems.map { Problem.FieldError(field: $0.field, detail: $0.message) }
            throw problem
        }
        let profile = try await chooseProfile(requested, organisation: organisation)
        let evaluation = try evaluator.evaluate(presentation, profile: profile)
        let output = Data(evaluation.jsonBytes)
        let record = AcuteEvaluationRecord(
            id: UUID(), organisationId: organisation, episodeId: episode, evaluatedAt: Date(), subject: access.subject, role: access.role,
            organisations: access.organisations, profile: evaluation.profile, protocolVersion: evaluation.protocolVersion,
            outcomeModel: evaluation.outcomeModel, ivtStatus: evaluation.ivt.status, evtRecommendation: evaluation.evt.recommendation,
            input: body, output: output, requestId: access.requestID, clientAddress: access.clientAddress
        )
        return Answer(id: record.id, storage: try await keep(record), episode: episode, evaluation: output, result: evaluation)
    }

    /// Stores the record with its audit row, or spools it when the database is away.
    private func keep(_ record: AcuteEvaluationRecord) async throws -> Storage {
        let evaluations = self.evaluations
        do {
            _ = try await withDeadline(storeTimeout) { try await evaluations.store(record) }
            return .database
        } catch is AcuteEvaluations.EpisodeNotFound {
            throw Problem(.notFound, "not-found", detail: "No episode with that id is accessible to you.")
        } catch let error as PostgresError where !error.isUnavailable && error.code != .queryCancelled {
            throw error
        } catch let error as Problem {
            throw error
        } catch {
            do {
                try spool.keep(record)
            } catch {
                logger.critical("an acute evaluation could be kept neither in the database nor in the spool", metadata: ["error": "\(error)"])
                throw Problem(.serviceUnavailable, "storage-unavailable", detail: "The evaluation could not be recorded; it was not given.")
            }
            logger.warning("database unavailable: acute evaluation spooled", metadata: ["evaluation": "\(record.id)"])
            return .spool
        }
    }

    private func chooseProfile(_ requested: String?, organisation: UUID) async throws -> String {
        let known = evaluator.acute.profiles.map(\.id)
        if let requested {
            guard known.contains(requested) else {
                var problem = Problem(.unprocessableContent, "invalid-presentation", detail: "Unknown profile \(requested).")
                problem.errors = [.init(field: "profile", detail: "must be one of \(known.joined(separator: ", "))")]
                throw problem
            }
            return requested
        }
        let cached = profiles.withLock { $0[organisation] }
        if let cached, ContinuousClock.now - cached.read < Self.profileLifetime { return cached.profile }
        let pool = self.pool
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
    func remember(profile: String, for organisation: UUID) {
        profiles.withLock { $0[organisation] = (profile, ContinuousClock.now) }
    }
}
