import Clinical
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Storage
import Testing

@testable import Server

/// The clinic API over real HTTP on a real database.
@Suite struct RehabAPITests {
    static let clinic = DemoClinicFixture.clinic

    static func iso(_ date: Date) -> String { date.formatted(.iso8601) }

    /// The ids of the demo clinic's therapists and rooms by code, two more aquatic therapists added.
    static func setUp(_ database: TestDatabase) async throws -> (therapists: [String: UUID], rooms: [String: UUID]) {
        try await database.withPool(.app) { pool in
            _ = try await DemoClinicFixture.load(into: pool)
            let resources = RehabResources(pool: pool)
            for code in ["T10", "T11"] {
                _ = try await resources.create(
                    RehabTherapist(
                        organisationId: clinic, code: code, name: "Aquatic \(code)", skills: ["PT", "AQUA"], teams: [0],
                        shifts: []), as: DemoClinicFixture.coordinator)
            }
            let therapists = try await resources.therapists(clinic: clinic, as: DemoClinicFixture.coordinator)
            let rooms = try await resources.rooms(clinic: clinic, as: DemoClinicFixture.coordinator)
            return (
                Dictionary(uniqueKeysWithValues: therapists.compactMap { therapist in therapist.id.map { (therapist.code, $0) } }),
                Dictionary(uniqueKeysWithValues: rooms.compactMap { room in room.id.map { (room.code, $0) } })
            )
        }
    }

    /// 1,000 booking attempts from 16 clients at once on overlapping slots — one physiotherapist,
    /// a few patients, a single speech room and a pool with two lanes — store no overlap and no
    /// over-capacity; every loser gets a 409 problem naming the caller's clashing booking and no
    /// patient's data.
    @Test func racingBookingsThroughTheAPI() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        var tokens: [String] = []
        for index in 0..<16 { tokens.append(try await Harness.token(.rehabCoordinator, subject: "coordinator-\(index)", keyFile: keyFile)) }
        let signed = tokens
        try await TestDatabase.with { database in
            let (therapists, rooms) = try await Self.setUp(database)
            let seed = TestSeed.make("racingBookingsThroughTheAPI")
            let bodies: [[String: Any]] = RacingBookingMix.requests(1_000, seed: seed, therapists: therapists, rooms: rooms).map { request in
                [
                    "organisationId": Self.clinic.uuidString, "modality": request.modality, "therapistId": request.therapist?.uuidString ?? "",
                    "roomId": request.room.uuidString, "start": Self.iso(request.start), "end": Self.iso(request.end),
                    "patients": request.patients.map(\.uuidString),
                ]
            }
            let payloads = try bodies.map { try JSONSerialization.data(withJSONObject: $0) }
            let shares = (0..<16).map { client in stride(from: client, to: payloads.count, by: 16).map { payloads[$0] } }
            let outcomes = try await Harness.live(database: database.app, keyFile: keyFile, rateLimit: (1e6, 1_000_000)) { client in
                let port = try #require(client.port)
                return try await withThrowingTaskGroup(of: [(Int, String?, String)].self) { group in
                    for (index, share) in shares.enumerated() {
                        let token = signed[index]
                        group.addTask {
                            try await TestClient.withClient(host: "127.0.0.1", port: port) { connection in
                                var results: [(Int, String?, String)] = []
                                for payload in share {
                                    let response = try await connection.execute(
                                        TestClient.Request(
                                            "/api/v1/rehab/sessions", method: .post,
                                            headers: [.authorization: "Bearer \(token)", .contentType: "application/json"], body: ByteBuffer(bytes: payload)))
                                    results.append((response.status.code, response.headers[.contentType], response.body.map { String(buffer: $0) } ?? ""))
                                }
                                return results
                            }
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
            }
            #expect(outcomes.count == 1_000, "seed \(seed)")
            let created = outcomes.filter { $0.0 == 201 }
            let refused = outcomes.filter { $0.0 == 409 }
            #expect(created.count + refused.count == 1_000, "other answers: \(outcomes.filter { $0.0 != 201 && $0.0 != 409 }.prefix(3).map(\.2))")
            #expect(!created.isEmpty, "seed \(seed)")
            var kinds = Set<String>()
            for (_, type, body) in refused {
                let problem = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
                let conflict = problem["conflict"] as? [String: Any] ?? [:]
                #expect(type == "application/problem+json")
                #expect(problem["type"] as? String == "urn:strokepath:problem:booking-conflict")
                #expect(conflict["sessionId"] as? String != nil, "the loser is told which booking it clashes with: \(body)")
                #expect(!body.contains("DEMO-R"), "no patient's data in a conflict: \(body)")
                kinds.insert(conflict["kind"] as? String ?? "?")
            }
            #expect(kinds.isSuperset(of: ["therapist_busy", "patient_busy", "room_busy", "room_full"]), "seed \(seed): \(kinds)")
            let stored = try await database.withPool(.app) { pool in
                try await StoredBookings.check(pool, context: DemoClinicFixture.coordinator, room: rooms["POOL1"] ?? UUID())
            }
            #expect(stored.therapistOverlaps == 0 && stored.roomOverlaps == 0 && stored.patientOverlaps == 0, "\(stored)")
            #expect(stored.peakSessions <= 2 && stored.peakPatients <= 8, "\(stored)")
            #expect(stored.sessions == created.count, "every 201 is a stored session, every 409 stored nothing")
        }
    }

    /// A coordinator's week through the API: resources, a patient's stay and prescription,
    /// booking with its refusals, moving, cancelling to the waitlist, attendance, timetables,
    /// the dose report, a series edited from a day on, and a plan solved, reviewed and published.
    @Test(.timeLimit(.minutes(10))) func aCoordinatorsWeekThroughTheAPI() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let coordinatorToken = try await Harness.token(.rehabCoordinator, subject: "coordinator", keyFile: keyFile)
        let therapistToken = try await Harness.token(.therapist, subject: "therapist", keyFile: keyFile)
        try await TestDatabase.with { database in
            let (therapists, rooms) = try await Self.setUp(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let coordinator = APICaller(client: client, token: coordinatorToken)
                let therapist = APICaller(client: client, token: therapistToken)
                let clinic = Self.clinic.uuidString
                // Resources: a refused time zone names the field; a new room with its hours.
                var answer = try await coordinator.send(
                    .put, "/api/v1/rehab/clinics/\(clinic)/settings",
                    [
                        "timeZone": "Mars/Olympus", "dayStart": "08:00", "slotMinutes": 15, "weekdaySlots": 32, "saturdaySlots": 16,
                        "amPmBoundarySlot": 16, "contactPercent": 80, "offerMinutes": 120,
                    ])
                #expect(answer.status == .unprocessableContent && answer.type == "application/problem+json")
                #expect(((answer.json as? [String: Any])?["errors"] as? [[String: Any]])?.first?["field"] as? String == "timeZone")
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/rooms",
                    [
                        "organisationId": clinic, "code": "SPR3", "name": "Speech room 3", "type": "speech_room", "capacity": 1, "maxSessions": 1,
                        "hours": [["weekday": 0, "start": "08:00", "end": "16:00"], ["weekday": 0, "start": "25:00", "end": "26:00"]],
                    ])
                #expect(answer.status == .badRequest, "an hour that is not a time")
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/rooms",
                    [
                        "organisationId": clinic, "code": "SPR3", "name": "Speech room 3", "type": "speech_room", "capacity": 1, "maxSessions": 1,
                        "hours": [["weekday": 0, "start": "08:00", "end": "16:00"]],
                    ])
                #expect(answer.status == .created)
                let rooms3 = try await therapist.send(.get, "/api/v1/rehab/rooms?clinic=\(clinic)")
                #expect((rooms3.json as? [[String: Any]])?.count == 10)

                // A patient admitted three weeks ago, with a speech therapy prescription.
                let patient =
                    try #require(
                        try await coordinator.send(
                            .post, "/api/v1/patients",
                            [
                                "organisationId": clinic, "pseudonym": "API-1", "birthYear": 1950, "sex": "female",
                            ]
                        ).json as? [String: Any])["id"] as? String
                let stayBody: [String: Any] = [
                    "organisationId": clinic, "patientId": patient ?? "", "setting": "inpatient", "strokeDate": "2026-11-01", "strokeType": "ischaemic",
                    "team": 0, "flags": ["aphasia", "incontinence"], "maxMinutesPerDay": 180, "minGapMinutes": 15, "timePreference": "none",
                    "admittedOn": "2026-11-05", "dischargeOn": "2026-12-31",
                    "availability": (0...4).map { ["weekday": $0, "start": "08:00", "end": "16:00"] },
                ]
                answer = try await coordinator.send(.post, "/api/v1/rehab/stays", stayBody)
                #expect(answer.status == .created)
                let stay = try #require((answer.json as? [String: Any])?["id"] as? String)
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/stays/\(stay)/prescriptions",
                    [
                        "modality": "SLT", "sessionsPerWeek": 5, "sessionMinutes": 30, "startsOn": "2026-11-05",
                    ])
                #expect(answer.status == .created)
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/stays/\(stay)/prescriptions",
                    [
                        "modality": "REIKI", "sessionsPerWeek": 5, "sessionMinutes": 30, "startsOn": "2026-11-05",
                    ])
                #expect(answer.status == .unprocessableContent, "a modality the catalogue does not have")

                // Booking: a session last Tuesday, a clash naming it, a contraindicated pool session.
                let start = try #require(try? Date("2026-11-24T09:00:00Z", strategy: .iso8601))
                func booking(_ modality: String, _ therapist: String, _ room: String, _ at: Date, _ minutes: Double) -> [String: Any] {
                    [
                        "organisationId": clinic, "modality": modality, "therapistId": therapists[therapist]?.uuidString ?? "",
                        "roomId": rooms[room]?.uuidString ?? "",
                        "start": Self.iso(at), "end": Self.iso(at + minutes * 60), "patients": [patient ?? ""],
                    ]
                }
                answer = try await coordinator.send(.post, "/api/v1/rehab/sessions", booking("SLT", "T07", "SPR1", start, 30))
                #expect(answer.status == .created)
                let session = try #require((answer.json as? [String: Any])?["session"] as? String)
                answer = try await coordinator.send(.post, "/api/v1/rehab/sessions", booking("SLT", "T08", "SPR2", start + 900, 30))
                #expect(answer.status == .conflict)
                let conflict = (answer.json as? [String: Any])?["conflict"] as? [String: Any]
                #expect(conflict?["kind"] as? String == "patient_busy")
                #expect(conflict?["sessionId"] as? String == session)
                answer = try await coordinator.send(.post, "/api/v1/rehab/sessions", booking("HYDRO_IND", "T02", "POOL1", start + 7_200, 30))
                #expect(answer.status == .unprocessableContent)
                #expect(((answer.json as? [String: Any])?["detail"] as? String)?.contains("incontinence") == true)
                #expect(((answer.json as? [String: Any])?["detail"] as? String)?.contains("wales-hydro-2016") == true, "the rule's sources")
                answer = try await therapist.send(.post, "/api/v1/rehab/sessions", booking("SLT", "T08", "SPR2", start + 86_400, 30))
                #expect(answer.status == .forbidden, "therapists do not book")

                // Attendance by the therapist, then the dose report and the timetables.
                answer = try await therapist.send(
                    .put, "/api/v1/rehab/sessions/\(session)/attendance",
                    [
                        "patientId": patient ?? "", "attendance": "attended",
                        "minutesDelivered": 25,
                    ])
                #expect(answer.status == .ok)
                let dose = try #require(
                    try await therapist.send(.get, "/api/v1/rehab/patients/\(patient ?? "")/dose?from=2026-11-23&to=2026-11-29").json
                        as? [String: Any])
                let slt = (dose["modalities"] as? [[String: Any]])?.first { $0["modality"] as? String == "SLT" }
                #expect(slt?["deliveredMinutes"] as? Int == 25 && slt?["prescribedMinutes"] as? Int == 150)
                #expect((dose["targets"] as? [[String: Any]])?.contains { $0["target"] as? String == "se-aphasia-4h" } == true)
                for filter in ["therapist=\(therapists["T07"]?.uuidString ?? "")", "room=\(rooms["SPR1"]?.uuidString ?? "")", "patient=\(patient ?? "")"] {
                    let list = try await therapist.send(.get, "/api/v1/rehab/timetable?from=2026-11-23&\(filter)").json as? [[String: Any]]
                    #expect(list?.map { $0["session"] as? String } == [session], "\(filter)")
                }

                // A future session moved, then cancelled: the freed slot goes to the waitlist.
                let later = DemoClinicFixture.at(day: 1, "09:00")
                answer = try await coordinator.send(.post, "/api/v1/rehab/sessions", booking("SLT", "T07", "SPR1", later, 30))
                let future = try #require((answer.json as? [String: Any])?["session"] as? String)
                answer = try await coordinator.send(
                    .patch, "/api/v1/rehab/sessions/\(future)", ["start": Self.iso(later + 3_600), "end": Self.iso(later + 5_400)])
                #expect(answer.status == .ok && (answer.json as? [String: Any])?["start"] as? String == Self.iso(later + 3_600))
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/waitlist",
                    [
                        "organisationId": clinic, "patientId": DemoClinicFixture.patient("DEMO-R02").uuidString, "modality": "SLT", "priority": 3,
                        "wantedBy": "2026-12-11",
                    ])
                #expect(answer.status == .created)
                let entry = try #require((answer.json as? [String: Any])?["id"] as? String)
                answer = try await therapist.send(.post, "/api/v1/rehab/sessions/\(future)/cancel", ["reason": "patient unwell"])
                #expect(answer.status == .ok)
                #expect(((answer.json as? [String: Any])?["offer"] as? [String: Any])?["id"] as? String == entry)
                answer = try await coordinator.send(.post, "/api/v1/rehab/waitlist/\(entry)/accept")
                #expect(answer.status == .created)
                #expect((answer.json as? [String: Any])?["start"] as? String == Self.iso(later + 3_600))
                answer = try await coordinator.send(.post, "/api/v1/rehab/waitlist/\(entry)/accept")
                #expect(answer.status == .conflict, "an offer is taken once")

                // A series edited from a day on: the earlier occurrences stay.
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/series",
                    [
                        "organisationId": clinic, "modality": "SLT", "therapistId": therapists["T08"]?.uuidString ?? "",
                        "roomId": rooms["SPR2"]?.uuidString ?? "",
                        "patients": [patient ?? ""], "weekdays": [0, 2], "startTime": "11:00", "minutes": 30, "firstDay": "2026-12-07", "lastDay": "2026-12-18",
                    ])
                #expect(answer.status == .created)
                let series = try #require(answer.json as? [String: Any])
                #expect((series["occurrences"] as? [[String: Any]])?.count == 4)
                answer = try await coordinator.send(
                    .patch, "/api/v1/rehab/series/\(series["id"] as? String ?? "")", ["from": "2026-12-14", "startTime": "13:00"])
                #expect(answer.status == .ok)
                let first = try await coordinator.send(.get, "/api/v1/rehab/series/\(series["id"] as? String ?? "")").json as? [String: Any]
                let occurrences = first?["occurrences"] as? [[String: Any]] ?? []
                #expect(occurrences.prefix(2).map { $0["cancelled"] as? Bool } == [false, false])
                #expect(occurrences.dropFirst(2).map { $0["cancelled"] as? Bool } == [true, true])
                #expect(((answer.json as? [String: Any])?["occurrences"] as? [[String: Any]])?.count == 2)

                // A plan of the demo week, solved in the background, reviewed, published.
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/plans", ["organisationId": clinic, "week": "\(DemoClinicFixture.week)", "seconds": 2])
                #expect(answer.status == .accepted)
                let plan = try #require((answer.json as? [String: Any])?["id"] as? String)
                let review = try await therapist.finished("/api/v1/rehab/plans/\(plan)")
                #expect(review["status"] as? String == "done")
                #expect((review["score"] as? [String: Any])?["feasible"] as? Bool == true)
                #expect((review["schedule"] as? [Any])?.isEmpty == false)
                #expect(review["unplaced"] is [Any])
                answer = try await coordinator.send(.post, "/api/v1/rehab/plans/\(plan)/publish")
                #expect(answer.status == .ok && ((answer.json as? [String: Any])?["sessions"] as? Int ?? 0) > 50, "\(answer.json ?? "")")
                answer = try await coordinator.send(.post, "/api/v1/rehab/plans/\(plan)/publish")
                #expect(answer.status == .conflict, "a plan is published once")

                // The therapist with most planned sessions on Wednesday is off sick that day: a re-plan moves those sessions and few others.
                let wednesday = Self.iso(DemoClinicFixture.at(day: 2, "00:00"))
                let thursday = Self.iso(DemoClinicFixture.at(day: 3, "00:00"))
                let planned =
                    try await therapist.send(.get, "/api/v1/rehab/timetable?clinic=\(clinic)&from=\(DemoClinicFixture.week.adding(days: 2))&days=1")
                    .json as? [[String: Any]] ?? []
                let byHand = Set(planned.filter { !($0["planId"] is String) }.compactMap { $0["therapistCode"] as? String })
                let busiest =
                    Dictionary(grouping: planned.compactMap { $0["therapistCode"] as? String }.filter { !byHand.contains($0) }) { $0 }
                    .max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key ?? "T01"
                let t01 = therapists[busiest]?.uuidString ?? ""
                answer = try await coordinator.send(.post, "/api/v1/rehab/therapists/\(t01)/leave", ["start": wednesday, "end": thursday, "reason": "sick"])
                #expect(answer.status == .created)
                answer = try await coordinator.send(
                    .post, "/api/v1/rehab/plans",
                    [
                        "organisationId": clinic, "week": "\(DemoClinicFixture.week)", "seconds": 2,
                        "replan": true, "fromDay": 2,
                    ])
                let replan = try #require((answer.json as? [String: Any])?["id"] as? String)
                let replanned = try await coordinator.finished("/api/v1/rehab/plans/\(replan)")
                let changes = try #require(replanned["changes"] as? [String: Any])
                let displaced = changes["displaced"] as? [String] ?? []
                let removed = changes["removed"] as? [String] ?? []
                #expect(!displaced.isEmpty && displaced.allSatisfy { $0.contains(" Wed ") && $0.contains(" \(busiest) ") }, "\(displaced)")
                #expect((changes["kept"] as? Int ?? 0) > 50)
                #expect(removed.allSatisfy { !$0.contains(" Mon ") && !$0.contains(" Tue ") }, "days before fromDay are kept: \(removed)")
                answer = try await coordinator.send(.post, "/api/v1/rehab/plans/\(replan)/publish")
                #expect(answer.status == .ok)
                let wednesdayT01 = try await therapist.send(
                    .get, "/api/v1/rehab/timetable?from=\(DemoClinicFixture.week.adding(days: 2))&days=1&therapist=\(t01)")
                #expect((wednesdayT01.json as? [[String: Any]])?.isEmpty == true, "nothing booked for \(busiest) on the day off")
                let leave = try await coordinator.send(.get, "/api/v1/rehab/therapists/\(t01)/leave?from=\(wednesday)&to=\(thursday)").json as? [[String: Any]]
                let leaveID = try #require(leave?.first?["id"] as? String)
                #expect(try await therapist.send(.delete, "/api/v1/rehab/leave/\(leaveID)").status == .forbidden)
                #expect(try await coordinator.send(.delete, "/api/v1/rehab/leave/\(leaveID)").status == .noContent)
                #expect(try await coordinator.send(.delete, "/api/v1/rehab/leave/\(leaveID)").status == .notFound)
            }
        }
    }
}
