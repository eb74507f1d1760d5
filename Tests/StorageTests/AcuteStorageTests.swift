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

    /// An evaluation of an episode is held by the episode's organisation, not by the first of
    /// the caller's (a clinician acting for two hospitals evaluates the second one's patient).
    @Test func anEvaluationOfAnEpisodeIsHeldByTheEpisodesOrganisation() async throws {
        let south = DemoData.organisations[2].id
        let both = AccessContext(subject: "dr-both", role: "clinician", organisations: [Self.north, south])
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                let patient = try await database.withPool(.superuser) { admin in
                    try await admin.query("SELECT id FROM patients WHERE organisation_id = \(south) ORDER BY pseudonym LIMIT 1").single().decode(UUID.self)
                }
                let episode = try await AcuteEpisodes(pool: pool, audit: AuditWriter(pool: pool))
                    .create(patient: patient, organisation: south, changes: EpisodeChanges(), as: both)
                let record = Self.record(1, context: both, organisation: Self.north, episode: episode.id)
                #expect(try await AcuteEvaluations(pool: pool, audit: AuditWriter(pool: pool)).store(record))
                let held = try await database.withPool(.superuser) { admin in
                    try await admin.query("SELECT organisation_id FROM acute_evaluations WHERE id = \(record.id)").single().decode(UUID.self)
                }
                #expect(held == south)
            }
        }
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

                // On an episode the caller sees: stored with its patient, and audited as any
                // other record of the caller's (the id as the service writes it, the purpose,
                // the organisation acted for, the request and the client's address).
                var onEpisode = Self.record(36, context: Self.context, organisation: Self.north, episode: DemoData.episodes[0])
                onEpisode.clientAddress = "192.0.2.7"
                #expect(try await evaluations.store(onEpisode))
                try await database.withPool(.superuser) { admin in
                    let stored = try await admin.query("SELECT count(*) FROM acute_evaluations").single().decode(Int.self)
                    let audited = try await admin.query("SELECT count(*) FROM audit_events WHERE resource_type = 'AcuteEvaluation'").single().decode(Int.self)
                    #expect(stored == 35)
                    #expect(audited == 35)
                    let patient = try await admin.query("SELECT patient_id FROM stroke_episodes WHERE id = \(DemoData.episodes[0])").single()
                        .decode(UUID.self)
                    let row = try await admin.query(
                        """
                        SELECT e.patient_id, a.actor_subject, a.actor_role, a.actor_organisation_id, a.action::text, a.patient_id, a.resource_id,
                               a.purpose, a.outcome::text, a.request_id, host(a.client_address)
                        FROM acute_evaluations e JOIN audit_events a ON a.resource_id = \(onEpisode.id.uuidString) WHERE e.id = \(onEpisode.id)
                        """
                    ).single().decode((UUID?, String, String, UUID?, String, UUID?, String, String, String, String?, String?).self)
                    #expect(row.0 == patient && row.5 == patient)
                    #expect(row.1 == "dr-store" && row.2 == "clinician" && row.3 == Self.north && row.4 == "create" && row.6 == onEpisode.id.uuidString)
                    #expect(row.7 == "treatment" && row.8 == "success" && row.9 == "req-36" && row.10 == "192.0.2.7")
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
