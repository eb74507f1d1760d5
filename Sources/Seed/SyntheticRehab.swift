import Foundation
import Postgres
import Storage

/// The session-level rehabilitation sample of a synthetic region: one rehab clinic per region
/// (UTC, weekdays 08:00–16:00 in hourly slots) with its therapists (as many as its expected
/// load needs), rooms and pool; for a
/// sample of the region's survivors with a disability (90-day mRS 1–4), a stay with
/// prescriptions, the sessions of every weekday booked greedily where a therapist, the room
/// and the patient are free (what finds no slot is not delivered), and what became of each
/// place; and, for part of the stays, a day-90 FM-UE forecast with the assessment it is held
/// against.
///
/// Figures (round, assumptions unless cited):
/// - admission to rehab a median 7 days after the stroke (2–30), stays a median 21 days
///   (7–60) — SSNAP 2023 (median stroke-unit stay about 2–3 weeks; assumption for the spread);
/// - physiotherapy 5 × 45 minutes a week for all, occupational therapy 5 × 45 for 80 %, speech
///   and language therapy 3 × 45 for 35 % (aphasia in about a third, Flowers 2016), individual
///   pool therapy 2 × 30 for 25 % and mineral baths 2 × 20 for 15 % (assumptions);
/// - of places in sessions that have ended: 88 % attended (a tenth of them 5–15 minutes short),
///   4 % no-show, 4 % place cancelled, 3 % session cancelled, 1 % not recorded (assumptions);
/// - forecasts for 40 % of stays, made on day 30 from observations to day 28: the observed
///   day-90 FM-UE spread by severity, the forecast within a normal error of SD 6 points and a
///   95 % interval of ± 10 points — a stated error model, not the recovery model (fitting every
///   sampled patient would take minutes; the service writes real forecasts as it projects).
struct SyntheticRehab {
    /// Stays in the sample (spread over the regions' clinics).
    let stays: Int
    let prefix: String
    let end: Date

    /// What was loaded.
    struct Counts {
        var clinics = 0
        var stays = 0
        var sessions = 0
        var forecasts = 0
    }

    /// A prescription of the sample: modality, skill of its therapist, room, sessions a week,
    /// minutes, and the share of stays that have it.
    private static let prescriptions: [(modality: String, skill: String?, room: Int, perWeek: Int, minutes: Int, share: Double)] = [
        ("PT", "PT", 0, 5, 45, 1.0), ("OT", "OT", 1, 5, 45, 0.8), ("SLT", "SLT", 2, 3, 45, 0.35),
        ("HYDRO_IND", "AQUA", 3, 2, 30, 0.25), ("BATH", nil, 4, 2, 20, 0.15),
    ]
    /// Rooms of a clinic: code, type, and the skill whose therapists work there (the room takes
    /// as many sessions at once as there are such therapists, so a free therapist always finds
    /// room; places as many; the baths three cabins).
    private static let rooms: [(code: String, type: String, skill: String?)] = [
        ("GYM", "gym", "PT"), ("OT", "ot_room", "OT"), ("SPEECH", "speech_room", "SLT"), ("POOL", "pool", "AQUA"), ("BATHS", "bath_cabin", nil),
    ]
    private static let bathCabins = 3
    private static let slots = 8
    /// The share of a therapist's weekday that the sample's clinics are staffed to fill.
    private static let staffedLoad = 0.75
    /// Therapists of one skill at most (four skills stay under the calendar's 64 numbers).
    private static let maxPerSkill = 15

    /// Therapists by skill for a clinic expecting `stays` stays over the three years: enough
    /// for the minutes prescribed a day (per day of stay, over the median 21-day stay) to fill
    /// `staffedLoad` of their 8-hour weekdays.
    static func staff(forStays stays: Double) -> [(skill: String, count: Int)] {
        let concurrent = stays * 21 / 1_095
        return ["PT", "OT", "SLT", "AQUA"].map { skill in
            let perDay = prescriptions.filter { $0.skill == skill }.reduce(0.0) { $0 + $1.share * Double($1.perWeek * $1.minutes) / 7 }
            return (skill, min(maxPerSkill, max(1, Int((concurrent * perDay / (480 * 5 / 7 * staffedLoad)).rounded(.up)))))
        }
    }

    /// Loads the sample on `connection` (inside the synthetic load's transaction, with the
    /// tables' forced security, foreign keys and room triggers lifted).
    func load(on connection: PostgresConnection, generator: inout SyntheticGenerator) async throws -> Counts {
        var counts = Counts()
        guard stays > 0 else { return counts }
        let sample = try await connection.query(
            """
            SELECT e.patient_id, r.id, extract(epoch FROM coalesce(e.last_known_well, e.arrival_at))::bigint, e.stroke_type::text,
                   coalesce(e.nihss_at_arrival, 5)::integer
            FROM stroke_episodes e JOIN organisations h ON h.id = e.organisation_id JOIN organisations r ON r.id = h.parent_id
            WHERE r.code LIKE \(prefix + "-R%") AND e.stroke_type IN ('ischaemic', 'haemorrhagic') AND e.mrs_90 BETWEEN 1 AND 4
              AND coalesce(e.last_known_well, e.arrival_at) < \(end) - interval '10 days'
            ORDER BY e.id LIMIT \(stays)
            """
        ).map { try $0.decode((UUID, UUID, Int, String, Int).self) }
        let endDay = Int(end.timeIntervalSince1970) / 86_400
        var clinics: [UUID: Clinic] = [:]
        var rows = Rows()
        let staysPerRegion = Dictionary(sample.map { ($0.1, 1) }, uniquingKeysWith: +)
        for (patient, region, onset, strokeType, nihss) in sample {
            if clinics[region] == nil {
                clinics[region] = try await Self.clinic(
                    in: region, staff: Self.staff(forStays: Double(staysPerRegion[region] ?? 1)), on: connection,
                    generator: &generator)
            }
            guard var clinic = clinics[region] else { continue }
            let strokeDay = onset / 86_400
            let admitted = strokeDay + Int(min(max(generator.logNormal(median: 7, sigma: 0.6), 2), 30))
            guard admitted < endDay else { continue }
            let discharge = admitted + Int(min(max(generator.logNormal(median: 21, sigma: 0.5), 7), 60)) - 1
            let stay = generator.uuid()
            rows.stay(
                clinic: clinic.id, stay: stay, patient: patient, strokeDay: strokeDay, strokeType: strokeType, admitted: admitted,
                discharge: discharge < endDay ? discharge : nil)
            counts.stays += 1
            var booked = Set<Int>()  // the patient's slots, as day * slots + slot
            for prescription in Self.prescriptions where generator.chance(prescription.share) {
                let prescriptionID = generator.uuid()
                rows.prescription(
                    clinic: clinic.id, id: prescriptionID, stay: stay, modality: prescription.modality, perWeek: prescription.perWeek,
                    minutes: prescription.minutes, from: admitted)
                let weekdays = Array([0, 1, 2, 3, 4].shuffled(using: &generator).prefix(prescription.perWeek))
                for day in admitted...min(discharge, endDay - 1) where weekdays.contains((day + 3) % 7) {
                    guard let (slot, therapist) = clinic.book(day: day, skill: prescription.skill, room: prescription.room, patientBusy: booked) else {
                        continue
                    }
                    booked.insert(day * Self.slots + slot)
                    rows.session(
                        clinic: clinic.id, id: generator.uuid(), modality: prescription.modality, therapist: therapist,
                        room: clinic.rooms[prescription.room], start: (day * 24 + 8 + slot) * 3_600, minutes: prescription.minutes,
                        patient: patient, prescription: prescriptionID, generator: &generator)
                    counts.sessions += 1
                }
            }
            clinics[region] = clinic
            if generator.chance(0.4), strokeDay + 97 < endDay {
                rows.forecast(clinic: clinic.id, patient: patient, onset: onset, nihss: nihss, generator: &generator)
                counts.forecasts += 1
            }
        }
        try await rows.copy(on: connection)
        counts.clinics = clinics.count
        return counts
    }

    /// A region's clinic with its settings, therapists and shifts, rooms and hours.
    private static func clinic(
        in region: UUID, staff: [(skill: String, count: Int)], on connection: PostgresConnection,
        generator: inout SyntheticGenerator
    ) async throws -> Clinic {
        let id = generator.uuid()
        let code = try await connection.query("SELECT code FROM organisations WHERE id = \(region)").single().decode(String.self)
        try await connection.query(
            """
            INSERT INTO organisations (id, parent_id, kind, code, name) VALUES (\(id), \(region), 'rehab_clinic', \(code + "-C1"), \("Synthetic rehab clinic of \(code)"))
            """)
        try await connection.query(
            """
            INSERT INTO rehab_clinic_settings (organisation_id, time_zone, day_start, slot_minutes, weekday_slots, saturday_slots, am_pm_boundary_slot,
                                               contact_percent, offer_minutes)
            VALUES (\(id), 'UTC', '08:00', 15, 32, 0, 16, 80, 60)
            """)
        var therapists: [String: [(index: Int, id: UUID)]] = [:]
        for (skill, count) in staff {
            for number in 1...count {
                let therapist = generator.uuid()
                therapists[skill, default: []].append((therapists.values.reduce(0) { $0 + $1.count }, therapist))
                try await connection.query(
                    """
                    INSERT INTO rehab_therapists (organisation_id, id, code, name, role, skills)
                    VALUES (\(id), \(therapist), \("\(skill)\(number)"), \("Synthetic \(skill) therapist \(number)"), 'therapist', \([skill]))
                    """)
            }
        }
        try await connection.query(
            """
            INSERT INTO rehab_therapist_shifts (organisation_id, therapist_id, weekday, starts, ends)
            SELECT \(id), t.id, d, '08:00'::time, '16:00'::time FROM rehab_therapists t, generate_series(0, 4) d WHERE t.organisation_id = \(id)
            """)
        var rooms: [UUID] = []
        var limits: [Int] = []
        for room in Self.rooms {
            let roomID = generator.uuid()
            let atOnce = room.skill.map { therapists[$0]?.count ?? 1 } ?? bathCabins
            rooms.append(roomID)
            limits.append(atOnce)
            try await connection.query(
                """
                INSERT INTO rehab_rooms (organisation_id, id, code, name, room_type, capacity, max_sessions)
                VALUES (\(id), \(roomID), \(room.code), \(room.code.capitalized), \(room.type), \(max(atOnce, 2)), \(atOnce))
                """)
        }
        try await connection.query(
            """
            INSERT INTO rehab_room_hours (organisation_id, room_id, weekday, opens, closes)
            SELECT \(id), r.id, d, '08:00'::time, '16:00'::time FROM rehab_rooms r, generate_series(0, 4) d WHERE r.organisation_id = \(id)
            """)
        return Clinic(id: id, therapists: therapists, rooms: rooms, roomLimits: limits)
    }

    /// A clinic's calendar: who is busy in which slot of which day.
    private struct Clinic {
        let id: UUID
        /// Each skill's therapists with a number of their own in the clinic (under 64).
        let therapists: [String: [(index: Int, id: UUID)]]
        let rooms: [UUID]
        let roomLimits: [Int]
        /// Busy therapists as (day × slots + slot) × 64 + their number; rooms' sessions as
        /// (day × slots + slot) × 8 + the room.
        var therapistBusy = Set<Int>()
        var roomUse: [Int: Int] = [:]

        /// The first slot of `day` in which the patient, a therapist of `skill` (if needed) and
        /// the room are free; books it.
        mutating func book(day: Int, skill: String?, room: Int, patientBusy: Set<Int>) -> (slot: Int, therapist: UUID?)? {
            for slot in 0..<SyntheticRehab.slots where !patientBusy.contains(day * SyntheticRehab.slots + slot) {
                let moment = day * SyntheticRehab.slots + slot
                guard roomUse[moment * 8 + room, default: 0] < roomLimits[room] else { continue }
                var therapist: UUID?
                if let skill {
                    guard let free = therapists[skill]?.first(where: { !therapistBusy.contains(moment * 64 + $0.index) }) else { continue }
                    therapistBusy.insert(moment * 64 + free.index)
                    therapist = free.id
                }
                roomUse[moment * 8 + room, default: 0] += 1
                return (slot, therapist)
            }
            return nil
        }
    }

    /// The COPY text of the sample's rows.
    private struct Rows {
        var stays: [UInt8] = [], prescriptions: [UInt8] = [], sessions: [UInt8] = [], participants: [UInt8] = []
        var forecasts: [UInt8] = [], observations: [UInt8] = []

        mutating func stay(clinic: UUID, stay: UUID, patient: UUID, strokeDay: Int, strokeType: String, admitted: Int, discharge: Int?) {
            // organisation_id, id, patient_id, setting, stroke_date, stroke_type, max_minutes_per_day, admitted_on, discharge_on
            for field in [clinic.uuidString, stay.uuidString, patient.uuidString, "inpatient", Self.date(strokeDay), strokeType, "240", Self.date(admitted)] {
                SyntheticGenerator.append(field, to: &stays, tab: true)
            }
            SyntheticGenerator.append(discharge.map(Self.date) ?? "\\N", to: &stays, tab: false)
        }

        mutating func prescription(clinic: UUID, id: UUID, stay: UUID, modality: String, perWeek: Int, minutes: Int, from day: Int) {
            // organisation_id, id, stay_id, modality, sessions_per_week, session_minutes, starts_on, prescribed_by
            for field in [clinic.uuidString, id.uuidString, stay.uuidString, modality, String(perWeek), String(minutes), Self.date(day)] {
                SyntheticGenerator.append(field, to: &prescriptions, tab: true)
            }
            SyntheticGenerator.append("synthetic", to: &prescriptions, tab: false)
        }

        /// A session of one patient and what became of the place.
        mutating func session(
            clinic: UUID, id: UUID, modality: String, therapist: UUID?, room: UUID, start: Int, minutes: Int, patient: UUID,
            prescription: UUID, generator: inout SyntheticGenerator
        ) {
            let during = "[\"\(Self.time(start))\",\"\(Self.time(start + minutes * 60))\")"
            let outcome = generator.pick([0.88, 0.04, 0.04, 0.03, 0.01])
            let sessionCancelled = outcome == 3
            // organisation_id, id, modality, therapist_id, room_id, room_single, during, max_participants, booked_at, booked_by,
            // cancelled_at, cancelled_by, cancel_reason
            for field in [
                clinic.uuidString, id.uuidString, modality, therapist?.uuidString ?? "\\N", room.uuidString, "f", during, "1", Self.time(start - 7 * 86_400),
                "synthetic", sessionCancelled ? Self.time(start - 86_400) : "\\N", sessionCancelled ? "synthetic" : "\\N",
            ] {
                SyntheticGenerator.append(field, to: &sessions, tab: true)
            }
            SyntheticGenerator.append(sessionCancelled ? "Therapist ill" : "\\N", to: &sessions, tab: false)
            let placeCancelled = outcome == 2
            let attendance = outcome == 0 ? "attended" : (outcome == 1 ? "no_show" : "\\N")
            let delivered = outcome == 0 ? String(generator.chance(0.1) ? minutes - 5 - Int(generator.uniform() * 10) : minutes) : "\\N"
            // organisation_id, session_id, patient_id, during, session_cancelled, prescription_id, cancelled_at, cancelled_by, cancel_reason,
            // attendance, minutes_delivered, attendance_by, attendance_at
            for field in [
                clinic.uuidString, id.uuidString, patient.uuidString, during, sessionCancelled ? "t" : "f", prescription.uuidString,
                placeCancelled ? Self.time(start - 86_400) : "\\N", placeCancelled ? "synthetic" : "\\N", placeCancelled ? "Transport" : "\\N",
                attendance, delivered, attendance == "\\N" ? "\\N" : "synthetic",
            ] {
                SyntheticGenerator.append(field, to: &participants, tab: true)
            }
            SyntheticGenerator.append(attendance == "\\N" ? "\\N" : Self.time(start + minutes * 60), to: &participants, tab: false)
        }

        /// A day-90 forecast made on day 30 and the FM-UE assessment near day 90.
        mutating func forecast(clinic: UUID, patient: UUID, onset: Int, nihss: Int, generator: inout SyntheticGenerator) {
            let expected = nihss <= 4 ? 55.0 : (nihss <= 15 ? 38.0 : 18.0)
            let observed = Int(min(max(expected + 12 * generator.normal(), 0), 66).rounded())
            let fm = min(max(Double(observed) + 6 * generator.normal(), 0), 66)
            // organisation_id, id, patient_id, made_at, onset_at, last_observed_day, fm_day_90, lower_day_90, upper_day_90, model, parameter_version
            for field in [
                clinic.uuidString, generator.uuid().uuidString, patient.uuidString, Self.time(onset + 30 * 86_400), Self.time(onset), "28",
                String(format: "%.1f", fm), String(format: "%.1f", max(fm - 10, 0)), String(format: "%.1f", min(fm + 10, 66)), "synthetic error model",
            ] {
                SyntheticGenerator.append(field, to: &forecasts, tab: true)
            }
            SyntheticGenerator.append("synthetic", to: &forecasts, tab: false)
            // organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by
            let day = 83 + Int(generator.uniform() * 15)
            for field in [clinic.uuidString, patient.uuidString, "FM-UE", Self.time(onset + day * 86_400), String(observed), "Synthetic therapist"] {
                SyntheticGenerator.append(field, to: &observations, tab: true)
            }
            SyntheticGenerator.append("synthetic", to: &observations, tab: false)
        }

        func copy(on connection: PostgresConnection) async throws {
            let tables: [(PostgresQuery, [UInt8])] = [
                (
                    """
                    COPY rehab_stays (organisation_id, id, patient_id, setting, stroke_date, stroke_type, max_minutes_per_day, admitted_on, discharge_on) FROM STDIN
                    """, stays
                ),
                (
                    """
                    COPY rehab_prescriptions (organisation_id, id, stay_id, modality, sessions_per_week, session_minutes, starts_on, prescribed_by) FROM STDIN
                    """, prescriptions
                ),
                (
                    """
                    COPY rehab_sessions (organisation_id, id, modality, therapist_id, room_id, room_single, during, max_participants, booked_at, booked_by,
                                         cancelled_at, cancelled_by, cancel_reason) FROM STDIN
                    """, sessions
                ),
                (
                    """
                    COPY rehab_participants (organisation_id, session_id, patient_id, during, session_cancelled, prescription_id, cancelled_at, cancelled_by,
                                             cancel_reason, attendance, minutes_delivered, attendance_by, attendance_at) FROM STDIN
                    """, participants
                ),
                (
                    """
                    COPY recovery_forecasts (organisation_id, id, patient_id, made_at, onset_at, last_observed_day, fm_day_90, lower_day_90, upper_day_90,
                                             model, parameter_version) FROM STDIN
                    """, forecasts
                ),
                ("COPY recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by) FROM STDIN", observations),
            ]
            for (statement, text) in tables where !text.isEmpty {
                _ = try await connection.copyFrom(statement) { try await $0.write(text) }
            }
        }

        /// YYYY-MM-DD of a day count since 1970-01-01.
        static func date(_ day: Int) -> String {
            let (year, month, dayOfMonth) = SyntheticGenerator.civil(day)
            return String(format: "%04d-%02d-%02d", year, month, dayOfMonth)
        }

        /// "YYYY-MM-DD HH:MM:SS+00" of Unix seconds.
        static func time(_ seconds: Int) -> String {
            var buffer: [UInt8] = []
            SyntheticGenerator.timestamp(seconds, to: &buffer)
            return String(decoding: buffer.dropLast(), as: UTF8.self)
        }
    }
}
