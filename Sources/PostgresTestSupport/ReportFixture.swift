public import Foundation
import Postgres
import ProtocolLibrary
public import Rehabilitation
public import Reporting
public import Storage

/// A small region for report tests, every value computed by hand: a big, a middle and a
/// small hospital (k = 5 for the region).
public enum ReportFixture {
    public static let region = UUID(uuidString: "7e570000-0000-4000-8000-000000000001") ?? UUID()
    public static let big = UUID(uuidString: "7e570000-0000-4000-8000-000000000002") ?? UUID()
    public static let small = UUID(uuidString: "7e570000-0000-4000-8000-000000000003") ?? UUID()
    public static let middle = UUID(uuidString: "7e570000-0000-4000-8000-000000000004") ?? UUID()
    public static let clinic = UUID(uuidString: "7e570000-0000-4000-8000-000000000005") ?? UUID()
    public static let planner = AccessContext(subject: "planner", role: "planner", organisations: [region])

    /// The indicator catalogue of this checkout.
    public static func catalogue() throws -> IndicatorCatalogue {
        try TestPaths.protocols.indicators()
    }

    /// The rehab catalogue of this checkout.
    public static func rehabCatalogue() throws -> RehabCatalogue {
        try TestPaths.protocols.rehabCatalogue()
    }

    /// Thirteen ischaemic episodes at the big hospital in March 2026 — ten with onset 60 minutes
    /// before arrival, six thrombolysed 25–75 minutes after arrival, one more thrombolysed with no
    /// arrival time, eight followed up — three haemorrhagic ones at the small hospital, and six at
    /// a middle one (the cheapest companion when the small one is withheld: with the region's
    /// totals published, hiding the small hospital alone would not hide it).
    /// Dates the last refresh `day` June 2027, so that reports read the fixtures' year 2026 as
    /// published whole (reports by stratum are released by whole years; a month is published
    /// only some days after it ends: docs/reporting.md, "Versions"). Each refresh of a test
    /// takes a day of its own: releases are kept per refresh time.
    public static func refreshedInJune2027(_ database: TestDatabase, day: Int = 1) async throws {
        try await database.withPool(.superuser) { pool in
            try await pool.query("UPDATE report_refreshes SET refreshed_at = make_timestamptz(2027, 6, \(day)::integer, 0, 0, 0, 'UTC')")
        }
    }

    public static func load(_ database: TestDatabase) async throws {
        try await database.withPool(.superuser) { pool in
            try await pool.query(
                """
                INSERT INTO organisations (id, parent_id, kind, code, name, report_min_cell) VALUES
                    (\(region), NULL, 'region', 'TESTR', 'Test region', 5),
                    (\(big), \(region), 'hospital', 'TESTR-BIG', 'Big hospital', NULL),
                    (\(small), \(region), 'hospital', 'TESTR-SMALL', 'Small hospital', NULL),
                    (\(middle), \(region), 'hospital', 'TESTR-MIDDLE', 'Middle hospital', NULL)
                """)
            let arrival = Date(timeIntervalSince1970: 1_773_136_800)  // 2026-03-10T10:00:00Z
            let needles: [Double?] = [25, 35, 45, 55, 65, 75, nil, nil, nil, nil, nil, nil]
            let grades: [Int?] = [0, 1, 1, 2, 3, 4, 6, nil, nil, nil, nil, nil]
            for index in 0..<12 {
                let patient = UUID()
                try await pool.query(
                    "INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(big), \(patient), \("B\(index)"), 1950, 'female')")
                try await pool.query(
                    """
                    INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, imaging_at, needle_at, nihss_at_arrival, mrs_90)
                    VALUES (\(big), \(patient), 'ischaemic', \(index < 10 ? arrival - 3_600 : nil), \(arrival), \(arrival + 1_200),
                            \(needles[index].map { arrival + $0 * 60 }), 8, \(grades[index]))
                    """)
            }
            let patient = UUID()
            try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(big), \(patient), 'B12', 1950, 'male')")
            try await pool.query(
                """
                INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, needle_at, mrs_90)
                VALUES (\(big), \(patient), 'ischaemic', \(arrival + 86_400), \(arrival + 86_400 + 6_000), 6)
                """)
            for (hospital, count) in [(small, 3), (middle, 6)] {
                for index in 0..<count {
                    let patient = UUID()
                    try await pool.query(
                        "INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(hospital), \(patient), \("H\(count)-\(index)"), 1940, 'male')"
                    )
                    try await pool.query(
                        """
                        INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, imaging_at, mrs_90)
                        VALUES (\(hospital), \(patient), 'haemorrhagic', \(arrival - 7_200), \(arrival), \(arrival + 900), \(index % 3))
                        """)
                }
            }
        }
    }

    /// A second region for the arrival-mode split (clinical review I4; k = 5 for the region), every
    /// value computed by hand, all ischaemic episodes arriving on 10 March 2026 at 10:00 UTC (minutes
    /// after arrival):
    /// - the centre (`arrivalCentre`, 20 episodes): six direct thrombectomies, door to groin 50,
    ///   70, 80, 95, 100, 120 (three within 90; median 87.5); six transfers, 30, 45, 55, 65, 70,
    ///   90 (three within 60; median 60); one thrombectomy whose arrival mode is not recorded, 200;
    ///   five direct thrombolyses, door to needle 20, 30, 40, 50, 60 (median 40); two strokes of
    ///   in-hospital onset, one thrombolysed at 10 and one punctured at 20 minutes — in neither
    ///   door interval. Door to groin of all arrivals: 13 episodes, median 70.
    /// - a small centre (`arrivalSmall`): two transfers punctured at 40 and 50 minutes (fewer than
    ///   k: withheld);
    /// - a companion (`arrivalCompanion`): five transfers punctured at 35, 40, 45, 50 and 55 minutes
    ///   (cheaper to withhold with the small one than the centre in every table).
    /// No last known well, imaging or 90-day mRS, so that only the door intervals and counts matter.
    public static let arrivalRegion = UUID(uuidString: "7e570000-0000-4000-8000-000000000011") ?? UUID()
    public static let arrivalCentre = UUID(uuidString: "7e570000-0000-4000-8000-000000000012") ?? UUID()
    public static let arrivalSmall = UUID(uuidString: "7e570000-0000-4000-8000-000000000013") ?? UUID()
    public static let arrivalCompanion = UUID(uuidString: "7e570000-0000-4000-8000-000000000014") ?? UUID()
    public static let arrivalPlanner = AccessContext(subject: "planner", role: "planner", organisations: [arrivalRegion])

    public static func loadArrivals(_ database: TestDatabase) async throws {
        // (hospital, arrival mode, minutes to needle, minutes to groin puncture)
        typealias Episode = (hospital: UUID, mode: String?, needle: Double?, groin: Double?)
        func punctured(_ hospital: UUID, _ mode: String?, _ minutes: [Double]) -> [Episode] { minutes.map { (hospital, mode, nil, $0) } }
        func thrombolysed(_ hospital: UUID, _ mode: String?, _ minutes: [Double]) -> [Episode] { minutes.map { (hospital, mode, $0, nil) } }
        var episodes = punctured(arrivalCentre, "direct", [50, 70, 80, 95, 100, 120])
        episodes += punctured(arrivalCentre, "transfer", [30, 45, 55, 65, 70, 90])
        // Five with the arrival mode not recorded: fewer than k would be withheld, since all
        // arrivals less direct arrivals less transfers would give them away.
        episodes += punctured(arrivalCentre, nil, [200, 210, 220, 230, 240])
        episodes += thrombolysed(arrivalCentre, "direct", [20, 30, 40, 50, 60])
        episodes += thrombolysed(arrivalCentre, "in_hospital", [10])
        episodes += punctured(arrivalCentre, "in_hospital", [20])
        episodes += punctured(arrivalSmall, "transfer", [40, 50])
        episodes += punctured(arrivalCompanion, "transfer", [35, 40, 45, 50, 55])
        try await database.withPool(.superuser) { pool in
            try await pool.query(
                """
                INSERT INTO organisations (id, parent_id, kind, code, name, report_min_cell) VALUES
                    (\(arrivalRegion), NULL, 'region', 'TESTA', 'Arrival test region', 5),
                    (\(arrivalCentre), \(arrivalRegion), 'hospital', 'TESTA-CENTRE', 'Thrombectomy centre', NULL),
                    (\(arrivalSmall), \(arrivalRegion), 'hospital', 'TESTA-SMALL', 'Small centre', NULL),
                    (\(arrivalCompanion), \(arrivalRegion), 'hospital', 'TESTA-COMPANION', 'Companion centre', NULL)
                """)
            let arrival = Date(timeIntervalSince1970: 1_773_136_800)  // 2026-03-10T10:00:00Z
            for (index, (hospital, mode, needle, groin)) in episodes.enumerated() {
                let patient = UUID()
                try await pool.query(
                    "INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(hospital), \(patient), \("A\(index)"), 1950, 'female')")
                try await pool.query(
                    """
                    INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, arrival_at, arrival_mode, needle_at, groin_puncture_at)
                    VALUES (\(hospital), \(patient), 'ischaemic', \(arrival), \(mode), \(needle.map { arrival + $0 * 60 }), \(groin.map { arrival + $0 * 60 }))
                    """)
            }
        }
    }

    /// A rehab clinic of the region (UTC), every value computed by hand in February 2026:
    /// seven stays from 2 to 13 February (12 days each), strokes on 26 January; physiotherapy
    /// prescribed to all (5 × 45 minutes a week), group pool therapy to P0–P2 (2 × 30; P5 and P6
    /// join the group unprescribed); places attended, missed for each reason and not recorded; a
    /// physiotherapist (on leave on 16
    /// February) and a pool therapist on 08:00–16:00 shifts, a gym of two sessions at once and a
    /// pool of six places open 08:00–16:00; and day-90 forecasts of P0–P6 held against FM-UE
    /// assessments 88 days after onset: five count — P1's later forecast from observations to
    /// day 60 replaces its first; P0's later one (to day 80) and P6's (to day 90) are too late to
    /// count; P5 was assessed on day 110, outside the window.
    public static func loadRehab(_ database: TestDatabase) async throws {
        try await database.withPool(.superuser) { pool in
            try await pool.withTransaction { connection in
                try await connection.runScript(trustedSQL: rehabScript)
            }
        }
    }

    static let rehabScript = """
        INSERT INTO organisations (id, parent_id, kind, code, name) VALUES
            ('7e570000-0000-4000-8000-000000000005', '7e570000-0000-4000-8000-000000000001', 'rehab_clinic', 'TESTR-CLINIC', 'Test rehab clinic');
        INSERT INTO rehab_clinic_settings (organisation_id, time_zone, day_start, slot_minutes, weekday_slots, saturday_slots,
                                           am_pm_boundary_slot, contact_percent, offer_minutes)
        VALUES ('7e570000-0000-4000-8000-000000000005', 'UTC', '08:00', 15, 32, 0, 16, 80, 60);
        INSERT INTO rehab_therapists (organisation_id, id, code, name, role, skills) VALUES
            ('7e570000-0000-4000-8000-000000000005', '7e571000-0000-4000-8000-000000000001', 'T1', 'Physiotherapist', 'physiotherapist', '{PT}'),
            ('7e570000-0000-4000-8000-000000000005', '7e571000-0000-4000-8000-000000000002', 'T2', 'Pool therapist', 'physiotherapist', '{AQUA}');
        INSERT INTO rehab_therapist_shifts (organisation_id, therapist_id, weekday, starts, ends)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, t, d, '08:00'::time, '16:00'::time
        FROM unnest(ARRAY['7e571000-0000-4000-8000-000000000001', '7e571000-0000-4000-8000-000000000002']::uuid[]) t, generate_series(0, 4) d;
        INSERT INTO rehab_therapist_leave (organisation_id, therapist_id, during, reason)
        VALUES ('7e570000-0000-4000-8000-000000000005', '7e571000-0000-4000-8000-000000000001', '[2026-02-16 00:00Z, 2026-02-17 00:00Z)', 'Course');
        INSERT INTO rehab_rooms (organisation_id, id, code, name, room_type, capacity, max_sessions) VALUES
            ('7e570000-0000-4000-8000-000000000005', '7e572000-0000-4000-8000-000000000001', 'GYM', 'Gym', 'gym', 6, 2),
            ('7e570000-0000-4000-8000-000000000005', '7e572000-0000-4000-8000-000000000002', 'POOL', 'Pool', 'pool', 6, 1);
        INSERT INTO rehab_room_hours (organisation_id, room_id, weekday, opens, closes)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, r, d, '08:00'::time, '16:00'::time
        FROM unnest(ARRAY['7e572000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000002']::uuid[]) r, generate_series(0, 4) d;
        INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e573000-0000-4000-8000-00000000000' || n)::uuid, 'P' || n, 1950, 'female'
        FROM generate_series(0, 6) n;
        INSERT INTO rehab_stays (organisation_id, id, patient_id, setting, stroke_date, stroke_type, max_minutes_per_day, admitted_on, discharge_on)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e574000-0000-4000-8000-00000000000' || n)::uuid,
               ('7e573000-0000-4000-8000-00000000000' || n)::uuid, 'inpatient', '2026-01-26'::date, 'ischaemic', 180, '2026-02-02'::date, '2026-02-13'::date
        FROM generate_series(0, 6) n;
        INSERT INTO rehab_prescriptions (organisation_id, stay_id, modality, sessions_per_week, session_minutes, starts_on, prescribed_by)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e574000-0000-4000-8000-00000000000' || n)::uuid, 'PT', 5, 45, '2026-02-02'::date, 'test'
        FROM generate_series(0, 6) n
        UNION ALL
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e574000-0000-4000-8000-00000000000' || n)::uuid, 'HYDRO_GRP', 2, 30, '2026-02-02'::date, 'test'
        FROM generate_series(0, 2) n;
        -- Sessions: (id, therapist, room, start, minutes, cancelled), then places (session, patient, outcome, minutes delivered).
        CREATE TEMPORARY TABLE fixture_sessions (id uuid, therapist uuid, room uuid, starts timestamptz, minutes integer, cancelled boolean) ON COMMIT DROP;
        INSERT INTO fixture_sessions VALUES
            ('7e575000-0000-4000-8000-000000000001', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-03 09:00Z', 45, false),
            ('7e575000-0000-4000-8000-000000000002', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-03 10:00Z', 45, false),
            ('7e575000-0000-4000-8000-000000000003', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-03 11:00Z', 45, false),
            ('7e575000-0000-4000-8000-000000000004', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-03 12:00Z', 45, false),
            ('7e575000-0000-4000-8000-000000000005', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-03 13:00Z', 45, true),
            ('7e575000-0000-4000-8000-000000000006', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-03 14:00Z', 45, false),
            ('7e575000-0000-4000-8000-000000000007', '7e571000-0000-4000-8000-000000000002', '7e572000-0000-4000-8000-000000000002', '2026-02-04 10:00Z', 30, false),
            ('7e575000-0000-4000-8000-000000000008', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-05 09:00Z', 45, false),
            ('7e575000-0000-4000-8000-000000000009', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-05 10:00Z', 45, false),
            ('7e575000-0000-4000-8000-00000000000a', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-06 09:00Z', 45, false),
            ('7e575000-0000-4000-8000-00000000000b', '7e571000-0000-4000-8000-000000000001', '7e572000-0000-4000-8000-000000000001', '2026-02-09 09:00Z', 45, false);
        INSERT INTO rehab_sessions (organisation_id, id, modality, therapist_id, room_id, room_single, during, max_participants, booked_by,
                                    cancelled_at, cancelled_by, cancel_reason)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, id, CASE WHEN room = '7e572000-0000-4000-8000-000000000002' THEN 'HYDRO_GRP' ELSE 'PT' END,
               therapist, room, false, tstzrange(starts, starts + make_interval(mins => minutes)),
               CASE WHEN room = '7e572000-0000-4000-8000-000000000002' THEN 6 ELSE 1 END, 'test',
               CASE WHEN cancelled THEN starts - interval '1 day' END, CASE WHEN cancelled THEN 'test' END, CASE WHEN cancelled THEN 'Therapist ill' END
        FROM fixture_sessions;
        CREATE TEMPORARY TABLE fixture_places (session uuid, patient integer, outcome text, delivered integer) ON COMMIT DROP;
        INSERT INTO fixture_places VALUES
            ('7e575000-0000-4000-8000-000000000001', 0, 'attended', 45), ('7e575000-0000-4000-8000-000000000002', 1, 'attended', 40),
            ('7e575000-0000-4000-8000-000000000003', 2, 'no_show', NULL), ('7e575000-0000-4000-8000-000000000004', 3, 'place_cancelled', NULL),
            ('7e575000-0000-4000-8000-000000000005', 4, 'session_cancelled', NULL), ('7e575000-0000-4000-8000-000000000006', 5, NULL, NULL),
            ('7e575000-0000-4000-8000-000000000007', 0, 'attended', 30), ('7e575000-0000-4000-8000-000000000007', 1, 'attended', 30),
            ('7e575000-0000-4000-8000-000000000007', 2, 'attended', 25), ('7e575000-0000-4000-8000-000000000007', 5, 'attended', 30),
            ('7e575000-0000-4000-8000-000000000007', 6, 'attended', 30), ('7e575000-0000-4000-8000-000000000008', 0, 'attended', 45),
            ('7e575000-0000-4000-8000-000000000009', 1, 'attended', 45), ('7e575000-0000-4000-8000-00000000000a', 5, 'attended', 45),
            ('7e575000-0000-4000-8000-00000000000b', 6, 'attended', 45);
        INSERT INTO rehab_participants (organisation_id, session_id, patient_id, during, session_cancelled, cancelled_at, cancelled_by, cancel_reason,
                                        attendance, minutes_delivered, attendance_by, attendance_at)
        SELECT s.organisation_id, s.id, ('7e573000-0000-4000-8000-00000000000' || p.patient)::uuid, s.during, s.cancelled,
               CASE WHEN p.outcome = 'place_cancelled' THEN lower(s.during) - interval '1 day' END,
               CASE WHEN p.outcome = 'place_cancelled' THEN 'test' END, CASE WHEN p.outcome = 'place_cancelled' THEN 'Transport' END,
               CASE WHEN p.outcome IN ('attended', 'no_show') THEN p.outcome END, p.delivered,
               CASE WHEN p.outcome IN ('attended', 'no_show') THEN 'test' END, CASE WHEN p.outcome IN ('attended', 'no_show') THEN upper(s.during) END
        FROM fixture_places p JOIN rehab_sessions s ON s.id = p.session;
        -- Forecasts (onset 26 January 08:00) and FM-UE 88 days after onset (P5: 110 days, outside the window).
        CREATE TEMPORARY TABLE fixture_forecasts (patient integer, last_day real, fm real, lower real, upper real, observed integer, made text) ON COMMIT DROP;
        INSERT INTO fixture_forecasts VALUES (0, 30, 40, 34, 46, 44, '2026-02-25'), (1, 30, 30, 25, 35, 37, '2026-02-25'), (2, 30, 50, 45, 55, 50, '2026-02-25'),
                                             (3, 30, 20, 15, 25, 17, '2026-02-25'), (4, 30, 60, 55, 65, 58, '2026-02-25'), (5, 30, 30, 25, 35, 30, '2026-02-25'),
                                             (6, 90, 30, 25, 35, 30, '2026-04-27');
        INSERT INTO recovery_forecasts (organisation_id, patient_id, made_at, onset_at, last_observed_day, fm_day_90, lower_day_90, upper_day_90, model, parameter_version)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e573000-0000-4000-8000-00000000000' || patient)::uuid, made::timestamptz,
               '2026-01-26 08:00Z'::timestamptz, last_day, fm, lower, upper, 'neurovascular-recovery 0.1', 'test'
        FROM fixture_forecasts
        UNION ALL
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e573000-0000-4000-8000-00000000000' || patient)::uuid, made::timestamptz,
               '2026-01-26 08:00Z'::timestamptz, last_day, fm, lower, upper, 'neurovascular-recovery 0.1', 'test'
        FROM (VALUES (0, '2026-04-17', 80, 44, 40, 48), (1, '2026-04-21', 60, 31, 29, 33)) later (patient, made, last_day, fm, lower, upper);
        INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by)
        SELECT '7e570000-0000-4000-8000-000000000005'::uuid, ('7e573000-0000-4000-8000-00000000000' || patient)::uuid, 'FM-UE',
               timestamptz '2026-01-26 08:00Z' + make_interval(days => CASE WHEN patient = 5 THEN 110 ELSE 88 END), observed, 'Therapist', 'test'
        FROM fixture_forecasts;
        """
}
