import ArgumentParser
import Foundation
import Server

/// `strokepath token issue`: development tokens signed with the local development key.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Mint development access tokens.",
        subcommands: [Issue.self]
    )

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a bearer token signed with the local development key (created on first use).",
            discussion: """
                For trying the API on a service that runs with the development key (no \
                STROKEPATH_JWT_JWKS configured). Example:
                  curl -H "Authorization: Bearer $(strokepath token issue --role clinician --org <uuid>)" localhost:8080/api/v1/me
                """
        )

        @Option(help: "Role: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String
        @Option(help: "An organisation the user acts for (repeat for several).") var org: [String] = []
        @Option(help: "Lifetime: seconds, or a number with s, m or h (default 8h).") var ttl = "8h"
        @Option(help: "The user's subject id.") var subject = "dev-user"
        @Option(help: "The user's display name.") var name = "Development User"

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("unknown role \(role); choose one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            for organisation in org where UUID(uuidString: organisation) == nil {
                throw ValidationError("--org must be an organisation id (UUID), not \(organisation)")
            }
            guard let lifetime = Self.seconds(ttl), lifetime > 0, lifetime <= 7 * 86_400 else {
                throw ValidationError("--ttl must be a positive lifetime of at most 7 days, like 900, 30m or 8h")
            }
        }

        func run() async throws {
            let identity = Identity(
                subject: subject,
                name: name,
                role: Role(rawValue: role) ?? .clinician,
                organisations: org.compactMap(UUID.init(uuidString:))
            )
            let token = try await DevelopmentKey.issueToken(
                for: identity, lifetime: Self.seconds(ttl) ?? 28_800, keyFile: AuthenticationEnvironment.developmentKeyFile()
            )
            Console.line(token)
        }

        /// "900", "900s", "30m", "8h" in seconds.
        static func seconds(_ text: String) -> TimeInterval? {
            let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600]
            if let unit = text.last, let factor = units[unit], let value = Double(text.dropLast()) { return value * factor }
            return Double(text)
        }
    }
}
