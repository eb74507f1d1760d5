import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PostgresTestSupport
import Storage
import Testing

@testable import Server

/// The planners' dashboard in headless Chromium, and the report API as planners and others
/// see it: values withheld as promised, targets marked, trend and funnel drawn, CSV served;
/// no patient operation open to a planner.
@Suite struct ReportsPageTests {
    @Test(.timeLimit(.minutes(10))) func dashboardAndReportAPIForPlanners() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        func token(_ role: Role) async throws -> String {
            try await DevelopmentKey.issueToken(
                for: Identity(subject: role.rawValue, name: role.rawValue, role: role, organisations: [ReportFixture.region]),
                lifetime: 900, keyFile: keyFile)
        }
        let planner = try await token(.planner)
        let clinician = try await token(.clinician)
        let admin = try await token(.admin)
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await ReportFixture.loadRehab(database)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let port = try #require(client.port)
                let api = APICaller(client: client, token: planner)
                #expect(try await api.send(.post, "/api/v1/reports/refresh").status == .forbidden, "recomputing every region's cells is the admin's")
                let adminAPI = APICaller(client: client, token: admin)
                let first = try await Self.refreshed(adminAPI, "/api/v1/reports/refresh")
                #expect(first["whole"] as? Bool == true, "the first refresh rebuilds: \(first)")
                #expect(first["rehabRecounted"] as? Bool == true, "and counts rehabilitation: \(first)")
                let again = try await Self.refreshed(adminAPI, "/api/v1/reports/refresh")
                #expect(again["episodesRecomputed"] as? Int == 0, "nothing changed since: \(again)")
                #expect(try await Self.refreshed(adminAPI, "/api/v1/reports/refresh?whole=true")["whole"] as? Bool == true)
                let unclear = try await adminAPI.send(.post, "/api/v1/reports/refresh?whole=yes")
                #expect(unclear.status == .badRequest && unclear.type == "application/problem+json", "\(unclear)")
                #expect(try await api.send(.get, "/api/v1/reports/regional?from=2026-03-05").status == .unprocessableContent, "whole periods only")
                #expect(try await api.send(.get, "/api/v1/reports/regional?sex=female").status == .unprocessableContent, "no hospital-by-stratum cells")
                #expect(try await api.send(.get, "/api/v1/reports/regional?sex=female&rows=region").status == .ok)
                let answer = try await api.send(.get, "/api/v1/reports/regional?period=all")
                #expect(answer.status == .ok)
                let tables = try #require((answer.json as? [String: Any])?["tables"] as? [[String: Any]])
                let followUp = try #require(tables.first { ($0["indicator"] as? [String: Any])?["id"] as? String == "follow_up_90" })
                let rows = try #require(followUp["rows"] as? [String])
                let totals = try #require(followUp["rowTotals"] as? [[String: Any]])
                let small = totals[try #require(rows.firstIndex(of: "TESTR-SMALL"))]
                #expect(
                    small["suppressed"] as? Bool == true
                        && small["reason"] as? String == "withheld: based on fewer than 5 patients, or would let such a value be worked out"
                        && small["value"] == nil)
                let csv = try await client.execute(
                    uri: "/api/v1/reports/regional?period=all&format=csv", method: .get,
                    headers: [.authorization: "Bearer \(planner)"]
                ) { ($0.headers[.contentType], $0.text) }
                #expect(csv.0 == "text/csv; charset=utf-8" && csv.1.hasPrefix("indicator,unit,row,row_name,period,"))
                #expect(csv.1.contains(",TESTR-SMALL,Small hospital,all,") && csv.1.contains("\r\n"), "rows named, RFC 4180 line ends")
                #expect(try await api.send(.get, "/api/v1/reports/regional?format=csv&dialect=klingon").status == .badRequest)
                #expect(try await api.send(.get, "/api/v1/reports/regional?period=fortnight").status == .badRequest)
                #expect(try await api.send(.get, "/api/v1/reports/regional?region=NOWHERE").status == .unprocessableContent)
                #expect(try await APICaller(client: client, token: clinician).send(.get, "/api/v1/reports/regional").status == .forbidden)
                // Nothing patient-level for a planner: every patient operation refuses the role.
                for operation in AccessPolicy.matrix.keys where operation.contains("patients") || operation.contains("episodes") {
                    let parts = operation.split(separator: " ", maxSplits: 1)
                    let path = String(parts[1]).replacingOccurrences(of: "{id}", with: UUID().uuidString)
                    #expect(try await api.send(HTTPRequest.Method(String(parts[0])) ?? .get, path, [:]).status == .forbidden, "\(operation)")
                }

                let browser = PageSession(client: client, session: try await Harness.signIn(client, token: planner), port: port)
                let page = try await browser.get("/reports?indicator=follow_up_90&period=month")
                #expect(page.status == .ok)
                let dom = try await browser.render(page.html)
                #expect(dom.contains("Regional stroke care") && dom.contains("Followed up at 90 days by hospital and period"))
                #expect(
                    dom.contains("class=\"withheld\"") && dom.contains("* withheld: based on fewer than 5 patients, or would let such a value be worked out"))
                #expect(dom.contains("90.0 %") && (dom.contains("target-met") || dom.contains("target-missed")), "the target is marked")
                #expect(dom.components(separatedBy: "<svg").count - 1 == 2, "a trend and a funnel plot")
                #expect(dom.contains("class=\"line limit998\"") && dom.contains("class=\"dot observed\""))
                // Rehabilitation: minutes delivered of prescribed per day of stay in February; the clinic's no-shows on the funnel.
                let therapy = try await browser.render(
                    try await browser.get("/reports?indicator=therapy_physiotherapy&period=month&from=2026-02-01&to=2026-02-28").html)
                #expect(therapy.contains("3.2 of 32.1 (10 %)"), "265 of 2,700 minutes over 84 days of stay")
                let missed = try await browser.render(try await browser.get("/reports?indicator=missed_no_show&period=all").html)
                #expect(missed.contains("6.7 (15)") && missed.contains("class=\"dot observed\""), "one of fifteen places, and its funnel")
                // A year at a time by default; organisations an indicator does not apply to are left out.
                let year = try await browser.get("/reports")
                #expect(year.html.contains("<option value=\"year\" selected>"), "the year is the default period")
                #expect(!therapy.contains("Big hospital"), "no hospital has therapy minutes")
                #expect(rows.contains("TESTR-CLINIC"), "the clinic is a row of the acute table: \(rows)")
                let acute = try await browser.render(try await browser.get("/reports?indicator=follow_up_90&period=all").html)
                #expect(acute.contains("Big hospital") && !acute.contains("Test rehab clinic"), "an acute indicator shows hospitals only")
                #expect(acute.contains("/reports/download?period=all&amp;dialect=excel"), "a download link for Excel")
                // Swedish: the page's words, and numbers with a decimal comma.
                let swedish = try await browser.get("/reports?indicator=follow_up_90&period=all&lang=sv")
                #expect(swedish.html.contains("<html lang=\"sv\">") && swedish.html.contains("Regional strokevård") && swedish.html.contains("90,0"))
                // The page's download: the same values, for Excel set to Swedish (byte-order mark, `;`, decimal comma).
                let excel = try await client.execute(
                    uri: "/reports/download?period=all&dialect=excel", method: .get, headers: [.cookie: browser.session]
                ) { ($0.status, $0.headers[.contentType], Array($0.body.readableBytesView)) }
                let excelText = String(decoding: excel.2, as: UTF8.self)
                #expect(excel.0 == .ok && excel.1 == "text/csv; charset=utf-8" && excel.2.starts(with: [0xEF, 0xBB, 0xBF]))
                #expect(
                    excelText.contains("indicator;unit;row;row_name;period;") && excelText.range(of: #";\d+,\d\d;"#, options: .regularExpression) != nil,
                    "semicolons and decimal commas")
                // The planner's year in Chromium: reached from the navigation, at 1280 and 768 px, in Swedish too.
                try await Browser.with { chromium in
                    try await chromium.open("http://127.0.0.1:\(port)/sign-in")
                    try await chromium.type("#token", planner)
                    try await chromium.clickAndWait("button[type=submit]")
                    try await chromium.open("http://127.0.0.1:\(port)/")
                    try await chromium.clickAndWait("header nav a[href=\"/reports\"]")
                    #expect(try await chromium.execute("return document.querySelector('select[name=period]').value") as? String == "year")
                    #expect(try await chromium.execute("return document.querySelector('header nav a[aria-current=page]').textContent") as? String == "Reports")
                    try await RehabDailyPageTests.check(chromium, "reports-year")
                    try await chromium.open("http://127.0.0.1:\(port)/reports?indicator=follow_up_90&period=all&lang=sv")
                    try await RehabDailyPageTests.check(chromium, "reports-follow-up-sv")
                    #expect(try await chromium.consoleErrors().isEmpty)
                }
                let doctor = PageSession(client: client, session: try await Harness.signIn(client, token: clinician), port: port)
                #expect(try await doctor.get("/reports").status == .forbidden)
            }
        }
    }

    /// Queues a refresh (202, its job at `Location`), waits for its job to end, and answers what it counted.
    static func refreshed(_ admin: APICaller, _ path: String) async throws -> [String: Any] {
        let (status, location, body) = try await admin.client.execute(uri: path, method: .post, headers: [.authorization: "Bearer \(admin.token)"]) {
            ($0.status, $0.headers[.location], try? JSONSerialization.jsonObject(with: Data($0.text.utf8)) as? [String: Any])
        }
        let id = try #require(body?["id"] as? String, "\(status) \(body ?? [:])")
        #expect(status == .accepted && location?.lowercased() == "/api/v1/reports/refresh/\(id.lowercased())", "\(status) \(location ?? "no Location")")
        let job = try await admin.finished("/api/v1/reports/refresh/\(id)")
        #expect(job["status"] as? String == "done", "\(job)")
        return try #require(job["result"] as? [String: Any], "\(job)")
    }
}
