import Clinical
public import Foundation
public import Postgres
import Storage

/// Synthetic acute stroke episodes for load and report tests: `regions` regions of eight
/// hospitals (two thrombectomy centres, volumes from large to very small so that some report
/// cells are small), one patient per episode, arrivals over the three years before `end` (in
/// arrival order, as real episodes lie in the tables); and
/// the session-level rehab sample of `SyntheticRehab` for `rehabStays` of them.
///
/// Distributions (each a round figure from a registry report, not a fit):
/// - age mean 75, SD 12, 18–100; 47 % women — Riksstroke annual report 2021 (mean age 75–76,
///   47 % women);
/// - 86 % ischaemic, 12 % haemorrhagic, 2 % unknown — Riksstroke 2021 (about 87 % infarction,
///   12 % intracerebral haemorrhage);
/// - NIHSS at arrival: 55 % 0–4, 30 % 5–15, 8 % 16–20, 7 % 21 or more — Riksstroke (median NIHSS 3);
/// - last known well recorded for 85 %, onset to door log-normal with median 170 minutes —
///   Riksstroke (about a third arrive within 3 hours);
/// - door to imaging median 22 minutes; IV thrombolysis for about 13 % and thrombectomy for
///   about 7 % of ischaemic strokes — RES-Q European survey 2019 (IVT 17 %, EVT 6.9 % of
///   incident ischaemic strokes) and Riksstroke (reperfusion 15–17 %); door to needle median
///   28 minutes (Sweden 2022: 82 % within 60 minutes, MJA 2024); door to groin median 75
///   minutes; each hospital a speed and a treatment propensity of its own;
/// - arrival mode 75 % direct, 20 % transferred in from another hospital, 5 % in-hospital onset —
///   an assumption (round figures, not from a registry report: published in-hospital-onset shares
///   vary widely between registries and hospitals), drawn independently of the hospital; a
///   transfer's door to groin has a median a quarter shorter (it comes imaged and expected);
/// - 90-day mRS recorded for 88 % (Riksstroke follow-up target 85–90 %), by NIHSS band and
///   better after reperfusion, with 90-day mortality about 15 % overall.
public struct SyntheticRegion: Sendable {
    public let episodes: Int
    public let regions: Int
    public let seed: UInt64
    /// The end of the period (exclusive); arrivals fall in the 1,095 days before it.
    public let end: Date
    /// Stays in the session-level rehab sample (`SyntheticRehab`).
    public let rehabStays: Int

    public init(episodes: Int, regions: Int, seed: UInt64, end: Date, rehabStays: Int = 0) {
        self.episodes = episodes
        self.regions = regions
        self.seed = seed
        self.end = end
        self.rehabStays = rehabStays
    }

    /// Hospital volume weights and whether it does thrombectomy.
    static let hospitals: [(weight: Double, thrombectomy: Bool)] = [
        (3, true), (2.5, true), (1.5, false), (1.2, false), (1, false), (0.8, false),
        (0.3, false), (0.08, false),
    ]

    /// The tables a synthetic load writes (as the owner, outside any organisation).
    static let loadedTables = [
        "patients", "stroke_episodes", "rehab_clinic_settings", "rehab_therapists", "rehab_therapist_shifts", "rehab_rooms",
        "rehab_room_hours", "rehab_stays", "rehab_prescriptions", "rehab_sessions", "rehab_participants",
        "recovery_forecasts", "recovery_observations",
    ]

    /// Lifts, for this transaction, what makes a bulk load slow or impossible: the forced
    /// row-level security of the loaded tables and of the tables their foreign keys refer to
    /// (COPY FROM refuses it, and the keys' check as the owner would see no rows), the foreign
    /// keys (checked row by row; `afterCopy` adds them back, checking every row in one pass), the
    /// rooms' capacity triggers (the sample is booked within capacity by construction) and the
    /// triggers noting each new episode for the report refresh (`afterCopy` notes instead that
    /// everything changed: the next refresh rebuilds the cells).
    static let beforeCopy = """
        CREATE TEMPORARY TABLE synthetic_foreign_keys ON COMMIT DROP AS
            SELECT c.relname AS table_name, con.conname, pg_get_constraintdef(con.oid) AS definition, con.confrelid::regclass::text AS referenced
            FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
            WHERE con.contype = 'f' AND c.relname = ANY (ARRAY['\(loadedTables.joined(separator: "', '"))']) AND c.relnamespace = 'public'::regnamespace;
        CREATE TEMPORARY TABLE synthetic_forced ON COMMIT DROP AS
            SELECT relname AS table_name FROM pg_class
            WHERE relforcerowsecurity AND relnamespace = 'public'::regnamespace
              AND (relname = ANY (ARRAY['\(loadedTables.joined(separator: "', '"))']) OR relname IN (SELECT referenced FROM synthetic_foreign_keys));
        DO $$
        DECLARE
            t record;
            k record;
        BEGIN
            FOR t IN SELECT * FROM synthetic_forced LOOP
                EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t.table_name);
            END LOOP;
            FOR k IN SELECT * FROM synthetic_foreign_keys LOOP
                EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', k.table_name, k.conname);
            END LOOP;
        END
        $$;
        ALTER TABLE rehab_sessions DISABLE TRIGGER rehab_sessions_room_capacity;
        ALTER TABLE rehab_participants DISABLE TRIGGER rehab_participants_room_capacity;
        ALTER TABLE stroke_episodes DISABLE TRIGGER stroke_episodes_report_inserted;
        ALTER TABLE recovery_observations DISABLE TRIGGER recovery_observations_report_inserted;
        """

    static let afterCopy = """
        ALTER TABLE rehab_sessions ENABLE TRIGGER rehab_sessions_room_capacity;
        ALTER TABLE rehab_participants ENABLE TRIGGER rehab_participants_room_capacity;
        ALTER TABLE stroke_episodes ENABLE TRIGGER stroke_episodes_report_inserted;
        ALTER TABLE recovery_observations ENABLE TRIGGER recovery_observations_report_inserted;
        INSERT INTO report_changes DEFAULT VALUES;
        DO $$
        DECLARE
            t record;
            k record;
        BEGIN
            FOR k IN SELECT * FROM synthetic_foreign_keys ORDER BY table_name LOOP
                EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I %s', k.table_name, k.conname, k.definition);
            END LOOP;
            FOR t IN SELECT * FROM synthetic_forced LOOP
                EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.table_name);
            END LOOP;
        END
        $$;
        """

    /// Loads of this many episodes or more, and at least as many as the table holds already,
    /// build the episodes' secondary indexes once at the end (a sort each) instead of row by
    /// row: smaller ones would spend more rebuilding over the rows already there than they save.
    static let largeLoad = 100_000

    /// Sets the secondary indexes of patients and episodes (not the keys other tables refer
    /// to) aside for a large load: their definitions kept for `indexesBack`.
    static let indexesAside = """
        CREATE TEMPORARY TABLE synthetic_indexes ON COMMIT DROP AS
            SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS definition
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
            WHERE c.relname IN ('patients', 'stroke_episodes') AND c.relnamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p', 'u', 'x'));
        DO $$
        DECLARE
            i record;
        BEGIN
            FOR i IN SELECT * FROM synthetic_indexes LOOP
                EXECUTE format('DROP INDEX %s', i.name);
            END LOOP;
        END
        $$;
        """

    static let indexesBack = """
        SET LOCAL maintenance_work_mem = '1GB';
        DO $$
        DECLARE
            i record;
        BEGIN
            FOR i IN SELECT * FROM synthetic_indexes LOOP
                EXECUTE i.definition;
            END LOOP;
        END
        $$;
        """

    /// What was loaded and how long it took.
    public struct Report: Sendable {
        public var organisations = 0
        public var episodes = 0
        /// The episodes' load from start to commit, all but the rehab sample's own time; of it,
        /// the COPY, the indexes built at the end of a large load, and every foreign key checked
        /// (the rehab sample's too) with the tables' row-level security forced again.
        public var seconds = 0.0
        public var copySeconds = 0.0
        public var indexSeconds = 0.0
        public var keySeconds = 0.0
        /// The session-level rehab sample: stays, sessions, forecasts, and its own time.
        public var rehabStays = 0
        public var rehabSessions = 0
        public var forecasts = 0
        public var rehabSeconds = 0.0
    }

    /// Loads everything in one transaction as the schema owner (COPY into tables under
    /// row-level security needs the owner, with the tables' FORCE lifted inside the
    /// transaction, and the foreign keys checked once at the end). Refuses to load the same
    /// seed twice. `progress` gets the episodes written so far, `stage` what follows them.
    public func load(into owner: PostgresPool, progress: @Sendable (Int) -> Void, stage: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        guard (1...10_000_000).contains(episodes), (1...50).contains(regions) else {
            throw Refusal.invalid("episodes", "must be 1 to 10,000,000 with 1 to 50 regions")
        }
        guard (0...100_000).contains(rehabStays) else { throw Refusal.invalid("rehabStays", "must be 0 to 100,000") }
        let prefix = "SYN\(seed % 100_000)"
        var report = Report()
        var started = Date()
        try await owner.withTransaction { connection in
            // Counted afresh if the transaction is tried again.
            (report, started) = (Report(), Date())
            guard try await connection.query("SELECT 1 FROM organisations WHERE code = \(prefix + "-R01")").first == nil else {
                throw Refusal.invalid("seed", "synthetic data of seed \(seed) is loaded already")
            }
            var generator = SyntheticGenerator(seed: seed)
            var sites: [(id: UUID, region: Int, thrombectomy: Bool, speed: Double, propensity: Double)] = []
            for region in 1...regions {
                let regionID = generator.uuid()
                try await connection.query(
                    """
                    INSERT INTO organisations (id, kind, code, name) VALUES (\(regionID), 'region', \(String(format: "%@-R%02d", prefix, region)),
                                                                            \("Synthetic region \(region)"))
                    """)
                for (index, hospital) in Self.hospitals.enumerated() {
                    let id = generator.uuid()
                    try await connection.query(
                        """
                        INSERT INTO organisations (id, parent_id, kind, code, name)
                        VALUES (\(id), \(regionID), 'hospital', \(String(format: "%@-R%02d-H%d", prefix, region, index + 1)),
                                \("Synthetic hospital \(region).\(index + 1)"))
                        """)
                    sites.append((id, region, hospital.thrombectomy, generator.logNormal(median: 1, sigma: 0.25), generator.logNormal(median: 1, sigma: 0.2)))
                }
                report.organisations += 1 + Self.hospitals.count
            }
            try await connection.runScript(trustedSQL: Self.beforeCopy)
            let present = try await connection.query(
                """
                SELECT greatest(c.reltuples, s.n_live_tup, 0)::bigint FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
                WHERE c.oid = 'stroke_episodes'::regclass
                """
            ).single().decode(Int.self)
            let large = episodes >= Self.largeLoad && episodes >= present
            if large { try await connection.runScript(trustedSQL: Self.indexesAside) }
            let copyStarted = Date()
            let volume = (0..<sites.count).map { Self.hospitals[$0 % Self.hospitals.count].weight }
            let cumulative = volume.reduce(into: [Double]()) { $0.append(($0.last ?? 0) + $1) }
            let (batch, total, end, hospitals) = (20_000, episodes, end, sites)
            func generate(_ numbers: Range<Int>, from generator: SyntheticGenerator) -> Task<SyntheticBatch, Never> {
                Task { SyntheticBatch(numbers, of: total, generator: generator, prefix: prefix, sites: hospitals, cumulative: cumulative, end: end) }
            }
            // The next batch is drawn while the database takes this one.
            var pending = generate(0..<min(batch, total), from: generator)
            var written = 0
            while written < total {
                let current = await pending.value
                generator = current.generator
                written += current.count
                if written < total { pending = generate(written..<min(written + batch, total), from: generator) }
                _ = try await connection.copyFrom("COPY patients (organisation_id, id, pseudonym, birth_year, sex) FROM STDIN") {
                    try await $0.write(current.patients)
                }
                _ = try await connection.copyFrom(
                    """
                    COPY stroke_episodes (organisation_id, id, patient_id, stroke_type, last_known_well, arrival_at, nihss_at_arrival, imaging_at,
                                          needle_at, thrombolytic, groin_puncture_at, reperfusion_at, mtici, mrs_90, arrival_mode) FROM STDIN
                    """
                ) { try await $0.write(current.episodes) }
                progress(written)
            }
            report.copySeconds = Date().timeIntervalSince(copyStarted)
            if large {
                stage("building the episodes' indexes …")
                let indexStarted = Date()
                try await connection.runScript(trustedSQL: Self.indexesBack)
                report.indexSeconds = Date().timeIntervalSince(indexStarted)
            }
            report.episodes = written
            let rehabStarted = Date()
            stage("rehab sample: \(rehabStays) stays with their sessions …")
            let sample = try await SyntheticRehab(stays: rehabStays, prefix: prefix, end: end).load(on: connection, generator: &generator)
            report.rehabSeconds = Date().timeIntervalSince(rehabStarted)
            stage("checking every foreign key once …")
            (report.rehabStays, report.rehabSessions, report.forecasts) = (sample.stays, sample.sessions, sample.forecasts)
            report.organisations += sample.clinics
            let keysStarted = Date()
            try await connection.runScript(trustedSQL: Self.afterCopy)
            report.keySeconds = Date().timeIntervalSince(keysStarted)
        }
        // The episodes' time: everything but the rehab sample's own.
        report.seconds = Date().timeIntervalSince(started) - report.rehabSeconds
        return report
    }
}
