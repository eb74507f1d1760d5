import Clinical
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Storage
import Testing

@testable import Server

/// The clinic's pages in headless Chromium, on last week of the demo clinic (planned,
/// published, attendance recorded) and a session booked next week.
@Suite struct RehabPageTests {
    static let clinic = DemoClinicFixture.clinic

    @Test func weekGridSessionFormsPlanAndPrintableWeekWorkInABrowser() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let coordinator = try await DevelopmentKey.issueToken(
            for: Identity(subject: "coordinator", name: "Coordinator", role: .rehabCoordinator, organisations: [Self.clinic]), lifetime: 900, keyFile: keyFile)
        let therapistToken = try await DevelopmentKey.issueToken(
            for: Identity(subject: "therapist", name: "Therapist", role: .therapist, organisations: [Self.clinic]), lifetime: 900, keyFile: keyFile)
        let adminToken = try await DevelopmentKey.issueToken(
            for: Identity(subject: "admin", name: "Admin", role: .admin, organisations: [Self.clinic]), lifetime: 900, keyFile: keyFile)
        try await TestDatabase.with { database in
            let thisWeek = DemoClinic.monday(of: try await database.now())
            let lastWeek = thisWeek.adding(days: -7)
            let nextWeek = thisWeek.adding(days: 7)
            let (future, gym, pool) = try await database.withPool(.app) { pool -> (UUID, UUID, UUID) in
                let catalogue = try DemoClinicFixture.catalogue()
                _ = try await DemoData.load(into: pool)
                _ = try await DemoClinic.load(into: pool, catalogue: catalogue, week: lastWeek, publishing: 2)
                let resources = RehabResources(pool: pool)
                let t01 = try await resources.therapists(clinic: Self.clinic, as: DemoClinicFixture.coordinator).first { $0.code == "T01" }?.id
                let rooms = try await resources.rooms(clinic: Self.clinic, as: DemoClinicFixture.coordinator)
                let gym = rooms.first { $0.code == "GYM1" }?.id ?? UUID()
                let poolRoom = rooms.first { $0.code == "POOL1" }?.id ?? UUID()
                let start = DemoClinic.settings.instant(nextWeek, ClockTime(clamping: 600))
                let session = try await RehabSessions(pool: pool, catalogue: catalogue).book(
                    RehabBookingRequest(
                        organisation: Self.clinic, modality: "PT", therapist: t01, room: gym, start: start, end: start + 2_700,
                        patients: [DemoClinicFixture.patient("DEMO-R01")]), as: DemoClinicFixture.coordinator
                ).session
                _ = try await RehabWaitlist(sessions: RehabSessions(pool: pool, catalogue: catalogue)).add(
                    WaitlistEntry(
                        organisationId: Self.clinic, patientId: DemoClinicFixture.patient("DEMO-R07"), modality: "PT", priority: 2,
                        wantedBy: nextWeek.adding(days: 6)), as: DemoClinicFixture.coordinator)
                return (session, gym, poolRoom)
            }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                let browser = PageSession(client: client, session: try await Harness.signIn(client, token: coordinator), port: port)
                #expect(try await client.execute(uri: "/rehab", method: .get) { $0.status } == .seeOther, "signed out: to the sign-in page")
                let admin = PageSession(client: client, session: try await Harness.signIn(client, token: adminToken), port: port)
                #expect(try await admin.get("/rehab").status == .forbidden)

                // The pool's week: group sessions with places, the plan's unplaced sessions, the waitlist.
                let week = try await browser.get("/rehab?week=\(lastWeek)&room=\(pool.uuidString.lowercased())")
                #expect(week.status == .ok)
                let dom = try await browser.render(week.html)
                #expect(dom.contains("<svg") && dom.contains("class=\"session balneology"))
                #expect(dom.contains("HYDRO_GRP "), "group sessions show places taken")
                #expect(dom.contains("Sessions this week's plan could not place"))
                #expect(dom.contains("DEMO-R06"), "the waitlist")
                let link = try #require(week.html.range(of: #"/rehab/sessions/[0-9a-f-]{36}"#, options: .regularExpression).map { String(week.html[$0]) })

                // Attendance marking on a past session.
                let past = try await browser.get(link)
                #expect(past.status == .ok)
                let pastDOM = try await browser.render(past.html)
                #expect(pastDOM.contains("Patients and attendance") && pastDOM.contains(#"name="attendance""#))
                let patient = try #require(
                    past.html.range(of: #"name="patient" value="[0-9a-f-]{36}""#, options: .regularExpression)
                        .map { String(past.html[$0].dropFirst(#"name="patient" value=""#.count).dropLast()) })
                let marked = try await browser.post(
                    link, ["do": "attendance", "patient": patient, "attendance": "no_show", "note": "unwell"], csrf: try #require(past.csrf))
                #expect(marked.status == .ok && marked.html.contains("Attendance recorded."))
                let sessionID = UUID(uuidString: String(link.dropFirst("/rehab/sessions/".count)))
                let recorded = try await database.withPool(.superuser) { pool in
                    try await pool.query(
                        "SELECT attendance, attendance_by FROM rehab_participants WHERE session_id = \(sessionID) AND patient_id = \(UUID(uuidString: patient))"
                    )
                    .single()
                }
                #expect(try recorded.decode(String.self, at: 0) == "no_show" && recorded.decode(String.self, at: 1) == "coordinator")

                // Next week's session: a refused move shows why; a good move; cancel offers the slot to the waitlist; book the offer.
                let futureLink = "/rehab/sessions/\(future.uuidString.lowercased())"
                let open = try await browser.get(futureLink)
                let csrf = try #require(open.csrf)
                #expect(try await browser.render(open.html).contains("Cancel and offer the slot"))
                let refused = try await browser.post(
                    futureLink,
                    [
                        "do": "move", "day": "\(nextWeek)", "start": "10:00", "end": "10:45",
                        "therapist": "", "room": pool.uuidString.lowercased(),
                    ], csrf: csrf)
                #expect(refused.status == .unprocessableContent && refused.html.contains("class=\"error\""), "PT is not given in a pool")
                let moved = try await browser.post(
                    futureLink,
                    [
                        "do": "move", "day": "\(nextWeek)", "start": "11:00", "end": "11:45",
                        "therapist": "", "room": gym.uuidString.lowercased(),
                    ], csrf: csrf)
                #expect(moved.status == .unprocessableContent, "PT needs a therapist")
                let cancelled = try await browser.post(futureLink, ["do": "cancel", "reason": "patient at imaging"], csrf: csrf)
                #expect(cancelled.status == .ok && cancelled.html.contains("offered to DEMO-R07"))
                let accept = try #require(
                    cancelled.html.range(of: #"/rehab/waitlist/[0-9a-f-]{36}/accept"#, options: .regularExpression)
                        .map { String(cancelled.html[$0]) })
                let booked = try await browser.post(accept, [:], csrf: csrf)
                #expect(booked.status == .seeOther && booked.location?.hasPrefix("/rehab/sessions/") == true)
                let rebooked = try await browser.get(try #require(booked.location))
                #expect(rebooked.html.contains("DEMO-R07"))

                // The plan's review page and the printable patient week.
                let planLink = try #require(week.html.range(of: #"/rehab/plans/[0-9a-f-]{36}"#, options: .regularExpression).map { String(week.html[$0]) })
                let plan = try await browser.get(planLink)
                let planDOM = try await browser.render(plan.html)
                #expect(planDOM.contains("published") && planDOM.contains("The week in figures") && !planDOM.contains("Publish: book"))
                let printable = try await browser.get("/rehab/patients/\(DemoClinicFixture.patient("DEMO-R01").uuidString.lowercased())/week?week=\(lastWeek)")
                let printDOM = try await browser.render(printable.html)
                #expect(printDOM.contains("Your therapy week from") && printDOM.contains("Physiotherapy, individual"))

                // A therapist sees the session and marks attendance, but gets no move form.
                let therapist = PageSession(client: client, session: try await Harness.signIn(client, token: therapistToken), port: port)
                let seen = try await therapist.get(link)
                #expect(seen.status == .ok && seen.html.contains(#"name="attendance""#) && !seen.html.contains(#"value="move""#))
            }
        }
    }

    /// Review 2026-12, R8 and R4: the session page shows the evidence for the modality after
    /// stroke and the precautions for its patients, in a browser.
    @Test func R8_theSessionPageShowsTheEvidenceAndThePrecautions() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let coordinator = try await DevelopmentKey.issueToken(
            for: Identity(subject: "coordinator", name: "Coordinator", role: .rehabCoordinator, organisations: [Self.clinic]), lifetime: 900, keyFile: keyFile)
        try await TestDatabase.with { database in
            let session = try await database.withPool(.app) { pool -> UUID in
                let catalogue = try await DemoClinicFixture.load(into: pool)
                let resources = RehabResources(pool: pool)
                let t02 = try await resources.therapists(clinic: Self.clinic, as: DemoClinicFixture.coordinator).first { $0.code == "T02" }?.id
                let poolRoom = try await resources.rooms(clinic: Self.clinic, as: DemoClinicFixture.coordinator).first { $0.code == "POOL1" }?.id ?? UUID()
                let start = DemoClinicFixture.at(day: 2, "10:00")
                // DEMO-R09 has urinary incontinence: the pool with a precaution.
                return try await RehabSessions(pool: pool, catalogue: catalogue).book(
                    RehabBookingRequest(
                        organisation: Self.clinic, modality: "HYDRO_GRP", therapist: t02, room: poolRoom, start: start, end: start + 2_700,
                        patients: [DemoClinicFixture.patient("DEMO-R09")]), as: DemoClinicFixture.coordinator
                ).session
            }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let browser = PageSession(client: client, session: try await Harness.signIn(client, token: coordinator), port: try #require(client.port))
                let page = try await browser.get("/rehab/sessions/\(session.uuidString.lowercased())")
                #expect(page.status == .ok)
                let dom = try await browser.render(page.html)
                #expect(dom.contains("Evidence after stroke") && dom.contains("low to moderate") && dom.contains("Mehrholz 2011"))
                #expect(dom.contains("mehrholz-2011, veldema-2021"), "the sources")
                #expect(dom.contains("Precautions") && dom.contains("DEMO-R09") && dom.contains("urinary incontinence"))
            }
        }
    }
}
