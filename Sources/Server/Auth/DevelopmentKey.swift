public import Foundation
import JWTKit

/// The local development signing key: an ES256 key in a git-ignored PEM file, created on
/// first use, so a newcomer can mint tokens (`strokepath token issue`) and try the API.
/// Never for production: anyone with the file can sign any identity.
public enum DevelopmentKey {
    /// The key id tokens from this key carry.
    public static let keyID = "strokepath-dev"
    /// The issuer of development tokens.
    public static let issuer = "strokepath-development"

    /// The default place: `.local/dev-signing-key.pem` under the working directory.
    public static var defaultFile: URL {
        URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".local/dev-signing-key.pem")
    }

    /// Reads the key, or creates it (readable by its owner only) if the file does not exist.
    /// Several processes starting at once agree on one key: each writes its own to a temporary
    /// file and links it into place only if no key is there yet, then reads whichever won.
    static func loadOrCreate(at file: URL) throws -> ES256PrivateKey {
        if let data = FileManager.default.contents(atPath: file.path) { return try key(from: data, file: file) }
        let temporary = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw AuthenticationSettingsError(file: file.path, problem: "cannot be written")
        }
        guard
            FileManager.default.createFile(
                atPath: temporary.path, contents: Data(ES256PrivateKey().pemRepresentation.utf8), attributes: [.posixPermissions: 0o600])
        else { throw AuthenticationSettingsError(file: file.path, problem: "cannot be written") }
        defer { unlink(temporary.path) }
        guard link(temporary.path, file.path) == 0 || errno == EEXIST, let data = FileManager.default.contents(atPath: file.path) else {
            throw AuthenticationSettingsError(file: file.path, problem: "cannot be written")
        }
        return try key(from: data, file: file)
    }

    private static func key(from data: Data, file: URL) throws -> ES256PrivateKey {
        do {
            return try ES256PrivateKey(pem: String(decoding: data, as: UTF8.self))
        } catch {
            throw AuthenticationSettingsError(file: file.path, problem: "not an ES256 private key in PEM")
        }
    }

    /// Mints a development token.
    /// - Parameters:
    ///   - identity: who the token says the user is.
    ///   - lifetime: how long it is valid.
    ///   - file: the development key file.
    public static func issueToken(for identity: Identity, lifetime: TimeInterval, keyFile file: URL, now: Date = Date()) async throws -> String {
        let key = try loadOrCreate(at: file)
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: key, kid: JWKIdentifier(string: keyID))
        let claims = AccessTokenClaims(
            iss: IssuerClaim(value: issuer),
            aud: AudienceClaim(value: ["strokepath"]),
            sub: SubjectClaim(value: identity.subject),
            exp: ExpirationClaim(value: now.addingTimeInterval(lifetime)),
            nbf: NotBeforeClaim(value: now),
            iat: IssuedAtClaim(value: now),
            name: identity.name,
            role: identity.role.rawValue,
            orgs: identity.organisations
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID), header: ["typ": "JWT"])
    }
}
