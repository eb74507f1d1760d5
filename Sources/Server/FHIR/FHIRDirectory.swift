import Clinical
import Foundation
import Hummingbird
import Storage

/// The rehab clinics' directory at `/fhir/R4`: therapists (`Practitioner`, `PractitionerRole`),
/// rooms, pools and baths (`Location`, `Schedule`) and session times (`Slot`). No patient data;
/// row-level security shows each caller their own clinics'.
struct FHIRDirectory: Sendable {
    let directory: ClinicDirectory
    let codes: FHIRCodes
    let bundle: FHIRBundle
    let zone: TimeZone

    /// The directory's types and their search parameters (beyond `_count` and `_offset`).
    static let served: [(type: String, parameters: [String: String])] = [
        ("Practitioner", ["_id": "token"]),
        ("PractitionerRole", ["organization": "reference", "practitioner": "reference", "_id": "token"]),
        ("Location", ["organization": "reference", "_id": "token"]),
        ("Schedule", ["actor": "reference", "_id": "token"]),
        ("Slot", ["schedule": "reference", "start": "date", "_id": "token"]),
    ]

    func add(to routes: RouteCollection<AppRequestContext>) {
        for (type, _) in Self.served {
            routes.get("/\(type)", use: search(type))
            routes.get("/\(type)/:id", use: read(type))
        }
    }

    func search(_ type: String) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let parameters = Self.served.first { $0.type == type }?.parameters ?? [:]
            let search = try FHIRSearch(request, type: type, allowed: Set(parameters.keys), zone: zone)
            let found = try await resources(type, search: search, id: nil, limit: search.count + 1, as: try context.accessContext())
            return FHIRController.response(
                bundle.searchset(
                    Array(found.prefix(search.count)), total: nil, more: found.count > search.count, page: (search.offset, search.count),
                    request: request))
        }
    }

    func read(_ type: String) -> @Sendable (Request, AppRequestContext) async throws -> Response {
        { request, context in
            let id = (context.parameters.get("id") ?? "").lowercased()
            let search = try FHIRSearch(request, type: type, allowed: [], zone: zone)
            guard let row = Self.row(of: type, id: id),
                let resource = try await resources(type, search: search, id: row, limit: 1, as: try context.accessContext()).first(where: { $0.id == id })
            else { throw Refusal.notFound("No \(type) with that id is accessible to you.") }
            return FHIRController.response(resource.json)
        }
    }

    /// The UUID of the row an id names (`role-<therapist>`, `room-<room>` for a schedule).
    static func row(of type: String, id: String) -> UUID? {
        switch type {
        case "PractitionerRole": id.hasPrefix("role-") ? UUID(uuidString: String(id.dropFirst(5))) : nil
        case "Schedule": id.hasPrefix("room-") ? UUID(uuidString: String(id.dropFirst(5))) : nil
        default: UUID(uuidString: id)
        }
    }

    private func resources(_ type: String, search: FHIRSearch, id: UUID?, limit: Int, as access: AccessContext) async throws -> [FHIRResource] {
        let clinic = FHIRClinicResources(codes: codes)
        let id =
            try id
            ?? search.id.map { text in
                guard let row = Self.row(of: type, id: text) else { throw Refusal.invalidParameter("_id", "is not an id of a \(type) here") }
                return row
            }
        switch type {
        case "Practitioner", "PractitionerRole":
            let practitioner = try search.references["practitioner"].map { try Self.reference($0, "Practitioner", name: "practitioner") }
            return try await directory.therapists(
                id: id ?? practitioner, organisation: search.organisation, limit: limit, offset: search.offset, as: access
            ).compactMap { clinic.practitioner($0).first { $0.type == type } }
        case "Location", "Schedule":
            let actor = try search.references["actor"].map { try Self.reference($0, "Location", name: "actor") }
            return try await directory.rooms(id: id ?? actor, organisation: search.organisation, limit: limit, offset: search.offset, as: access)
                .compactMap { clinic.location($0).first { $0.type == type } }
        default:
            let room = try search.references["schedule"].map { text in
                guard let room = Self.row(of: "Schedule", id: text.hasPrefix("Schedule/") ? String(text.dropFirst(9)) : text) else {
                    throw Refusal.invalidParameter("schedule", "must be a schedule id (Schedule/room-<room id>)")
                }
                return room
            }
            guard id != nil || room != nil else {
                throw Refusal.invalidParameter("schedule", "is needed: this server searches slots within one schedule")
            }
            guard search.dates.allSatisfy({ $0.bounds != nil }) else { throw Refusal.invalidParameter("start", "takes ge, gt, le, lt or eq for Slot") }
            let from = search.dates.compactMap { $0.bounds?.from }.max()
            let to = search.dates.compactMap { $0.bounds?.through }.min().map { $0.addingTimeInterval(0.001) }
            return try await directory.slots(id: id, room: room, from: from, to: to, limit: limit, offset: search.offset, as: access).map(clinic.slot)
        }
    }

    /// `Type/<uuid>` or `<uuid>`.
    private static func reference(_ text: String, _ type: String, name: String) throws -> UUID {
        let id = text.hasPrefix("\(type)/") ? String(text.dropFirst(type.count + 1)) : text
        guard let uuid = UUID(uuidString: id) else { throw Refusal.invalidParameter(name, "must be \(type)/<id>") }
        return uuid
    }
}
