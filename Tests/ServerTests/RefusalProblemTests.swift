import Clinical
import Foundation
import HTTPTypes
import Postgres
import Rehabilitation
import Storage
import Testing

@testable import Server

/// One error language: every refusal and every database refusal becomes its problem in one
/// place (`Problem.from`), with the status its code means; anything else is no refusal.
@Suite struct RefusalProblemTests {
    @Test(arguments: [
        (Refusal.unknownSession, 404, "not-found"),
        (Refusal.unknownRoom, 422, "unknown-room"),
        (Refusal.invalid("sessionMinutes", "must be 5 to 240"), 422, "invalid-body"),
        (Refusal.invalidParameter("day", "must be a day YYYY-MM-DD"), 400, "invalid-parameter"),
        (Refusal.noOpenOffer, 409, "no-open-offer"),
        (Refusal.bookingRefused(.wrongRoom, "pool is given in a pool, not a gym", sources: ["S1"]), 422, "booking-refused"),
        (Refusal.notTransferred, 422, "not-transferred"),
        (Refusal(.notPermitted, "forbidden", message: "You do not act for that organisation."), 403, "forbidden"),
    ])
    func eachCodeHasItsStatus(refusal: Refusal, status: Int, slug: String) throws {
        let problem = try #require(Problem.from(refusal))
        #expect(problem.status.code == status && problem.slug == slug)
        #expect(problem.detail == refusal.description)
        #expect(problem.errors.map(\.field) == (refusal.field.map { [$0] } ?? []))
    }

    @Test func aFieldIsNamedAndARuleCitesItsSources() throws {
        let field = try #require(Problem.from(Refusal.invalid("sessionMinutes", "must be 5 to 240")))
        #expect(field.detail == "sessionMinutes must be 5 to 240.")
        #expect(field.errors == [.init(field: "sessionMinutes", detail: "must be 5 to 240")])
        let rule = try #require(Problem.from(Refusal.bookingRefused(.groupTooLarge, "pool takes at most 6 patients at once", sources: ["A", "B"])))
        #expect(rule.detail == "pool takes at most 6 patients at once (sources: A, B)")
        #expect(rule.errors == [.init(field: "group_too_large", detail: "pool takes at most 6 patients at once")])
    }

    @Test func aClashNamesTheCallersSessionItClashesWith() throws {
        let session = UUID()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let refusal = Refusal.bookingConflict(.therapistBusy, session: session, start: start, end: start.addingTimeInterval(1_800))
        let problem = try #require(Problem.from(refusal))
        #expect(problem.status == .conflict && problem.slug == "booking-conflict")
        #expect(problem.conflict == .init(kind: "therapist_busy", sessionId: session, start: start, end: start.addingTimeInterval(1_800)))
        #expect(problem.detail.hasPrefix("The therapist is already booked then: session \(session.uuidString.lowercased()), "))
        #expect(refusal.bookingClash == .therapistBusy)
    }

    @Test func databaseRefusalsAreMappedOnceAndNeverQuoteTheServer() throws {
        func problem(_ sqlState: String, _ constraint: String? = nil) -> Problem? {
            var error = PostgresError(code: .server)
            error.sqlState = sqlState
            error.constraint = constraint
            error.serverMessage = "Key (pseudonym)=(Anna Andersson) already exists."
            return Problem.from(error)
        }
        let cases: [(String, String?, Int, String)] = [
            (SQLState.insufficientPrivilege, nil, 403, "forbidden"),
            (SQLState.uniqueViolation, "patients_pseudonym_key", 409, "conflict"),
            (SQLState.exclusionViolation, "rehab_sessions_room_free", 409, "conflict"),
            (SQLState.checkViolation, "rehab_group_size", 400, "invalid-body"),
            (SQLState.foreignKeyViolation, "audit_events_actor_organisation_id_fkey", 403, "unknown-organisation"),
            // Review M1, M3: a value the database still refuses (NUL 22021, out of range 22003, 22008) is the request's fault.
            ("22021", nil, 422, "invalid-body"),
            ("22003", nil, 422, "invalid-body"),
            ("22008", nil, 422, "invalid-body"),
            // The application role's statement and lock limits (review M5): busy, not broken.
            (SQLState.queryCanceled, nil, 503, "database-busy"),
            (SQLState.lockNotAvailable, nil, 503, "database-busy"),
        ]
        for (state, constraint, status, slug) in cases {
            let mapped = try #require(problem(state, constraint), "\(state)")
            #expect(mapped.status.code == status && mapped.slug == slug, "\(state)")
            #expect(!mapped.detail.contains("Anna"), "the server's message is never quoted")
        }
        #expect(problem("XX000")?.slug == nil, "an internal error is no refusal: a logged 500")
        let away = try #require(Problem.from(PostgresError(code: .connectionFailed)))
        #expect(away.status == .serviceUnavailable && away.headers[.retryAfter] == "5")
    }

    /// A word a named field does not know (a stay's stroke type, a waitlist status) is an
    /// invalid field, 422 naming it, as the stay's own check answers: not a malformed body.
    @Test func anUnknownNameInABodyIsAnInvalidField() throws {
        let stay = Data(
            """
            {"organisationId": "\(UUID())", "patientId": "\(UUID())", "setting": "inpatient", "strokeDate": "2026-11-01",
             "strokeType": "lacunar", "team": 0, "flags": [], "maxMinutesPerDay": 180, "minGapMinutes": 15, "timePreference": "none",
             "admittedOn": "2026-11-02", "availability": []}
            """.utf8)
        let refusal = try #require(throws: Refusal.self) { try JSONDecoder().decode(RehabStay.self, from: stay) }
        let problem = try #require(Problem.from(refusal))
        #expect(problem.status == .unprocessableContent && problem.slug == "invalid-body")
        #expect(problem.errors.map(\.field) == ["strokeType"])
        #expect(problem.detail.contains("ischaemic, haemorrhagic, tia, unknown"))
        #expect(throws: Refusal.self) { try JSONDecoder().decode(WaitlistStatus.self, from: Data(#""maybe""#.utf8)) }
        #expect(try JSONDecoder().decode(StrokeType.self, from: Data(#""tia""#.utf8)) == .tia)
    }
}
