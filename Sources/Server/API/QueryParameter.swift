import Clinical
import Foundation
import Hummingbird
import Storage

/// Reading path and query parameters, with a 400 problem that names the parameter.
enum QueryParameter {
    static func integer(_ request: Request, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[name[...]] else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw Refusal.invalidParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A `true`/`false` query parameter (400 for anything else), `false` when absent.
    static func flag(_ request: Request, _ name: String) throws -> Bool {
        switch request.uri.queryParameters[name[...]] {
        case nil, "false": false
        case "true": true
        default: throw Refusal.invalidParameter(name, "must be true or false")
        }
    }

    /// An ISO 8601 time from 1900 to 2199 (400 if it is no time, 422 if out of range).
    static func date(_ request: Request, _ name: String) throws -> Date? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let date = try? Date(String(text), strategy: .iso8601) else {
            throw Refusal.invalidParameter(name, "must be an ISO 8601 time, e.g. 2026-11-29T08:00:00Z")
        }
        try TimeRules.check(date, field: name)
        return date
    }

    /// A `from`–`to` pair of times, each defaulted from the other when absent; 422 when `to`
    /// is before `from`.
    static func dateRange(_ request: Request, defaultFrom: (Date?) -> Date, defaultTo: (Date) -> Date) throws -> (from: Date, to: Date) {
        let givenTo = try date(request, "to")
        let from = try date(request, "from") ?? defaultFrom(givenTo)
        let to = givenTo ?? defaultTo(from)
        try TimeRules.checkOrder(from, to, fields: ("from", "to"))
        return (from, to)
    }

    /// Refuses a control character in any query parameter's name or value (PostgreSQL refuses
    /// NUL in text, and the others have no place in a parameter).
    static func checkText(_ request: Request) throws {
        for (name, value) in request.uri.queryParameters {
            if let scalar = TextRules.forbiddenInFreeText(String(name)) ?? TextRules.forbiddenInFreeText(String(value)) {
                throw Refusal.invalidParameter(String(name), TextRules.controlMessage(scalar))
            }
        }
    }

    static func patientID(_ context: some RequestContext) throws -> UUID {
        try id(context, "patient")
    }

    /// The `:id` path parameter as a UUID; `what` names it in the problem ("patient", "episode").
    static func id(_ context: some RequestContext, _ what: String) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw Refusal.invalidParameter("id", "must be a UUID (the \(what) id)")
        }
        return id
    }

    /// An optional query parameter holding a UUID.
    static func uuid(_ request: Request, _ name: String) throws -> UUID? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let id = UUID(uuidString: String(text)) else {
            throw Refusal.invalidParameter(name, "must be a UUID")
        }
        return id
    }

    /// The clinic a read is about: the `clinic` query parameter, else the caller's first organisation.
    static func clinic(_ request: Request, _ access: AccessContext) throws -> UUID {
        if let clinic = try uuid(request, "clinic") { return clinic }
        guard let first = access.organisations.first else {
            throw Refusal.invalidParameter("clinic", "is needed: your token names no organisation")
        }
        return first
    }

    /// A `YYYY-MM-DD` query parameter (a day from 1900 to 2200, as `CalendarDay` reads them).
    static func day(_ request: Request, _ name: String) throws -> CalendarDay? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let day = CalendarDay(String(text)) else {
            throw Refusal.invalidParameter(name, "must be a day YYYY-MM-DD")
        }
        return day
    }

    /// A `from`–`to` pair of days, each defaulted from the other when absent; 422 when `to`
    /// is before `from`.
    static func dayRange(_ request: Request, defaultTo: () -> CalendarDay, defaultFrom: (CalendarDay) -> CalendarDay) throws -> (
        from: CalendarDay, to: CalendarDay
    ) {
        let to = try day(request, "to") ?? defaultTo()
        let from = try day(request, "from") ?? defaultFrom(to)
        guard from <= to else { throw Refusal.invalid("to", "must be on or after from") }
        return (from, to)
    }
}
