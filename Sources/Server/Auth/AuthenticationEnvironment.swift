public import Foundation

/// Which tokens `serve` accepts and how staff sign in, from the environment (README,
/// "Configuration"):
/// - the hospital's OpenID provider: `STROKEPATH_OIDC_ISSUER`, `STROKEPATH_OIDC_CLIENT_ID`,
///   `STROKEPATH_OIDC_CLIENT_SECRET` (or `…_SECRET_FILE`), `STROKEPATH_PUBLIC_URL` (where
///   browsers reach the service), optionally the scopes, the API audience and the claim mapping;
/// - else a JWKS file: `STROKEPATH_JWT_JWKS`, `STROKEPATH_JWT_ISSUER` and `STROKEPATH_JWT_AUDIENCE`;
/// - else the local development key (`STROKEPATH_DEV_KEY`, default `.local/dev-signing-key.pem`).
public enum AuthenticationEnvironment {
    public static func settings(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> AuthenticationSettings {
        let value = { (name: String) in environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let issuer = value("STROKEPATH_OIDC_ISSUER") {
            guard value("STROKEPATH_JWT_JWKS") == nil else {
                throw ConfigurationError("set either STROKEPATH_OIDC_ISSUER (the provider's keys) or STROKEPATH_JWT_JWKS (a key file), not both")
            }
            return .provider(try openID(issuer: issuer, value))
        }
        guard let jwks = value("STROKEPATH_JWT_JWKS") else {
            return .development(keyFile: developmentKeyFile(environment))
        }
        guard let issuer = value("STROKEPATH_JWT_ISSUER") else {
            throw ConfigurationError("STROKEPATH_JWT_JWKS is set, so STROKEPATH_JWT_ISSUER must name the trusted issuer")
        }
        return AuthenticationSettings(issuer: issuer, audience: value("STROKEPATH_JWT_AUDIENCE") ?? "strokepath", keys: .jwks(URL(fileURLWithPath: jwks)))
    }

    private static func openID(issuer: String, _ value: (String) -> String?) throws -> OpenIDSettings {
        guard let issuerURL = URL(string: issuer), ["http", "https"].contains(issuerURL.scheme ?? ""), issuerURL.host != nil else {
            throw ConfigurationError("STROKEPATH_OIDC_ISSUER must be the provider's http(s) address, not \(issuer)")
        }
        guard let clientID = value("STROKEPATH_OIDC_CLIENT_ID") else {
            throw ConfigurationError("STROKEPATH_OIDC_ISSUER is set, so STROKEPATH_OIDC_CLIENT_ID must be too")
        }
        let secret: String
        if let file = value("STROKEPATH_OIDC_CLIENT_SECRET_FILE") {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("STROKEPATH_OIDC_CLIENT_SECRET_FILE \(file) cannot be read")
            }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            guard let text = value("STROKEPATH_OIDC_CLIENT_SECRET") else {
                throw ConfigurationError("STROKEPATH_OIDC_ISSUER is set, so STROKEPATH_OIDC_CLIENT_SECRET or STROKEPATH_OIDC_CLIENT_SECRET_FILE must be too")
            }
            secret = text
        }
        guard let base = value("STROKEPATH_PUBLIC_URL"), let publicURL = URL(string: base), ["http", "https"].contains(publicURL.scheme ?? ""),
            let redirect = URL(string: "/sign-in/callback", relativeTo: publicURL)?.absoluteURL
        else { throw ConfigurationError("STROKEPATH_OIDC_ISSUER is set, so STROKEPATH_PUBLIC_URL must be the address browsers reach this service at") }
        var mapping = ClaimMapping.standard
        mapping.roleClaim = value("STROKEPATH_OIDC_ROLE_CLAIM") ?? mapping.roleClaim
        mapping.organisationClaim = value("STROKEPATH_OIDC_ORGANISATION_CLAIM") ?? mapping.organisationClaim
        mapping.nameClaim = value("STROKEPATH_OIDC_NAME_CLAIM") ?? mapping.nameClaim
        do {
            mapping.roles = try value("STROKEPATH_OIDC_ROLE_MAP").map(ClaimMapping.roleTable) ?? [:]
            mapping.organisations = try value("STROKEPATH_OIDC_ORGANISATION_MAP").map(ClaimMapping.organisationTable) ?? [:]
        } catch {
            throw ConfigurationError("STROKEPATH_OIDC_ROLE_MAP or STROKEPATH_OIDC_ORGANISATION_MAP: \(error)")
        }
        return OpenIDSettings(
            issuer: issuerURL, clientID: clientID, clientSecret: secret, redirectURI: redirect,
            scopes: (value("STROKEPATH_OIDC_SCOPES") ?? "profile").split(separator: " ").map(String.init),
            apiAudience: value("STROKEPATH_OIDC_API_AUDIENCE"), mapping: mapping,
            displayName: value("STROKEPATH_OIDC_NAME") ?? "your organisation's sign-in")
    }

    public static func developmentKeyFile(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        environment["STROKEPATH_DEV_KEY"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) } ?? DevelopmentKey.defaultFile
    }
}

/// A setting in the environment that cannot be used; start-up stops with this message.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
