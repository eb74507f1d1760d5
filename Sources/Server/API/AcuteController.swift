import AcuteCare
import Clinical
import Foundation
import Hummingbird
import Storage

/// The acute operations: evaluate a presentation, read a stored evaluation back exactly as
/// given, the protocol's profiles, and an organisation's default profile.
struct AcuteController: Sendable {
    let acute: AcuteDecisionSupport

    var endpoints: RouteCollection<AppRequestContext> {
        RouteCollection(context: AppRequestContext.self)
            .post("/acute/evaluate", use: evaluate)
            .get("/acute/evaluations/:id", use: evaluation)
            .get("/acute/protocol", use: protocolSummary)
            .put("/organisations/:id/acute-profile", use: setProfile)
    }

    @Sendable func evaluate(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        let profile = request.uri.queryParameters["profile"].map(String.init)
        let episode = try QueryParameter.uuid(request, "episode")
        let input = Data(body.readableBytesView)
        let presentation: JSONValue
        do {
            presentation = try JSONParser.parse(input)
        } catch {
            throw Problem(.badRequest, "invalid-body", detail: "The body is not JSON (\(error.description)).")
        }
        try presentation.checkText()
        let answer = try await acute.evaluate(presentation, input: input, profile: profile, episode: episode, as: try context.accessContext())
        var json = JSONWriter()
        json.object { json in
            json.field("episode_id", answer.episode?.uuidString)
            json.key("evaluation")
            json.raw(answer.evaluation)
            json.field("evaluation_id", answer.id.uuidString)
            json.field("stored", answer.kept.rawValue)
        }
        return RawJSON(bytes: Data(json.bytes), status: .created)
    }

    @Sendable func evaluation(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let id = try QueryParameter.id(context, "evaluation")
        guard let found = try await acute.evaluations.find(id, as: try context.accessContext()) else {
            throw Refusal.notFound("No evaluation with that id is accessible to you.")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        let summary = try encoder.encode(found.summary)
        var json = JSONWriter()
        json.object { json in
            json.key("evaluation")
            json.raw(found.output)
            json.key("presentation")
            json.raw(found.input)
            json.key("summary")
            json.raw(summary)
        }
        return RawJSON(bytes: Data(json.bytes))
    }

    @Sendable func protocolSummary(_ request: Request, context _: AppRequestContext) async throws -> some ResponseGenerator {
        let acute = acute.evaluator.acute
        return
            (ProtocolSummary(
                version: acute.version, defaultProfile: acute.defaultProfile,
                profiles: acute.profiles.map {
                    .init(id: $0.id, title: $0.title, jurisdiction: $0.jurisdiction, supersededBy: $0.supersededBy, verification: $0.verification)
                },
                sources: acute.sources.mapValues { .init(citation: $0.citation, doi: $0.doi, evidence: $0.evidence) }
            ))
    }

    @Sendable func setProfile(_ request: Request, context: AppRequestContext) async throws -> some ResponseGenerator {
        let organisation = try QueryParameter.id(context, "organisation")
        let body = try await request.decode(as: ProfileChoice.self, context: context)
        try await acute.setProfile(body.profile, of: organisation, as: try context.accessContext())
        return body
    }

    /// An organisation's choice; nil follows the protocol's default profile.
    struct ProfileChoice: Codable, ResponseEncodable {
        var profile: String?

        enum CodingKeys: String, CodingKey {
            case profile
        }

        init(profile: String?) {
            self.profile = profile
        }

        /// `profile` must be present (null to follow the default): a body without it changes nothing.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            guard container.contains(.profile) else {
                throw DecodingError.keyNotFound(
                    CodingKeys.profile, .init(codingPath: [], debugDescription: "profile is required (null for the protocol's default)"))
            }
            profile = try container.decodeIfPresent(String.self, forKey: .profile)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(profile, forKey: .profile)
        }
    }

    struct ProtocolSummary: Encodable, ResponseEncodable {
        struct Profile: Encodable {
            var id: String
            var title: String
            var jurisdiction: String
            var supersededBy: String?
            var verification: String?
        }

        struct Source: Encodable {
            var citation: String
            var doi: String?
            var evidence: String
        }

        var version: String
        var defaultProfile: String
        var profiles: [Profile]
        var sources: [String: Source]
    }
}
