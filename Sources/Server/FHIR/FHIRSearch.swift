import Clinical
import Foundation
import Hummingbird

/// A search's parameters as FHIR R4 defines them, read strictly: an unknown parameter or a
/// value that does not parse is refused (400, naming it) rather than ignored, so a caller never
/// takes an unfiltered answer for a filtered one.
struct FHIRSearch: Sendable {
    /// One `date` condition: a prefix and the range the value stands for (2026 is the whole
    /// year, a day the whole day in the hospitals' time zone, a time to the second the whole second).
    struct DateCondition: Sendable, Equatable {
        var prefix: String
        var lower: Date
        var upper: Date

        /// The bound the condition sets on a period asked for: the first instant (`ge`, `gt`) or
        /// the last (`le`, `lt`), or both (`eq`); nil for another prefix.
        var bounds: (from: Date?, through: Date?)? {
            switch prefix {
            case "ge": (lower, nil)
            case "gt": (upper.addingTimeInterval(0.001), nil)
            case "le": (nil, upper)
            case "lt": (nil, lower.addingTimeInterval(-0.001))
            case "eq": (lower, upper)
            default: nil
            }
        }

        /// Whether a resource that happened during `[start, end]` matches.
        func matches(start: Date, end: Date) -> Bool {
            switch prefix {
            case "eq": start >= lower && end <= upper
            case "ne": !(start >= lower && end <= upper)
            case "gt": end > upper
            case "lt": start < lower
            case "ge": end >= lower
            case "le": start <= upper
            case "sa": start > upper
            case "eb": end < lower
            default: start <= upper && end >= lower  // ap: overlaps
            }
        }
    }

    var patient: UUID?
    var dates: [DateCondition] = []
    /// `code` (or `service-type`): each parameter given is one condition, all must hold; within
    /// one, any of its comma-separated tokens (`system|code` or `code`) may match.
    var codes: [[String]] = []
    var categories: [[String]] = []
    var count = 50
    var offset = 0
    /// `_include` of the patient (`Type:patient` or `Type:subject`).
    var includePatient = false
    var identifier: String?
    var organisation: UUID?
    var id: String?
    /// Other references by parameter (`actor`, `schedule`, `practitioner`, `measure`), as given.
    var references: [String: String] = [:]
    /// `region`: organisation codes (MeasureReport).
    var regions: [String] = []

    static let maximumCount = 1000
    /// The furthest page: beyond it, narrow the search.
    static let maximumOffset = 1_000_000
    static let prefixes: Set<String> = ["eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"]
    static let dateParameters: Set<String> = ["date", "onset-date", "effective-time", "occurrence", "start", "period"]

    /// Reads the query of a search on `type`; `allowed` are the parameters it takes beyond
    /// `_count`, `_offset` and `_format`; a day is read in `zone`.
    init(_ request: Request, type: String, allowed: Set<String>, zone: TimeZone) throws {
        for (name, value) in request.uri.queryParameters {
            let name = String(name)
            let value = String(value)
            guard allowed.contains(name) || ["_count", "_offset", "_format"].contains(name) else {
                throw Refusal.invalidParameter(
                    name, "is not a search parameter of \(type) here; it takes \((allowed.sorted() + ["_count"]).joined(separator: ", "))")
            }
            switch name {
            case "patient", "subject":
                let text = value.hasPrefix("Patient/") ? String(value.dropFirst("Patient/".count)) : value
                guard let id = UUID(uuidString: text) else { throw Refusal.invalidParameter(name, "must be a patient id or Patient/<id>") }
                guard patient == nil || patient == id else { throw Refusal.invalidParameter(name, "names two patients") }
                patient = id
            case _ where Self.dateParameters.contains(name): dates.append(try Self.date(value, name: name, zone: zone))
            case "code", "service-type": codes.append(Self.tokens(value))
            case "category": categories.append(Self.tokens(value))
            case "_count": count = try Self.number(value, name: name, in: 1...Self.maximumCount)
            case "_offset": offset = try Self.number(value, name: name, in: 0...Self.maximumOffset)
            case "_format":
                guard ["json", "application/json", "application/fhir+json"].contains(value) else {
                    throw Refusal.invalidParameter(name, "must be json: this server speaks FHIR JSON only")
                }
            case "_include":
                guard value == "\(type):patient" || value == "\(type):subject" else {
                    throw Refusal.invalidParameter(name, "may be \(type):patient (the patient is the one include served)")
                }
                includePatient = true
            case "identifier": identifier = value
            case "organization":
                let text = value.hasPrefix("Organization/") ? String(value.dropFirst("Organization/".count)) : value
                guard let id = UUID(uuidString: text) else { throw Refusal.invalidParameter(name, "must be an organisation id") }
                organisation = id
            case "_id": id = value.lowercased()
            case "actor", "schedule", "practitioner", "measure": references[name] = value
            case "region": regions.append(value)
            default: throw Refusal.invalidParameter(name, "is not read by this server")
            }
        }
    }

    /// Whether a resource passes the filters (the patient is chosen before).
    func matches(_ resource: FHIRResource) -> Bool {
        if let id, resource.id != id { return false }
        guard codes.allSatisfy({ tokens in tokens.contains { token in resource.codes.contains { Self.token(token, matches: $0) } } }) else {
            return false
        }
        guard
            categories.allSatisfy({ tokens in
                tokens.contains { token in resource.categories.contains { Self.token(token, matches: "\(Self.categorySystem)|\($0)") } }
            })
        else { return false }
        if !dates.isEmpty {
            guard let start = resource.start, let end = resource.end else { return false }
            return dates.allSatisfy { $0.matches(start: start, end: end) }
        }
        return true
    }

    static let categorySystem = "http://terminology.hl7.org/CodeSystem/observation-category"

    private static func number(_ value: String, name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw Refusal.invalidParameter(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func tokens(_ value: String) -> [String] {
        value.split(separator: ",").map(String.init)
    }

    /// `system|code` matches exactly; `code` matches the code in any system; `|code` (no
    /// system) matches nothing: every code served has its system.
    private static func token(_ token: String, matches coded: String) -> Bool {
        guard token.contains("|") else { return coded.split(separator: "|").last.map(String.init) == token }
        return coded == token
    }

    /// A `date` value: a prefix (eq when none) and a date of year, month, day or time precision.
    static func date(_ value: String, name: String, zone: TimeZone) throws -> DateCondition {
        var text = Substring(value)
        var prefix = "eq"
        if text.count > 2, let first = text.first, first.isLetter {
            prefix = String(text.prefix(2))
            guard prefixes.contains(prefix) else {
                throw Refusal.invalidParameter(name, "has an unknown prefix \(prefix): use eq, ne, gt, lt, ge, le, sa, eb or ap")
            }
            text = text.dropFirst(2)
        }
        guard let (lower, upper) = range(String(text), zone: zone) else {
            throw Refusal.invalidParameter(name, "must be a date or time, e.g. ge2026-01-01 or lt2026-06-30T12:00:00Z")
        }
        return DateCondition(prefix: prefix, lower: lower, upper: upper)
    }

    /// The instants a value stands for: a year, month or day (in `zone`) from its first to its
    /// last instant; a time to the second, that second.
    private static func range(_ text: String, zone: TimeZone) -> (Date, Date)? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if text.count <= 10, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }) {
            let numbers = parts.compactMap { Int($0) }
            guard numbers.count == parts.count, (1...3).contains(numbers.count), parts[0].count == 4, (1900...2199).contains(numbers[0]) else { return nil }
            var components = DateComponents(year: numbers[0], month: numbers.count > 1 ? numbers[1] : 1, day: numbers.count > 2 ? numbers[2] : 1)
            guard (1...12).contains(components.month ?? 0), (1...31).contains(components.day ?? 0), let start = calendar.date(from: components) else {
                return nil
            }
            guard calendar.component(.day, from: start) == components.day else { return nil }
            let unit: Calendar.Component = numbers.count == 1 ? .year : numbers.count == 2 ? .month : .day
            components = DateComponents()
            components.setValue(1, for: unit)
            guard let next = calendar.date(byAdding: components, to: start) else { return nil }
            return (start, next.addingTimeInterval(-0.001))
        }
        guard let time = try? Date(text, strategy: .iso8601), (1900...2199).contains(calendar.component(.year, from: time)) else { return nil }
        let second = time.timeIntervalSince1970.rounded(.down)
        return (Date(timeIntervalSince1970: second), Date(timeIntervalSince1970: second + 0.999))
    }
}
