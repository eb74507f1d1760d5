import Foundation
import Testing

@testable import Server

/// The identity provider's settings from the environment (issue 20): a complete set gives
/// the provider, and every missing or unusable value stops start-up naming the variable.
@Suite struct AuthenticationEnvironmentTests {
    static let complete = [
        "STROKEPATH_OIDC_ISSUER": "https://login.region.example/realms/care", "STROKEPATH_OIDC_CLIENT_ID": "strokepath",
        "STROKEPATH_OIDC_CLIENT_SECRET": "s3cret", "STROKEPATH_PUBLIC_URL": "https://strokepath.region.example/",
        "STROKEPATH_OIDC_ROLE_CLAIM": "groups", "STROKEPATH_OIDC_ROLE_MAP": "stroke-team=clinician",
        "STROKEPATH_OIDC_SESSION_HOURS": "10", "STROKEPATH_OIDC_FORM_ORIGINS": "https://adfs.region.example",
    ]

    @Test func aCompleteSetGivesTheProvider() throws {
        let settings = try AuthenticationEnvironment.settings(Self.complete)
        let openID = try #require(settings.openID)
        #expect(openID.redirectURI.absoluteString == "https://strokepath.region.example/sign-in/callback")
        #expect(openID.mapping.roles == ["stroke-team": .clinician])
        #expect(openID.sessionLifetime == .seconds(36_000))
        #expect(openID.formOrigins == ["https://adfs.region.example"])
        #expect(openID.accessTokenClaim == "client_id")
        #expect(settings.audience == "strokepath" && settings.issuer == "https://login.region.example/realms/care")
        #expect(!settings.isDevelopment)
    }

    @Test(arguments: [
        ("STROKEPATH_OIDC_ISSUER", "login.region.example", "STROKEPATH_OIDC_ISSUER must be"),
        ("STROKEPATH_OIDC_ISSUER", "http://login.region.example", "http only on this machine's loopback"),
        ("STROKEPATH_OIDC_CLIENT_ID", "", "STROKEPATH_OIDC_CLIENT_ID must be too"),
        ("STROKEPATH_OIDC_CLIENT_SECRET", "", "STROKEPATH_OIDC_CLIENT_SECRET or STROKEPATH_OIDC_CLIENT_SECRET_FILE"),
        ("STROKEPATH_OIDC_CLIENT_SECRET_FILE", "/nonexistent/secret", "cannot be read"),
        ("STROKEPATH_PUBLIC_URL", "", "STROKEPATH_PUBLIC_URL must be the address"),
        ("STROKEPATH_PUBLIC_URL", "https://strokepath.region.example/app", "without a path"),
        ("STROKEPATH_OIDC_ROLE_MAP", "stroke-team=doctor", "STROKEPATH_OIDC_ROLE_MAP: \"stroke-team=doctor\""),
        ("STROKEPATH_OIDC_ORGANISATION_MAP", "HSA1=not-an-id", "STROKEPATH_OIDC_ORGANISATION_MAP: \"HSA1=not-an-id\""),
        ("STROKEPATH_OIDC_SYSTEMS", "registry=planner", "STROKEPATH_OIDC_SYSTEMS: \"registry=planner\""),
        ("STROKEPATH_OIDC_SYSTEMS", "strokepath=admin@5e1d0000-0000-4000-8000-000000000001", "names this service's own client strokepath"),
        ("STROKEPATH_OIDC_SESSION_HOURS", "72", "from 1 to 24"),
        ("STROKEPATH_OIDC_FORM_ORIGINS", "https://adfs.region.example/path", "without paths"),
        ("STROKEPATH_JWT_JWKS", "/etc/strokepath/keys.json", "not both"),
    ])
    func eachUnusableValueIsNamed(variable: String, value: String, says: String) {
        var environment = Self.complete
        environment[variable] = value
        let error = #expect(throws: ConfigurationError.self) { try AuthenticationEnvironment.settings(environment) }
        #expect(error?.description.contains(says) == true, "\(error?.description ?? "no error")")
    }

    @Test func anEmptySecretFileIsRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try Data("\n".utf8).write(to: file)
        var environment = Self.complete
        environment["STROKEPATH_OIDC_CLIENT_SECRET_FILE"] = file.path
        let error = #expect(throws: ConfigurationError.self) { try AuthenticationEnvironment.settings(environment) }
        #expect(error?.description.contains("is empty") == true)
    }
}
