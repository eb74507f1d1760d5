public import Foundation

/// Which tokens `serve` accepts and how staff sign in, from the environment (README,
/// "Configuration"):
/// - the hospital's OpenID provider: `STROKEPATH_OIDC_ISSUER`, `STROKEPATH_OIDC_CLIENT_ID`,
///   `STROKEPATH_OIDC_CLIENT_SECRET` (or `…_SECRET_FILE`), `STROKEPATH_PUBLIC_URL` (where
///   browsers reach the service), optionally the scopes, the API audience, the claim mapping,
///   the session's length and further origins the sign-in passes through;
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
        let issuerURL = try address(issuer, "STROKEPATH_OIDC_ISSUER", "the provider's")
        guard let clientID = value("STROKEPATH_OIDC_CLIENT_ID") else {
            throw ConfigurationError("STROKEPATH_OIDC_ISSUER is set, so STROKEPATH_OIDC_CLIENT_ID must be too")
        }
        let secret: String
        if let file = value("STROKEPATH_OIDC_CLIENT_SECRET_FILE") {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ConfigurationError("STROKEPATH_OIDC_CLIENT_SECRET_FILE \(file) cannot be read")
            }
            secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !secret.isEmpty else { throw ConfigurationError("STROKEPATH_OIDC_CLIENT_SECRET_FILE \(file) is empty") }
        } else {
            guard let text = value("STROKEPATH_OIDC_CLIENT_SECRET") else {
                throw ConfigurationError("STROKEPATH_OIDC_ISSUER is set, so STROKEPATH_OIDC_CLIENT_SECRET or STROKEPATH_OIDC_CLIENT_SECRET_FILE must be too")
            }
            secret = text
        }
        guard let base = value("STROKEPATH_PUBLIC_URL") else {
            throw ConfigurationError("STROKEPATH_OIDC_ISSUER is set, so STROKEPATH_PUBLIC_URL must be the address browsers reach this service at")
        }
        let publicURL = try address(base, "STROKEPATH_PUBLIC_URL", "this service's")
        guard ["", "/"].contains(publicURL.path), publicURL.query == nil else {
            throw ConfigurationError("STROKEPATH_PUBLIC_URL must be the service's address without a path (it serves at /), not \(base)")
        }
        var mapping = ClaimMapping.standard
        mapping.roleClaim = value("STROKEPATH_OIDC_ROLE_CLAIM") ?? mapping.roleClaim
        mapping.organisationClaim = value("STROKEPATH_OIDC_ORGANISATION_CLAIM") ?? mapping.organisationClaim
        mapping.nameClaim = value("STROKEPATH_OIDC_NAME_CLAIM") ?? mapping.nameClaim
        do {
            mapping.roles = try value("STROKEPATH_OIDC_ROLE_MAP").map(ClaimMapping.roleTable) ?? [:]
        } catch {
            throw ConfigurationError("STROKEPATH_OIDC_ROLE_MAP: \(error)")
        }
        do {
            mapping.organisations = try value("STROKEPATH_OIDC_ORGANISATION_MAP").map(ClaimMapping.organisationTable) ?? [:]
        } catch {
            throw ConfigurationError("STROKEPATH_OIDC_ORGANISATION_MAP: \(error)")
        }
        do {
            mapping.systems = try value("STROKEPATH_OIDC_SYSTEMS").map(ClaimMapping.systemTable) ?? [:]
        } catch {
            throw ConfigurationError("STROKEPATH_OIDC_SYSTEMS: \(error)")
        }
        guard mapping.systems[clientID] == nil else {
            throw ConfigurationError("STROKEPATH_OIDC_SYSTEMS names this service's own client \(clientID): only other clients are systems")
        }
        let hours = try value("STROKEPATH_OIDC_SESSION_HOURS").map { text in
            guard let hours = Int(text), (1...24).contains(hours) else {
                throw ConfigurationError("STROKEPATH_OIDC_SESSION_HOURS must be a number of hours from 1 to 24, not \(text)")
            }
            return hours
        }
        let formOrigins = try (value("STROKEPATH_OIDC_FORM_ORIGINS") ?? "").split(separator: " ").map { origin in
            let url = try address(String(origin), "STROKEPATH_OIDC_FORM_ORIGINS", "an origin's")
            guard ["", "/"].contains(url.path) else { throw ConfigurationError("STROKEPATH_OIDC_FORM_ORIGINS names origins, without paths, not \(origin)") }
            return String(origin)
        }
        return OpenIDSettings(
            issuer: issuerURL, clientID: clientID, clientSecret: secret,
            redirectURI: publicURL.deletingTrailingSlash.appendingPathComponent("sign-in/callback"),
            scopes: (value("STROKEPATH_OIDC_SCOPES") ?? "profile").split(separator: " ").map(String.init),
            apiAudience: value("STROKEPATH_OIDC_API_AUDIENCE"), mapping: mapping,
            displayName: value("STROKEPATH_OIDC_NAME") ?? "your organisation's sign-in",
            sessionLifetime: .seconds(3_600 * (hours ?? 8)), formOrigins: formOrigins,
            accessTokenClaim: value("STROKEPATH_OIDC_ACCESS_TOKEN_CLAIM") ?? "client_id")
    }

    /// An https address (http only on loopback, for development), with a host.
    private static func address(_ text: String, _ variable: String, _ whose: String) throws -> URL {
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host, !host.isEmpty else {
            throw ConfigurationError("\(variable) must be \(whose) https address, not \(text)")
        }
        guard scheme == "https" || (scheme == "http" && ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)) else {
            throw ConfigurationError("\(variable) must be \(whose) https address (http only on this machine's loopback), not \(text)")
        }
        return url
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

extension URL {
    /// The address without a trailing slash on its path (`https://host/` → `https://host`).
    fileprivate var deletingTrailingSlash: URL {
        let text = absoluteString
        return text.hasSuffix("/") ? URL(string: String(text.dropLast())) ?? self : self
    }
}
