import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresTestSupport
import Storage
import Testing

@testable import Server

/// The recovery API over real HTTP on a real database: assessments and therapy from
/// elsewhere recorded (bad ones refused with 422 and nothing stored), the projection with its
/// versions, the estimates with the χ² test, what-if schedules, and who may call what.
@Suite struct RecoveryAPITests {
    @Test func aPatientsRecoveryThroughTheAPI() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let therapistToken = try await Harness.token(.therapist, subject: "therapist", keyFile: keyFile)
        let coordinatorToken = try await Harness.token(.rehabCoordinator, subject: "coordinator", keyFile: keyFile)
        let plannerToken = try await Harness.token(.planner, subject: "planner", keyFile: keyFile)
        try await TestDatabase.with { database in
            let now = try await database.now()
            let patient = try await database.withPool(.app) { pool in
                _ = try await DemoClinicFixture.load(into: pool)
                return try await RecoveryFixture.patient(in: pool, now: now, fm: [(2, 16), (6, 21), (12, 27)])
            }.uuidString.lowercased()
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let therapist = APICaller(client: client, token: therapistToken)
                let coordinator = APICaller(client: client, token: coordinatorToken)
                let planner = APICaller(client: client, token: plannerToken)
                let base = "/api/v1/patients/\(patient)/recovery"

                var answer = try await therapist.send(.get, base)
                #expect(answer.status == .ok)
                var report = try #require(answer.json as? [String: Any])
                var outlook = try #require(report["outlook"] as? [String: Any])
                #expect(outlook["model"] as? String == "neurovascular-recovery 0.1")
                #expect(outlook["parameterVersion"] as? String == "recovery-2026.12.1")
                #expect((outlook["curve"] as? [Double])?.count == 181)
                #expect(((outlook["band"] as? [String: Any])?["upperSimultaneous"] as? [Double])?.count == 181)
                #expect((report["observations"] as? [[String: Any]])?.count == 3)

                // An assessment: refused off the scale or before onset, stored otherwise; the projection refits.
                let onset = try #require((report["onset"] as? [String: Any])?["at"] as? String)
                let onsetDate = try #require(try? Date(onset, strategy: .iso8601))
                for (body, field) in [
                    (["instrument": "FM-UE", "observedAt": RehabAPITests.iso(onsetDate + 20 * 86_400), "value": 67, "rater": "PT"], "value"),
                    (["instrument": "FM-UE", "observedAt": RehabAPITests.iso(onsetDate - 3_600), "value": 20, "rater": "PT"], "observedAt"),
                    (["instrument": "Barthel", "observedAt": RehabAPITests.iso(onsetDate + 20 * 86_400), "value": 52, "rater": "OT"], "value"),
                ]
                    as [([String: Any], String)]
                {
                    answer = try await therapist.send(.post, "\(base)/observations", body)
                    #expect(answer.status == .unprocessableContent && answer.type == "application/problem+json")
                    #expect(((answer.json as? [String: Any])?["errors"] as? [[String: Any]])?.first?["field"] as? String == field, "\(answer.json ?? "")")
                }
                answer = try await therapist.send(
                    .post, "\(base)/observations",
                    [
                        "instrument": "FM-UE", "observedAt": RehabAPITests.iso(onsetDate + 20 * 86_400),
                        "value": 33, "rater": "PT Anna",
                    ])
                #expect(answer.status == .created)
                #expect(((answer.json as? [String: Any])?["day"] as? Double).map { abs($0 - 20) < 1e-4 } == true)
                answer = try await therapist.send(.get, "\(base)/parameters")
                let parameters = try #require(answer.json as? [String: Any])
                let estimates = try #require(parameters["estimates"] as? [String: Any])
                #expect(estimates["observations"] as? Int == 4)
                #expect(estimates["passes"] as? Bool != nil && estimates["threshold"] as? Double != nil)

                // Therapy from elsewhere: a contradicting entry is refused.
                let day = { (offset: Int) in
                    let formatter = DateFormatter()
                    formatter.dateFormat = "yyyy-MM-dd"
                    formatter.timeZone = TimeZone(identifier: "Europe/Stockholm")
                    return formatter.string(from: onsetDate + Double(offset) * 86_400 + 43_200)
                }
                answer = try await coordinator.send(
                    .post, "\(base)/therapy",
                    [
                        "modelInput": "OT", "firstDay": day(16), "lastDay": day(20), "minutesPerDay": 30,
                        "place": "Day hospital",
                    ])
                #expect(answer.status == .created)
                answer = try await coordinator.send(
                    .post, "\(base)/therapy",
                    [
                        "modelInput": "OT", "firstDay": day(20), "lastDay": day(22), "minutesPerDay": 60,
                        "place": "Home team",
                    ])
                #expect(answer.status == .unprocessableContent)
                #expect((answer.json as? [String: Any])?["type"] as? String == "urn:strokepath:problem:contradicting-therapy")
                answer = try await therapist.send(
                    .post, "\(base)/therapy",
                    [
                        "modelInput": "OT", "firstDay": day(30), "lastDay": day(31), "minutesPerDay": 30,
                        "place": "Home",
                    ])
                #expect(answer.status == .forbidden, "therapists record assessments, coordinators and clinicians therapy from elsewhere")

                // What-if: more therapy and balneotherapy, banded, with k_B named; contradicting doses refused.
                answer = try await therapist.send(.post, "\(base)/whatif", ["segments": [["start": 25, "end": 90, "PT": 45, "OT": 60, "BAL": 30]]])
                #expect(answer.status == .ok)
                let whatIf = try #require(answer.json as? [String: Any])
                #expect((whatIf["differenceDay90"] as? Double).map { $0 > 0 } == true, "\(whatIf["differenceDay90"] ?? "")")
                #expect((whatIf["speculative"] as? [[String: Any]])?.first?["parameter"] as? String == "k_B")
                answer = try await therapist.send(
                    .post, "\(base)/whatif", ["segments": [["start": 25, "end": 60, "OT": 60], ["start": 50, "end": 90, "OT": 30]]])
                #expect(answer.status == .unprocessableContent)
                answer = try await therapist.send(.post, "\(base)/whatif", ["segments": [["start": -2, "end": 60, "OT": 60]]])
                #expect(answer.status == .unprocessableContent)

                answer = try await therapist.send(.get, base)
                report = try #require(answer.json as? [String: Any])
                outlook = try #require(report["outlook"] as? [String: Any])
                #expect(report["cached"] as? Bool == true, "refitted for the what-if after the new assessment and therapy, unchanged since")
                #expect((outlook["estimates"] as? [String: Any])?["observations"] as? Int == 4)
                #expect((report["therapy"] as? [[String: Any]])?.contains { ($0["delivered"] as? [String: Any])?["OT"] as? Int == 30 } == true)

                #expect(try await planner.send(.get, base).status == .forbidden, "planners see aggregates only")
                #expect(try await therapist.send(.get, "/api/v1/patients/\(UUID().uuidString)/recovery").status == .notFound)
            }
        }
    }
}
