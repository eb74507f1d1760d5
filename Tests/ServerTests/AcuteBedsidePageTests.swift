import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import Seed
import Testing

@testable import Server

/// The acute form at the bedside, in Chromium (issue 21, item 1): glucose in mmol/L, the NIHSS
/// from its items, and an answer in words (no rule codes, JSON paths or pathway ids
/// in the text people read; the codes on hover) with a printable handover. Both pages are shot
/// at 1280 and 768 px, fit 768 px, and pass axe-core's WCAG 2.1 AA rules.
@Suite struct AcuteBedsidePageTests {
    @Test(.timeLimit(.minutes(10))) func aNurseScoresTheNIHSSByItemInMmolPerLitreAndReadsAnAnswerInWords() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let token = try await DevelopmentKey.issueToken(
            for: Identity(subject: "nurse-bedside", name: "Nurse", role: .clinician, organisations: [AcutePageTests.north]), lifetime: 600,
            keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let base = "http://127.0.0.1:\(try #require(client.port))"
                try await Browser.with { browser in
                    try await browser.open("\(base)/sign-in?return_to=/acute")
                    try await browser.type("#token", token)
                    try await browser.clickAndWait("button[type=submit]")
                    try await browser.open("\(base)/acute")
                    try await RehabDailyPageTests.check(browser, "acute-form")

                    // Vector C01 with glucose in mmol/L and the NIHSS by its items (1a 1, 5a 2, 9 1: 4).
                    var fields = AcutePageTests.c01
                    for name in ["glucose_mg_dl", "nihss"] { fields[name] = nil }
                    fields["glucose_mmol_l"] = "7.0"
                    try await browser.fill(fields)
                    try await browser.click("details.nihss summary")
                    for item in ["1a", "1b", "1c", "2", "3", "4", "5a", "5b", "6a", "6b", "7", "8", "9", "10", "11"] {
                        let score = ["1a": "1", "5a": "2", "9": "1"][item] ?? "0"
                        try await browser.select("select[name=\"nihss_items.\(item)\"]", value: score)
                    }
                    #expect(try await browser.execute("return document.querySelector(\"input[name='nihss']\").value") as? String == "4", "the items' total")
                    try await browser.clickAndWait("form.acute button[type=submit]")

                    let text = try await browser.execute("return document.body.innerText") as? String ?? ""
                    #expect(text.contains("Acute decision") && text.contains("Since last known well"), "\(text.prefix(300))")
                    #expect(text.contains("Standard window"), "the pathway by its title")
                    for code in ["standard_0_3h", "AHA2019_", "labs.", "times.", "PT_GT_15S"] {
                        #expect(!text.contains(code), "\(code) in the text people read")
                    }
                    let source = try await browser.source()
                    #expect(source.contains("id=\"print-handover\"") && source.contains("title=\"standard_0_3h\""), "the code on hover")
                    try await RehabDailyPageTests.check(browser, "acute-result")
                    #expect(try await browser.consoleErrors().isEmpty)
                }
                let nihss = try await database.withPool(.superuser) { pool in
                    try await pool.query(
                        "SELECT input->>'nihss', input->'nihss_items'->>'5a', input->>'glucose_mmol_l' FROM acute_evaluations WHERE evaluated_by = 'nurse-bedside'"
                    )
                    .single().decode((String?, String?, String?).self)
                }
                #expect(nihss.0 == "4" && nihss.1 == "2" && nihss.2 == "7", "what was evaluated: \(nihss)")
            }
        }
    }
}
