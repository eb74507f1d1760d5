public import Foundation

/// How a token's claims become a StrokePath identity — configuration, because every identity
/// provider names them its own way (Keycloak `realm_access.roles`, Entra `roles` or `groups`,
/// an HSA id for the organisation). The default reads StrokePath's own claims, as development
/// tokens carry them: `role` (one role's name) and `orgs` (organisation ids).
public struct ClaimMapping: Sendable, Equatable {
    /// The claim with the user's roles or groups (a string or an array of strings; a dotted
    /// path reaches into objects).
    public var roleClaim: String
    /// Provider value → role. Empty: the values are the roles' own names. Values that map to
    /// nothing are ignored (groups that are not StrokePath's); more than one role is refused.
    public var roles: [String: Role]
    /// The claim with the organisations the user acts for.
    public var organisationClaim: String
    /// Provider value → organisation. Empty: the values are organisation ids. Values that map
    /// to nothing are ignored.
    public var organisations: [String: UUID]
    /// The claim with the user's display name (the subject when absent).
    public var nameClaim: String
    /// Hospital systems that call the API as themselves (the client credentials grant), by client
    /// id: the role and organisations each acts with. A token is a system's when its subject is
    /// its `client_id`, as RFC 9068 has it for a grant without a user; no claim of it is read.
    public var systems: [String: SystemGrant]

    /// What a hospital system may do: one role, for these organisations.
    public struct SystemGrant: Sendable, Equatable {
        public var role: Role
        public var organisations: [UUID]

        public init(role: Role, organisations: [UUID]) {
            self.role = role
            self.organisations = organisations
        }
    }

    public init(
        roleClaim: String = "role", roles: [String: Role] = [:], organisationClaim: String = "orgs", organisations: [String: UUID] = [:],
        nameClaim: String = "name", systems: [String: SystemGrant] = [:]
    ) {
        self.roleClaim = roleClaim
        self.roles = roles
        self.organisationClaim = organisationClaim
        self.organisations = organisations
        self.nameClaim = nameClaim
        self.systems = systems
    }

    /// StrokePath's own claims.
    public static let standard = ClaimMapping()

    /// The identity the claims carry, or why there is none. Only an access token (`accessToken`)
    /// may be a system's; a token issued to a system's client for anyone else is refused, as the
    /// provider should never issue one (its client is for the client credentials grant only).
    func identity(from payload: TokenPayload, accessToken: Bool) throws(TokenVerifier.Rejection) -> Identity {
        guard let subject = payload["sub"]?.string, !subject.isEmpty, subject.unicodeScalars.count <= 200 else {
            throw TokenVerifier.Rejection(reason: "the token's subject is invalid")
        }
        if let client = payload["client_id"]?.string, let system = systems[client] {
            guard accessToken, client == subject else {
                throw TokenVerifier.Rejection(reason: "a system's client gave a token that is not the system's own")
            }
            return Identity(subject: Identity.systemPrefix + subject, name: "\(subject) (system)", role: system.role, organisations: system.organisations)
        }
        guard !subject.hasPrefix(Identity.systemPrefix) else { throw TokenVerifier.Rejection(reason: "the token's subject is invalid") }
        let values = payload.value(at: roleClaim)?.strings ?? []
        let found = Set(values.compactMap { roles.isEmpty ? Role(rawValue: $0) : roles[$0] })
        guard let role = found.first else { throw TokenVerifier.Rejection(reason: "the token carries no StrokePath role") }
        guard found.count == 1 else { throw TokenVerifier.Rejection(reason: "the token carries more than one StrokePath role") }
        let names = payload.value(at: organisationClaim)?.strings ?? []
        var organisations: [UUID] = []
        for name in names {
            if let organisation = self.organisations.isEmpty ? UUID(uuidString: name) : self.organisations[name], !organisations.contains(organisation) {
                organisations.append(organisation)
            }
        }
        let name = payload.value(at: nameClaim)?.string.map { String(String.UnicodeScalarView($0.unicodeScalars.prefix(200))) }
        return Identity(subject: subject, name: name ?? subject, role: role, organisations: organisations)
    }
}

extension ClaimMapping {
    /// Reads `value=role,value=role` (roles) or `value=id,…` (organisations) as configuration
    /// gives them; a failure naming the first entry that does not parse or repeats a value.
    static func table<Value>(_ text: String, _ parse: (String) -> Value?) -> Result<[String: Value], ClaimMappingError> {
        var table: [String: Value] = [:]
        for entry in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            let parts = entry.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, !parts[0].isEmpty, table[parts[0]] == nil, let value = parse(parts[1]) else {
                return .failure(ClaimMappingError(entry: entry))
            }
            table[parts[0]] = value
        }
        return .success(table)
    }

    /// Parses a role table (`OIDC_ROLE_MAP`).
    public static func roleTable(_ text: String) throws(ClaimMappingError) -> [String: Role] {
        try table(text) { Role(rawValue: $0) }.get()
    }

    /// Parses an organisation table (`OIDC_ORGANISATION_MAP`).
    public static func organisationTable(_ text: String) throws(ClaimMappingError) -> [String: UUID] {
        try table(text) { UUID(uuidString: $0) }.get()
    }

    /// Parses a systems table (`OIDC_SYSTEMS`): `client=role@organisation+organisation,…`; a
    /// client id fits the audit log's subjects with its prefix (193 characters at most).
    public static func systemTable(_ text: String) throws(ClaimMappingError) -> [String: SystemGrant] {
        let systems = try table(text) { (grant: String) -> SystemGrant? in
            let parts = grant.split(separator: "@", maxSplits: 1).map(String.init)
            guard parts.count == 2, let role = Role(rawValue: parts[0]) else { return nil }
            let organisations = parts[1].split(separator: "+").map { UUID(uuidString: String($0)) }
            guard !organisations.isEmpty, !organisations.contains(nil) else { return nil }
            return SystemGrant(role: role, organisations: organisations.compactMap { $0 })
        }.get()
        if let long = systems.keys.first(where: { $0.unicodeScalars.count > 200 - Identity.systemPrefix.count }) {
            throw ClaimMappingError(entry: long)
        }
        return systems
    }
}

/// An entry of a claim mapping that does not parse.
public struct ClaimMappingError: Error, Equatable, CustomStringConvertible {
    public let entry: String
    public var description: String { "\"\(entry)\" is not value=target (a role's name, an organisation id, or role@organisation+organisation)" }
}
