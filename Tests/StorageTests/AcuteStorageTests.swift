import Foundation
import Postgres
import PostgresTestSupport
import Seed
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

    static func record(_ number: Int, context: AccessContext, organisation: UUID, episode: UUID? = nil) -> AcuteEvaluationRecord {
        AcuteEvaluationRecord(
            id: UUID(), organisationId: organisation, episodeId: episode, evaluatedAt: Date(), subject: context.subject, role: context.role,
            organisations: context.organisations, profile: "aha-2019", protocolVersion: "test", outcomeModel: "test", ivtStatus: "eligible",
            evtRecommendation: "not_applicable", input: Data(#"{"n":\#(number)}"#.utf8), output: Data(#"{"answer":\#(number)}"#.utf8),
            requestId: "req-\(number)", clientAddress: nil
        )
    }

    /// Concurrent evaluations share commits, yet each gets its own outcome: stored and audited
    /// once, an invisible episode refused alone, a record the database refuses failing alone.
    @Test func groupCommittedEvaluationsKeepTheirOwnOutcomes() async throws {
        let south = DemoData.organisations[2].id
        let southContext = AccessContext(subject: "dr-south", role: "clinician", organisations: [south])
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                let evaluations = AcuteEvaluations(pool: pool, audit: AuditWriter(pool: pool))
                func storeConcurrently(_ records: [AcuteEvaluationRecord]) async -> [Bool?] {
                    let outcomes = await withTaskGroup(of: (Int, Bool?).self) { group in
                        for (index, record) in records.enumerated() {
                            group.addTask { (index, try? await evaluations.store(record)) }
                        }
                        return await group.reduce(into: [Int: Bool?]()) { $0[$1.0] = $1.1 }
                    }
                    return records.indices.map { outcomes[$0] ?? nil }
                }
                let good = (0..<30).map {
                    Self.record(
                        $0, context: $0.isMultiple(of: 2) ? Self.context : southContext,
                        organisation: $0.isMultiple(of: 2) ? Self.north : south)
                }
                #expect(await storeConcurrently(good) == Array(repeating: true, count: 30))
                let commits = try await database.withPool(.superuser) { admin in
                    try await admin.query("SELECT count(DISTINCT xmin::text) FROM acute_evaluations").single().decode(Int.self)
                }
                #expect(commits < 30, "evaluations should share commits")

                // North's episode asked for by South (not visible), and an organisation the
                // database does not know (the row is refused), among good ones: only they fail.
                let stranger = AccessContext(subject: "dr-x", role: "clinician", organisations: [UUID()])
                let mixed =
                    [
                        Self.record(30, context: southContext, organisation: south, episode: DemoData.episodes[0]),
                        Self.record(31, context: stranger, organisation: stranger.organisations[0]),
                    ]
                    + (32..<36).map { Self.record($0, context: Self.context, organisation: Self.north) }
                #expect(await storeConcurrently(mixed) == [nil, nil, true, true, true, true])
                let replay = try await evaluations.store(good[0])
                #expect(replay == false)
                try await database.withPool(.superuser) { admin in
                    let stored = try await admin.query("SELECT count(*) FROM acute_evaluations").single().decode(Int.self)
                    let audited = try await admin.query("SELECT count(*) FROM audit_events WHERE resource_type = 'AcuteEvaluation'").single().decode(Int.self)
                    #expect(stored == 34)
                    #expect(audited == 34)
                }
            }
        }
    }
}

extension AcuteStorageTests {
    /// `seed --demo` gives acute episodes with complete courses, and the intervals follow.
    @Test func demoEpisodesCarryFullAcuteCourses() async throws {
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                let episodes = AcuteEpisodes(pool: pool, audit: AuditWriter(pool: pool))
                let south = AccessContext(subject: "demo", role: "clinician", organisations: [DemoData.organisations[2].id])
                let treated = try #require(try await episodes.find(DemoData.episodes[1], as: south))
                #expect(treated.doorToImagingMin == 10)
                #expect(treated.doorToNeedleMin == 32)
                #expect(treated.doorToGroinMin == 85)
                #expect(treated.thrombolytic == "alteplase")
                #expect(treated.mtici == "2b")
                let first = try #require(try await episodes.find(DemoData.episodes[0], as: Self.context))
                #expect(first.doorToNeedleMin == 38)
                #expect(first.groinPunctureAt == nil)
            }
        }
    }
}
