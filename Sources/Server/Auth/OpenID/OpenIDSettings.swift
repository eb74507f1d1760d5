public import Foundation

/// The hospital's OpenID provider, as the operator configures it (`STROKEPATH_OIDC_*`, README): staff
/// sign in there (authorization code with PKCE), and API callers bring its access tokens.
public struct OpenIDSettings: Sendable, Equatable {
    /// The provider's issuer; its discovery document is at `/.well-known/openid-configuration` under it.
    public var issuer: URL
    /// This service's client id at the provider.
    public var clientID: String
    /// The client's secret (client_secret_basic).
    public var clientSecret: String
    /// Where the provider sends the browser back: this service's `/sign-in/callback` as the
    /// browser reaches it (registered at the provider).
    public var redirectURI: URL
    /// Scopes asked for besides `openid` (default `profile`), e.g. one that releases the
    /// role and organisation claims.
    public var scopes: [String]
    /// The `aud` API access tokens must carry (default: the client id).
    public var apiAudience: String
    /// A claim every API access token carries and the provider's ID tokens do not (default
    /// `client_id`, RFC 9068's; `scope` for Keycloak, `scp` for Entra ID's delegated tokens).
    public var accessTokenClaim: String
    /// How the provider's claims become roles and organisations.
    public var mapping: ClaimMapping
    /// The least time between two fetches of the provider's keys for an unknown key id (default 10 s).
    public var keyRefreshInterval: Duration
    /// The provider's name on the sign-in page.
    public var displayName: String
    /// How long a web session opened through the provider lasts (default 8 hours); the
    /// provider's back-channel sign-out ends it sooner.
    public var sessionLifetime: Duration
    /// Origins besides the provider's endpoints that its sign-in may pass through (a federated
    /// provider's), which the content security policy's `form-action` must name.
    public var formOrigins: [String]

    public init(
        issuer: URL, clientID: String, clientSecret: String, redirectURI: URL, scopes: [String] = ["profile"], apiAudience: String? = nil,
        mapping: ClaimMapping = .standard, keyRefreshInterval: Duration = .seconds(10), displayName: String = "your organisation's sign-in",
        sessionLifetime: Duration = .seconds(8 * 3_600), formOrigins: [String] = [], accessTokenClaim: String = "client_id"
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURI = redirectURI
        self.scopes = scopes
        self.apiAudience = apiAudience ?? clientID
        self.mapping = mapping
        self.keyRefreshInterval = keyRefreshInterval
        self.displayName = displayName
        self.sessionLifetime = sessionLifetime
        self.formOrigins = formOrigins
        self.accessTokenClaim = accessTokenClaim
    }

    /// The issuer as tokens carry it (`iss`), without a trailing slash added or removed.
    var issuerString: String { issuer.absoluteString }
}
