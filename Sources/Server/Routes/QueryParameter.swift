import Foundation
import Hummingbird

/// Reading path and query parameters, with a 400 problem that names the parameter.
enum QueryParameter {
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[name[...]] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Problem(.badRequest, "invalid-parameter", detail: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
        }
        return number
    }

    static func date(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let date = try? Date(String(text), strategy: .iso8601) else {
            throw Problem(.badRequest, "invalid-parameter", detail: "\(name) must be an ISO 8601 time, e.g. 2026-11-29T08:00:00Z.")
        }
        return date
    }

    static func patientID(_ context: AppRequestContext) throws -> UUID {
        try id(context, "patient")
    }

    /// The `:id` path parameter as a UUID; `what` names it in the problem ("patient", "episode").
    static func id(_ context: AppRequestContext, _ what: String) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw Problem(.badRequest, "invalid-parameter", detail: "The \(what) id must be a UUID.")
        }
        return id
    }

    /// An optional query parameter holding a UUID.
    static func uuid(_ request: Request, _ name: String) throws -> UUID? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let id = UUID(uuidString: String(text)) else {
            throw Problem(.badRequest, "invalid-parameter", detail: "\(name) must be a UUID.")
        }
        return id
    }
}
