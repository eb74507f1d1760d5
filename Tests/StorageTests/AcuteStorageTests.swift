import Foundation
import Postgres
import PostgresTestSupport
import Storage
import Testing

@Suite struct AcuteStorageTests {
    static let north = DemoData.organisations[1].id
    static let context = AccessContext(subject: "dr-store", role: "clinician", organisations: [north])

    @Test func episodeTimesDeriveTheIntervals() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                let episodes = AcuteEpisodes(pool: pool, audit: AuditWriter(pool: pool))
                var changes = EpisodeChanges()
                let start = Date(timeIntervalSince1970: 1_800_000_000)
                changes.lastKnownWell = .some(start)
                changes.arrivalAt = .some(start + 3600)
                let episode = try await episodes.create(patient: DemoData.patients[0], organisation: Self.north, changes: changes, as: Self.context)
                var more = EpisodeChanges()
                more.needleAt = .some(start + 3600 + 38 * 60)
                more.arrivalAt = .some(nil)
                let updated = try #require(try await episodes.update(episode.id, changes: more, as: Self.context))
                #expect(updated.onsetToNeedleMin == 98)
                #expect(updated.arrivalAt == nil)
                #expect(updated.doorToNeedleMin == nil)
            }
        }
    }
}
