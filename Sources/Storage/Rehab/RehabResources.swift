public import Clinical
public import Foundation
public import Postgres

/// A therapist: what they may give (skills), which ward teams they serve, their usual week.
public struct RehabTherapist: Sendable, Codable, Equatable {
    public var id: UUID?
    public var organisationId: UUID
    /// Short code used in timetables and `rehab-week/1` exports ("T01").
    public var code: String
    public var name: String
    public var role: String
    public var skills: [String]
    public var teams: [Int]
    public var shifts: [WeeklyWindow]
    public var active: Bool

    public init(
        id: UUID? = nil, organisationId: UUID, code: String, name: String, role: String = "", skills: [String], teams: [Int],
        shifts: [WeeklyWindow], active: Bool = true
    ) {
        self.id = id
        self.organisationId = organisationId
        self.code = code
        self.name = name
        self.role = role
        self.skills = skills
        self.teams = teams
        self.shifts = shifts
        self.active = active
    }

    func check() throws(Refusal) {
        try RehabResources.checkCode(code, "code")
        try RehabResources.checkName(name, "name")
        guard role.count <= 40 else { throw Refusal.invalid("role", "must be at most 40 characters") }
        for (index, skill) in skills.enumerated() where !RehabResources.isToken(skill) {
            throw Refusal.invalid("skills[\(index)]", "must be letters, digits or _ (1–40)")
        }
        for (index, team) in teams.enumerated() where !(0...99).contains(team) { throw Refusal.invalid("teams[\(index)]", "must be 0 to 99") }
        try WeeklyWindow.check(shifts, "shifts")
    }
}

/// A room or pool: its type (which modalities it serves), how many patients and sessions it
/// holds at once, and its opening hours.
public struct RehabRoom: Sendable, Codable, Equatable {
    public var id: UUID?
    public var organisationId: UUID
    public var code: String
    public var name: String
    /// gym, hall, ot_room, slt_room, pool, bath, mud_room, … as the modality catalogue names them.
    public var type: String
    public var capacity: Int
    public var maxSessions: Int
    public var hours: [WeeklyWindow]

    public init(
        id: UUID? = nil, organisationId: UUID, code: String, name: String, type: String, capacity: Int, maxSessions: Int,
        hours: [WeeklyWindow]
    ) {
        self.id = id
        self.organisationId = organisationId
        self.code = code
        self.name = name
        self.type = type
        self.capacity = capacity
        self.maxSessions = maxSessions
        self.hours = hours
    }

    func check() throws(Refusal) {
        try RehabResources.checkCode(code, "code")
        try RehabResources.checkName(name, "name")
        guard type.range(of: "^[a-z_]{1,40}$", options: .regularExpression) != nil else { throw Refusal.invalid("type", "must be a-z or _ (1–40)") }
        guard (1...1_000).contains(capacity) else { throw Refusal.invalid("capacity", "must be 1 to 1000") }
        guard (1...1_000).contains(maxSessions) else { throw Refusal.invalid("maxSessions", "must be 1 to 1000") }
        try WeeklyWindow.check(hours, "hours")
    }
}

/// Time a therapist is away (holiday, sickness, training).
public struct TherapistLeave: Sendable, Codable, Equatable {
    public var id: UUID?
    public var therapistId: UUID
    public var start: Date
    public var end: Date
    public var reason: String

    public init(id: UUID? = nil, therapistId: UUID, start: Date, end: Date, reason: String) {
        self.id = id
        self.therapistId = therapistId
        self.start = start
        self.end = end
        self.reason = reason
    }
}

/// Therapists, rooms and pools, leave and the clinic's grid. No patient data: not audited.
public struct RehabResources: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    // MARK: Therapists

    /// Adds a therapist with their usual week.
    public func create(_ therapist: RehabTherapist, as context: AccessContext) async throws -> RehabTherapist {
        try therapist.check()
        return try await pool.withAccess(context) { connection in
            let id = try await connection.query(
                """
                INSERT INTO rehab_therapists (organisation_id, code, name, role, skills, teams, active)
                VALUES (\(therapist.organisationId), \(therapist.code), \(therapist.name), \(therapist.role), \(therapist.skills),
                        \(therapist.teams), \(therapist.active))
                RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            try await Self.replaceWindows(
                therapist.shifts, .shifts, id: id,
                organisation: therapist.organisationId, on: connection)
            var created = therapist
            created.id = id
            return created
        }
    }

    /// Replaces a therapist's details and week; false if there is no such therapist for the caller.
    public func update(_ id: UUID, _ therapist: RehabTherapist, as context: AccessContext) async throws -> Bool {
        try therapist.check()
        return try await pool.withAccess(context) { connection in
            guard
                let organisation = try await connection.query(
                    """
                    UPDATE rehab_therapists SET code = \(therapist.code), name = \(therapist.name), role = \(therapist.role),
                        skills = \(therapist.skills), teams = \(therapist.teams), active = \(therapist.active)
                    WHERE id = \(id) RETURNING organisation_id
                    """, prepared: true
                ).first?.decode(UUID.self)
            else { return false }
            try await Self.replaceWindows(
                therapist.shifts, .shifts, id: id,
                organisation: organisation, on: connection)
            return true
        }
    }

    /// The caller's therapists (of one clinic when `clinic` is given), by code.
    public func therapists(clinic: UUID?, as context: AccessContext) async throws -> [RehabTherapist] {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await Self.therapists(clinic: clinic, id: nil, on: connection)
        }
    }

    /// One therapist, or nil.
    public func therapist(_ id: UUID, as context: AccessContext) async throws -> RehabTherapist? {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await Self.therapists(clinic: nil, id: id, on: connection).first
        }
    }

    static func therapists(clinic: UUID?, id: UUID?, on connection: PostgresConnection) async throws -> [RehabTherapist] {
        let windows = try await Self.windows(.shifts, clinic: clinic, owner: id, on: connection)
        return try await connection.query(
            """
            SELECT id, organisation_id, code, name, role, skills, teams, active FROM rehab_therapists
            WHERE (\(clinic)::uuid IS NULL OR organisation_id = \(clinic)) AND (\(id)::uuid IS NULL OR id = \(id))
            ORDER BY code
            """, prepared: true
        ).map { row in
            let (id, organisation, code, name, role, skills, teams, active) = try row.decode((UUID, UUID, String, String, String, [String], [Int], Bool).self)
            return RehabTherapist(
                id: id, organisationId: organisation, code: code, name: name, role: role, skills: skills, teams: teams, shifts: windows[id] ?? [],
                active: active)
        }
    }

    /// Records leave; false if there is no such therapist for the caller.
    public func addLeave(_ leave: TherapistLeave, as context: AccessContext) async throws -> TherapistLeave? {
        guard leave.end > leave.start else { throw Refusal.invalid("end", "must be after the start") }
        try Self.checkName(leave.reason, "reason")
        return try await pool.withAccess(context) { connection in
            guard
                let id = try await connection.query(
                    """
                    INSERT INTO rehab_therapist_leave (organisation_id, therapist_id, during, reason)
                    SELECT organisation_id, id, tstzrange(\(leave.start), \(leave.end)), \(leave.reason) FROM rehab_therapists WHERE id = \(leave.therapistId)
                    RETURNING id
                    """, prepared: true
                ).first?.decode(UUID.self)
            else { return nil }
            var stored = leave
            stored.id = id
            return stored
        }
    }

    /// Removes recorded leave (entered in error, or the therapist is back); false if there is none such.
    public func removeLeave(_ id: UUID, as context: AccessContext) async throws -> Bool {
        try await pool.withAccess(context) { connection in
            try await connection.query("DELETE FROM rehab_therapist_leave WHERE id = \(id) RETURNING id", prepared: true).first != nil
        }
    }

    /// A therapist's leave overlapping `[from, to)`.
    public func leave(of therapist: UUID, from: Date, to: Date, as context: AccessContext) async throws -> [TherapistLeave] {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await connection.query(
                """
                SELECT id, lower(during), upper(during), reason FROM rehab_therapist_leave
                WHERE therapist_id = \(therapist) AND during && tstzrange(\(from), \(to)) ORDER BY lower(during)
                """, prepared: true
            ).map { row in
                let (id, start, end, reason) = try row.decode((UUID, Date, Date, String).self)
                return TherapistLeave(id: id, therapistId: therapist, start: start, end: end, reason: reason)
            }
        }
    }

    // MARK: Rooms

    /// Adds a room or pool with its opening hours.
    public func create(_ room: RehabRoom, as context: AccessContext) async throws -> RehabRoom {
        try room.check()
        return try await pool.withAccess(context) { connection in
            let id = try await connection.query(
                """
                INSERT INTO rehab_rooms (organisation_id, code, name, room_type, capacity, max_sessions)
                VALUES (\(room.organisationId), \(room.code), \(room.name), \(room.type), \(room.capacity), \(room.maxSessions))
                RETURNING id
                """, prepared: true
            ).single().decode(UUID.self)
            try await Self.replaceWindows(
                room.hours, .hours, id: id,
                organisation: room.organisationId, on: connection)
            var created = room
            created.id = id
            return created
        }
    }

    /// Replaces a room's details and hours; false if there is no such room for the caller.
    /// A room that now holds less is refused by the capacity check if its bookings no longer fit.
    public func update(_ id: UUID, _ room: RehabRoom, as context: AccessContext) async throws -> Bool {
        try room.check()
        return try await pool.withAccess(context) { connection in
            guard
                let organisation = try await connection.query(
                    """
                    UPDATE rehab_rooms SET code = \(room.code), name = \(room.name), room_type = \(room.type), capacity = \(room.capacity),
                        max_sessions = \(room.maxSessions), bookings = bookings + 1
                    WHERE id = \(id) RETURNING organisation_id
                    """, prepared: true
                ).first?.decode(UUID.self)
            else { return false }
            try await connection.query("SELECT rehab_check_room(\(id), tstzrange(now(), NULL))", prepared: true)
            try await Self.replaceWindows(room.hours, .hours, id: id, organisation: organisation, on: connection)
            return true
        }
    }

    /// The caller's rooms and pools (of one clinic when `clinic` is given), by code.
    public func rooms(clinic: UUID?, as context: AccessContext) async throws -> [RehabRoom] {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await Self.rooms(clinic: clinic, id: nil, on: connection)
        }
    }

    /// One room, or nil.
    public func room(_ id: UUID, as context: AccessContext) async throws -> RehabRoom? {
        try await pool.withAccess(context, readOnly: true) { connection in
            try await Self.rooms(clinic: nil, id: id, on: connection).first
        }
    }

    static func rooms(clinic: UUID?, id: UUID?, on connection: PostgresConnection) async throws -> [RehabRoom] {
        let windows = try await Self.windows(.hours, clinic: clinic, owner: id, on: connection)
        return try await connection.query(
            """
            SELECT id, organisation_id, code, name, room_type, capacity, max_sessions FROM rehab_rooms
            WHERE (\(clinic)::uuid IS NULL OR organisation_id = \(clinic)) AND (\(id)::uuid IS NULL OR id = \(id))
            ORDER BY code
            """, prepared: true
        ).map { row in
            let (id, organisation, code, name, type, capacity, maxSessions) = try row.decode((UUID, UUID, String, String, String, Int, Int).self)
            return RehabRoom(
                id: id, organisationId: organisation, code: code, name: name, type: type, capacity: capacity, maxSessions: maxSessions,
                hours: windows[id] ?? [])
        }
    }

    // MARK: Clinic settings

    /// The organisation a code or id names, if any (organisations are not secret).
    public func organisation(_ codeOrID: String) async throws -> UUID? {
        try await pool.withConnection { connection in
            try await connection.query(
                """
                SELECT id FROM organisations WHERE code = \(codeOrID) OR id::text = lower(\(codeOrID))
                """, prepared: true
            ).first?.decode(UUID.self, at: 0)
        }
    }

    /// The clinic's grid and time zone (`ClinicSettings.standard` until it sets its own).
    public func settings(_ clinic: UUID, as context: AccessContext) async throws -> ClinicSettings {
        try await pool.withAccess(context, readOnly: true) { connection in try await ClinicSettings.load(clinic, on: connection) }
    }

    /// The clinic's name, as its letters are signed (nil: not one the context acts for).
    public func clinicName(_ clinic: UUID, as context: AccessContext) async throws -> String? {
        guard context.organisations.contains(clinic) else { return nil }
        return try await pool.withAccess(context, readOnly: true) { connection -> String? in
            guard let row = try await connection.query("SELECT name FROM organisations WHERE id = \(clinic)", prepared: true).first else { return nil }
            return try row.decode(String.self)
        }
    }

    /// Stores the clinic's grid and time zone.
    public func save(_ settings: ClinicSettings, clinic: UUID, as context: AccessContext) async throws {
        try settings.check()
        try await pool.withAccess(context) { connection in try await settings.save(clinic, on: connection) }
    }

    // MARK: Weekly windows and checks

    /// The tables of weekly windows: a therapist's shifts, a room's hours, a stay's availability.
    enum WindowTable: String {
        case shifts = "rehab_therapist_shifts"
        case hours = "rehab_room_hours"
        case availability = "rehab_stay_availability"

        var owner: String { self == .shifts ? "therapist_id" : self == .hours ? "room_id" : "stay_id" }
        var start: String { self == .hours ? "opens" : "starts" }
        var end: String { self == .hours ? "closes" : "ends" }
    }

    /// The weekly windows of a table the caller may see, by owner: one clinic's, or one
    /// owner's, when given.
    static func windows(_ table: WindowTable, clinic: UUID?, owner: UUID?, on connection: PostgresConnection) async throws -> [UUID: [WeeklyWindow]] {
        var result: [UUID: [WeeklyWindow]] = [:]
        let rows = try await connection.query(
            """
            SELECT \(identifier: table.owner), weekday, to_char(\(identifier: table.start), 'HH24:MI'), to_char(\(identifier: table.end), 'HH24:MI')
            FROM \(identifier: table.rawValue)
            WHERE (\(clinic)::uuid IS NULL OR organisation_id = \(clinic)) AND (\(owner)::uuid IS NULL OR \(identifier: table.owner) = \(owner))
            ORDER BY 1, 2, 3
            """, prepared: true)
        for row in rows {
            let (owner, weekday, start, end) = try row.decode((UUID, Int, ClockTime, ClockTime).self)
            result[owner, default: []].append(WeeklyWindow(weekday: weekday, start: start, end: end))
        }
        return result
    }

    /// Replaces the weekly windows of one owner.
    static func replaceWindows(
        _ windows: [WeeklyWindow], _ table: WindowTable, id: UUID, organisation: UUID,
        on connection: PostgresConnection
    ) async throws {
        try await connection.query("DELETE FROM \(identifier: table.rawValue) WHERE \(identifier: table.owner) = \(id)", prepared: true)
        try await connection.query(
            """
            INSERT INTO \(identifier: table.rawValue) (organisation_id, \(identifier: table.owner), weekday, \(identifier: table.start), \(identifier: table.end))
            SELECT \(organisation), \(id), w, s::time, e::time
            FROM unnest(\(windows.map(\.weekday))::int[], \(windows.map(\.start.description))::text[], \(windows.map(\.end.description))::text[]) AS t(w, s, e)
            """, prepared: true)
    }

    static func isToken(_ text: String) -> Bool { text.range(of: "^[A-Za-z0-9_]{1,40}$", options: .regularExpression) != nil }

    static func checkCode(_ code: String, _ field: String) throws(Refusal) {
        guard code.range(of: "^[A-Za-z0-9_-]{1,40}$", options: .regularExpression) != nil else {
            throw Refusal.invalid(field, "must be 1–40 letters, digits, - or _")
        }
    }

    static func checkName(_ name: String, _ field: String) throws(Refusal) {
        guard (1...200).contains(name.count), !name.contains(where: \.isNewline) else { throw Refusal.invalid(field, "must be 1–200 characters on one line") }
    }
}
