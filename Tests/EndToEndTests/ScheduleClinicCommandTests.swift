import Clinical
import Foundation
import Postgres
import PostgresTestSupport
import Rehabilitation
import Seed
import Storage
import Testing

/// `strokepath seed --demo`, `schedule export`, `solve` and `import` on the demo clinic: the
/// exported week solved is rated feasible by score.py, and the imported bookings are the schedule.
@Suite struct ScheduleClinicCommandTests {
    static let fixtures = ScheduleScoreAgreementTests.fixtures

    @Test func exportSolveImportRoundTripOfTheDemoClinic() async throws {
        try await TestDatabase.with { database in
            let environment = CommandLineTests.environment(database)
            let seeded = try await Subprocess.run(Subprocess.strokepath, ["seed", "--demo"], environment: environment)
            try #require(seeded.status == 0, "\(seeded.errors)")
            #expect(seeded.output.contains("demo clinic: 9 therapists, 9 rooms, 16 stays"), "\(seeded.output)")
            let again = try await Subprocess.run(Subprocess.strokepath, ["seed", "--demo"], environment: environment)
            #expect(again.output.contains("demo clinic: 0 therapists, 0 rooms, 0 stays, 0 sessions"), "\(again.output)")

            // The week after next: the demo has this week and the next planned already.
            let unplanned = DemoClinic.monday(of: try await database.now()).adding(days: 14)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("clinic-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let instance = folder.appendingPathComponent("week.json")
            let schedule = folder.appendingPathComponent("schedule.json")
            let export = try await Subprocess.run(
                Subprocess.strokepath,
                [
                    "schedule", "export", "--clinic", "DEMO-REHAB", "--week", "\(unplanned)",
                    "--output", instance.path,
                ], environment: environment)
            try #require(export.status == 0, "\(export.errors)")
            #expect(export.errors.contains("16 patients"))
            let solved = try await Subprocess.run(Subprocess.strokepath, ["schedule", "solve", instance.path, "--seconds", "60", "--epochs", "2"])
            try #require(solved.status == 0, "\(solved.errors)")
            try Data(solved.output.utf8).write(to: schedule)
            let score = try await Subprocess.run(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", Self.fixtures.appendingPathComponent("score.py").path, instance.path, schedule.path, "--json",
                ])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(score.output.utf8)) as? [String: Any], "\(score.errors)")
            #expect(object["feasible"] as? Bool == true, "\(object["hard"] ?? "")")

            let imported = try await Subprocess.run(
                Subprocess.strokepath,
                [
                    "schedule", "import", schedule.path, "--clinic", "DEMO-REHAB",
                    "--week", "\(unplanned)",
                ], environment: environment)
            #expect(imported.status == 0, "\(imported.errors)")
            let rows = try ScheduleFile.rows(from: Data(contentsOf: schedule)).compactMap(ScheduleRow.init)
            #expect(rows.count > 100)
            try await database.withPool(.app) { pool in
                let bookings = RehabSessions(pool: pool, catalogue: try DemoClinicFixture.catalogue())
                let settings = DemoClinic.settings
                let timetable = try await bookings.timetable(
                    TimetableQuery(
                        clinic: DemoClinicFixture.clinic, from: settings.instant(unplanned, ClockTime(clamping: 0)),
                        to: settings.instant(unplanned.adding(days: 7), ClockTime(clamping: 0))), as: DemoClinicFixture.coordinator)
                #expect(Set(DemoClinicFixture.rows(timetable, week: unplanned)) == Set(rows), "the imported bookings are the schedule")
            }

            // The same schedule again: its sessions are now booked, so the week no longer has room
            // for it — refused, nothing booked.
            let twice = try await Subprocess.run(
                Subprocess.strokepath,
                [
                    "schedule", "import", schedule.path, "--clinic", "DEMO-REHAB",
                    "--week", "\(unplanned)",
                ], environment: environment)
            #expect(twice.status == 1)
            #expect(twice.errors.contains("refused: the schedule breaks"), "\(twice.errors)")
            let unknown = try await Subprocess.run(
                Subprocess.strokepath, ["schedule", "export", "--clinic", "NOPE", "--week", "\(unplanned)"],
                environment: environment)
            #expect(unknown.status == 2 && unknown.errors.contains("no organisation with code or id NOPE"))
            let tuesday = try await Subprocess.run(
                Subprocess.strokepath, ["schedule", "export", "--clinic", "DEMO-REHAB", "--week", "\(unplanned.adding(days: 1))"],
                environment: environment)
            #expect(tuesday.status != 0 && tuesday.errors.contains("must be a Monday"))
        }
    }
}
