import Foundation
import JWTKit

/// Any JSON value a token's payload holds: the claims are read by name (`ClaimMapping`), so
/// a provider's own claims — groups, roles, an organisation attribute — need no type here.
enum ClaimValue: Codable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([ClaimValue])
    case object([String: ClaimValue])
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([ClaimValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: ClaimValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// A string claim as one value, an array claim's strings (as providers send groups).
    var strings: [String] {
        switch self {
        case .string(let value): [value]
        case .array(let values): values.compactMap(\.string)
        default: []
        }
    }
}

/// A verified token's payload, every claim kept. The registered claims are read from it by
/// `TokenVerifier`; the rest by `ClaimMapping`.
struct TokenPayload: JWTPayload {
    let claims: [String: ClaimValue]

    init(claims: [String: ClaimValue]) {
        self.claims = claims
    }

    init(from decoder: any Decoder) throws {
        claims = try decoder.singleValueContainer().decode([String: ClaimValue].self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(claims)
    }

    /// The claims are checked by `TokenVerifier`, which knows the expected issuer, audience
    /// and clock; the signature has been checked by the time this runs.
    func verify(using algorithm: some JWTAlgorithm) async throws {}

    subscript(name: String) -> ClaimValue? { claims[name] }

    /// The claim `path` names: the claim of that name, else a dotted path into objects
    /// (`realm_access.roles`), as claim names themselves may hold dots (URLs).
    func value(at path: String) -> ClaimValue? {
        if let value = claims[path] { return value }
        var parts = path.split(separator: ".").map(String.init)
        guard parts.count > 1 else { return nil }
        var current = claims[parts.removeFirst()]
        for part in parts {
            guard case .object(let object)? = current else { return nil }
            current = object[part]
        }
        return current
    }

    /// A time claim (seconds since 1970).
    func date(_ name: String) -> Date? {
        claims[name]?.number.map { Date(timeIntervalSince1970: $0) }
    }
}
