import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Reporting
import Storage
import Testing

/// Regional reports on a small hand-computed region: each indicator's value, the episodes left
/// out for missing time stamps, small cells withheld; and the reporting role reads nothing but
/// the report cells.
@Suite struct RegionalReportTests {
    static let planner = ReportFixture.planner

    static func catalogue() throws -> IndicatorCatalogue { try ReportFixture.catalogue() }

    @Test func eachIndicatorAgainstAHandComputedRegion() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try Self.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                #expect(try await reports.refresh(as: Self.planner) == ReportRefresh(episodes: 22, stays: 0, recomputed: 22, whole: true, rehab: true))
                try await ReportFixture.refreshedInJune2027(database)
                let report = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                #expect(report.k == 5 && report.asOf != nil)
                func table(_ id: String) throws -> IndicatorTable { try #require(report.tables.first { $0.indicator.id == id }) }
                let row = try #require(try table("ivt_rate").rows.firstIndex(of: "TESTR-BIG"))
                func big(_ id: String) throws -> ReportValue { try table(id).rowTotals[row] }
                #expect(try big("ivt_rate").n == 13 && abs((try big("ivt_rate").value ?? 0) - 700.0 / 13) < 1e-9)
                let dtn = try big("door_to_needle")
                #expect(dtn.n == 6 && dtn.value == 50 && dtn.q1 == 37.5 && dtn.q3 == 62.5 && dtn.missing == 1, "\(dtn)")
                #expect(dtn.within?["60"].map { abs($0 - 400.0 / 6) < 1e-9 } == true && dtn.within?["45"] == 50)
                #expect(try big("dtn_within_60").value.map { abs($0 - 400.0 / 6) < 1e-9 } == true)
                let onset = try big("onset_to_door")
                #expect(onset.n == 10 && onset.value == 60 && onset.missing == 3, "two without last known well, one without arrival")
                #expect(try big("door_to_imaging").value == 20)
                #expect(try big("follow_up_90").value.map { abs($0 - 800.0 / 13) < 1e-9 } == true)
                #expect(try big("mrs_90_distribution").shares == [12.5, 25, 12.5, 12.5, 12.5, 0, 25])
                #expect(try big("mrs_90_mean").value == 23.0 / 8)
                #expect(
                    try big("mortality_90").n == 13 && (try big("mortality_90").value).map { abs($0 - 200.0 / 13) < 1e-9 } == true,
                    "two known deaths among all thirteen episodes (I5)")
                // The small hospital's three episodes are withheld everywhere, with the reason.
                let smallRow = try #require(try table("follow_up_90").rows.firstIndex(of: "TESTR-SMALL"))
                let withheld = try table("follow_up_90").rowTotals[smallRow]
                #expect(
                    withheld.suppressed == true && withheld.value == nil
                        && withheld.reason == "withheld: based on fewer than 5 patients, or would let such a value be worked out")
                #expect(try table("onset_to_door").rowTotals[smallRow].suppressed == true)
                let middleRow = try #require(try table("follow_up_90").rows.firstIndex(of: "TESTR-MIDDLE"))
                #expect(
                    try table("follow_up_90").rowTotals[middleRow].suppressed == true,
                    "the middle hospital is withheld with it, or the region's total would give the small one away")
                // The funnel places the big hospital; the withheld one is not drawn.
                #expect(try table("ivt_rate").funnel?.points.map(\.row) == ["TESTR-BIG"], "the only hospital with ischaemic strokes")
                // By stratum over all time, the acute intervals come from the histograms by region, stratum and year.
                let byType = try await reports.report(ReportQuery(period: .all, rows: .strokeType), as: Self.planner)
                let needleByType = try #require(byType.tables.first { $0.indicator.id == "door_to_needle" })
                let ischaemic = needleByType.rowTotals[try #require(needleByType.rows.firstIndex(of: "ischaemic"))]
                #expect(ischaemic.n == 6 && ischaemic.value == 50 && ischaemic.q1 == 37.5 && ischaemic.missing == 1, "the big hospital's: \(ischaemic)")
                let femaleRegion = try await reports.report(ReportQuery(period: .year, rows: .region, sex: "female"), as: Self.planner)
                // The region kept to women is withheld: the region's one ischaemic man would be its total less
                // the women (the release withholds the women's year as his complement).
                #expect(femaleRegion.tables.first { $0.indicator.id == "door_to_needle" }?.total.suppressed == true)
                let mixed = AccessContext(subject: "planner", role: "planner", organisations: [ReportFixture.region, ReportFixture.big])
                let mixedByType = try await reports.report(ReportQuery(period: .all, rows: .strokeType), as: mixed)
                #expect(
                    mixedByType.tables.first { $0.indicator.id == "door_to_needle" }?.total.value == nil,
                    "a caller who also reports for a hospital gets no medians from histograms kept by region")
                // Strata are released by year: by month or quarter, or two at once, is refused (review H1).
                for refused in [
                    ReportQuery(period: .month, rows: .sex), ReportQuery(period: .quarter, rows: .region, sex: "female"),
                    ReportQuery(period: .year, rows: .sex, ageBand: 2),
                ] {
                    await #expect(throws: Refusal.self) { try await reports.report(refused, as: Self.planner) }
                }
                // One indicator alone: its table as in the full report, the same values withheld.
                let alone = try await reports.report(ReportQuery(period: .all, indicator: "onset_to_door"), as: Self.planner)
                let full = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                #expect(alone.tables.count == 1 && alone.tables.first == full.tables.first { $0.indicator.id == "onset_to_door" })
                #expect(alone.tables.first?.rowTotals.contains { $0.suppressed == true } == true, "the small hospital withheld here too")
                await #expect(throws: Refusal.self) { try await reports.report(ReportQuery(indicator: "door_to_coffee"), as: Self.planner) }
                await #expect(throws: Refusal.self) {
                    try await reports.report(ReportQuery(indicator: String(repeating: "x", count: 100_000)), as: Self.planner)
                }
                let csv = ReportCSV.render(report.tables)
                #expect(
                    csv.hasPrefix(ReportCSV.columns.joined(separator: ","))
                        && csv.contains(
                            "follow_up_90,%,TESTR-SMALL,TESTR-SMALL,all,,,,,,,,true,\"withheld: based on fewer than 5 patients, or would let such a value be worked out\"\r\n"
                        )
                )
                // An mRS assessment at day 90 counts as the 90-day mRS of an episode that has none.
                let ninth = try await database.withPool(.superuser) { pool in
                    try await pool.query(
                        """
                        INSERT INTO recovery_observations (organisation_id, patient_id, instrument, observed_at, value, rater, recorded_by)
                        SELECT organisation_id, patient_id, 'mRS', last_known_well + interval '91 days', 3, 'Follow-up nurse', 'test'
                        FROM stroke_episodes WHERE organisation_id = \(ReportFixture.big) AND mrs_90 IS NULL AND last_known_well IS NOT NULL
                        LIMIT 1 RETURNING 1
                        """
                    ).count
                }
                #expect(ninth == 1)
                _ = try await reports.refresh(as: Self.planner)
                try await ReportFixture.refreshedInJune2027(database, day: 2)
                let followed = try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT sum(followed_up)::integer FROM report_cells WHERE hospital_id = \(ReportFixture.big)").single().decode(
                        Int.self)
                }
                #expect(followed == 9, "nine of thirteen followed up")
                // The report published eight: one more is a change of one patient since that version, so
                // the new version withholds the big hospital's cells, in every kind (its ivt rate too).
                let refreshed = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                for id in ["follow_up_90", "ivt_rate"] {
                    let value = try #require(refreshed.tables.first { $0.indicator.id == id }?.rowTotals[row])
                    #expect(value.suppressed == true && value.value == nil, "\(id): \(value)")
                }
            }
        }
    }

    /// A version is stored once: reports of one refresh, on any instance, and of a later
    /// refresh that changes nothing, publish it again instead of adding versions.
    @Test func anUnchangedReleaseIsOneVersion() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                func versions() async throws -> Int {
                    try await database.withPool(.superuser) {
                        try await $0.query("SELECT count(*)::integer FROM report_release_versions").single().decode(Int.self)
                    }
                }
                let reports = RegionalReports(pool: pool, catalogue: try Self.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                _ = try await reports.refresh(as: Self.planner)
                try await ReportFixture.refreshedInJune2027(database)
                let first = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                let stored = try await versions()
                #expect(stored >= 1, "the first report stores the versions it publishes")
                let otherInstance = RegionalReports(pool: pool, catalogue: try Self.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                #expect(try await otherInstance.report(ReportQuery(period: .all), as: Self.planner).tables == first.tables)
                #expect(try await reports.report(ReportQuery(period: .all), as: Self.planner).tables == first.tables)
                _ = try await reports.refresh(as: Self.planner)
                try await ReportFixture.refreshedInJune2027(database, day: 2)
                #expect(try await otherInstance.report(ReportQuery(period: .all), as: Self.planner).tables == first.tables)
                #expect(try await versions() == stored, "nothing changed: no version added")
            }
        }
    }

    @Test func rehabilitationAndCalibrationAgainstAHandComputedClinic() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await ReportFixture.loadRehab(database)
            try await database.withPool(.app) { pool in
                let reports = RegionalReports(pool: pool, catalogue: try Self.catalogue(), rehab: try ReportFixture.rehabCatalogue())
                #expect(try await reports.refresh(as: Self.planner) == ReportRefresh(episodes: 22, stays: 7, recomputed: 22, whole: true, rehab: true))
                let february = try await reports.report(
                    ReportQuery(from: CalendarDay("2026-02-01"), to: CalendarDay("2026-02-28"), period: .month), as: Self.planner)
                func clinic(_ id: String, in report: RegionalReport) throws -> ReportValue {
                    let table = try #require(report.tables.first { $0.indicator.id == id })
                    return table.rowTotals[try #require(table.rows.firstIndex(of: "TESTR-CLINIC"))]
                }
                func near(_ value: Double?, _ expected: Double) -> Bool { value.map { abs($0 - expected) < 1e-9 } == true }
                let first = try clinic("stroke_to_first_session", in: february)
                #expect(
                    first.n == 5 && first.missing == 2 && first.value == 9 && first.q1 == 8 && first.q3 == 9, "first sessions on days 8, 8, 9, 9, 9: \(first)")
                let physiotherapy = try clinic("therapy_physiotherapy", in: february)
                #expect(
                    physiotherapy.n == 7 && near(physiotherapy.value, 265.0 / 84) && near(physiotherapy.prescribed, 2_700.0 / 84)
                        && near(physiotherapy.percentOfPrescribed, 100 * 265.0 / 2_700), "84 days of stay: \(physiotherapy)")
                let balneology = try clinic("therapy_balneology", in: february)
                #expect(near(balneology.value, 145.0 / 84) && near(balneology.prescribed, 2_160.0 / 7 / 84), "\(balneology)")
                for reason in ["no_show", "place_cancelled", "session_cancelled"] {
                    let missed = try clinic("missed_" + reason, in: february)
                    #expect(missed.n == 15 && near(missed.value, 100.0 / 15), "one of fifteen places: \(reason) \(missed)")
                }
                #expect(near(try clinic("utilisation_therapists", in: february).value, 100 * 435.0 / 18_720), "two shifts on 20 days less a day of leave")
                #expect(near(try clinic("utilisation_rooms", in: february).value, 100 * 405.0 / 19_200), "the gym: 480 minutes × 2 sessions × 20 days")
                #expect(near(try clinic("utilisation_pools", in: february).value, 100 * 150.0 / 57_600), "five patients for 30 minutes of 6 places")
                // Calibration counts by month of onset (January): over all time.
                let all = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                #expect(try clinic("fm_ue_90_bias", in: all).n == 5 && near(try clinic("fm_ue_90_bias", in: all).value, -5.0 / 5), "errors −4, −6, 0, 3, 2")
                #expect(near(try clinic("fm_ue_90_mae", in: all).value, 15.0 / 5))
                #expect(near(try clinic("fm_ue_90_coverage", in: all).value, 80))
                // Acute indicators have no patients at the clinic; the hospitals have no rehab.
                let acute = try clinic("ivt_rate", in: all)
                #expect(acute.value == nil && acute.suppressed == nil && acute.n == 0)
                // With k = 6 for the region, five forecasts and five first sessions are withheld.
                try await database.withPool(.superuser) { owner in
                    _ = try await owner.query("UPDATE organisations SET report_min_cell = 6 WHERE id = \(ReportFixture.region)")
                }
                let stricter = try await reports.report(ReportQuery(period: .all), as: Self.planner)
                let (bias, firstWithheld) = (try clinic("fm_ue_90_bias", in: stricter), try clinic("stroke_to_first_session", in: stricter))
                #expect(bias.suppressed == true && bias.value == nil && firstWithheld.suppressed == true && firstWithheld.value == nil)
                let stricterFebruary = try await reports.report(
                    ReportQuery(from: CalendarDay("2026-02-01"), to: CalendarDay("2026-02-28"), period: .month), as: Self.planner)
                #expect(try clinic("utilisation_rooms", in: stricterFebruary).suppressed == true, "five patients used the gym: fewer than k = 6")
                #expect(try clinic("utilisation_therapists", in: stricterFebruary).suppressed == true, "the clinic's month is withheld as a whole")
            }
        }
    }

    @Test func theReportingRoleReadsOnlyTheCells() async throws {
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in
                _ = try await RegionalReports(pool: pool, catalogue: try Self.catalogue(), rehab: try ReportFixture.rehabCatalogue()).refresh(as: Self.planner)
                for table in [
                    "patients", "stroke_episodes", "audit_events", "acute_evaluations", "rehab_sessions", "rehab_participants",
                    "rehab_stays", "rehab_prescriptions", "rehab_therapists", "recovery_observations", "recovery_projections",
                    "recovery_forecasts", "care_relationships",
                ] {
                    await #expect {
                        try await pool.withAccess(Self.planner, readOnly: true) { connection in
                            try await connection.query("SET LOCAL ROLE strokepath_planner")
                            try await connection.query("SELECT count(*) FROM \(identifier: table)")
                        }
                    } throws: { ($0 as? PostgresError)?.sqlState == "42501" }
                }
                let cells = try await pool.withAccess(Self.planner, readOnly: true) { connection in
                    try await connection.query("SET LOCAL ROLE strokepath_planner")
                    return try await connection.query("SELECT sum(episodes)::integer FROM report_cells").single().decode(Int.self, at: 0)
                }
                #expect(cells == 22)
                let other = AccessContext(subject: "planner", role: "planner", organisations: [UUID()])
                let none = try await pool.withAccess(other, readOnly: true) { connection in
                    try await connection.query("SET LOCAL ROLE strokepath_planner")
                    return try await connection.query("SELECT count(*)::integer FROM report_cells").single().decode(Int.self, at: 0)
                }
                #expect(none == 0, "another region's planner sees none of these cells")
                // The refresh's way past row-level security opens for the refresh alone: a session that raises its
                // setting still sees no patient through an owner-run function, and cannot run the refresh's parts.
                let patient = try await database.withPool(.superuser) { owner in
                    try await owner.query("SELECT patient_id FROM stroke_episodes WHERE organisation_id = \(ReportFixture.big) LIMIT 1").single().decode(
                        UUID.self, at: 0)
                }
                let outsider = AccessContext(subject: "clinician", role: "clinician", organisations: [UUID()])
                for statement: PostgresQuery in [
                    "SELECT count(*) FROM audit_patient_extract(\(patient))", "SELECT report_refresh(76, 104, true)",
                    "SELECT report_refresh_rehab('{}', '{}', 76, 104)", "SELECT report_add_cells('report_cells', false, true)",
                    "SELECT count(*) FROM report_episode_facts", "SELECT count(*) FROM report_episode_facts_now",
                    "SELECT count(*) FROM report_changes",
                ] {
                    await #expect {
                        try await pool.withAccess(outsider) { connection in
                            try await connection.query("SELECT set_config('app.report_refresh', 'on', true)")
                            try await connection.query(statement)
                        }
                    } throws: { ($0 as? PostgresError)?.sqlState == "42501" }
                }
            }
        }
    }
}
