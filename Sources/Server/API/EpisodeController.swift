import Clinical
import Foundation
import Hummingbird
import Storage

/// Stroke episodes with their acute time stamps, and each episode's evaluations.
struct EpisodeController: Sendable {
    let episodes: AcuteEpisodes
    let evaluations: AcuteEvaluations

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("/episodes", use: open)
            .get("/episodes/:id", use: episode)
            .patch("/episodes/:id", use: update)
            .get("/episodes/:id/evaluations", use: evaluations)
    }

    @Sendable func open(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let members = try await Self.body(request, context)
        var reader = EpisodeChangesReader()
        let changes = reader.read(members, allowing: ["patientId", "organisationId"])
        let patient = reader.uuid(members["patientId"], "patientId")
        let organisation = reader.uuid(members["organisationId"], "organisationId")
        if let problem = reader.problem { throw problem }
        guard let patient, let organisation else {
            throw Problem(.unprocessableContent, "invalid-body", detail: "patientId and organisationId are required.")
        }
        let access = try context.accessContext()
        guard access.organisations.contains(organisation) else {
            throw Refusal.notPermitted("You do not act for that organisation.")
        }
        let episode = try await episodes.create(patient: patient, organisation: organisation, changes: changes, as: access)
        return answer(episode, status: .created)
    }

    @Sendable func episode(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "episode")
        guard let episode = try await episodes.find(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No episode with that id is accessible to you.")
        }
        return episode
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "episode")
        var reader = EpisodeChangesReader()
        let changes = reader.read(try await Self.body(request, context))
        if let problem = reader.problem { throw problem }
        guard let episode = try await episodes.update(id, changes: changes, as: try context.accessContext()) else {
            throw Refusal.notFound("No episode with that id is accessible to you.")
        }
        return episode
    }

    @Sendable func evaluations(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "episode")
        guard let list = try await evaluations.list(episode: id, as: try context.accessContext()) else {
            throw Refusal.notFound("No episode with that id is accessible to you.")
        }
        return list
    }

    /// The body as a JSON object, or 400.
    static func body(_ request: Request, _ context: AppRequestContext) async throws -> [String: JSONValue] {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let members = (try? JSONParser.parse(body.readableBytesView))?.object else {
            throw Problem(.badRequest, "invalid-body", detail: "The body must be a JSON object.")
        }
        try JSONValue.object(members).checkText()
        return members
    }
}
