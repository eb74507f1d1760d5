import AcuteCare
import Clinical
import Foundation
import HTTPTypes
import HummingbirdTesting
import Postgres
import PostgresTestSupport
import ProtocolLibrary
import Rehabilitation
import Seed
import Storage
import Testing

@testable import Server

/// Pages in Swedish and English: the language chosen from the switch, the cookie or the
/// browser's `Accept-Language`; one catalogue per language with the same keys; no visible
/// text outside the catalogue (the templates read statically, the pages in the
/// pseudo-language live); problems as pages for browsers and problem+json for the API.
@Suite struct PageLanguageTests {
    static let sources = TestPaths.projectRoot.appendingPathComponent("Sources/Server")
    static let templates = sources.appendingPathComponent("Resources/templates")

    /// The templates whose words all come from the catalogue (the rest are being moved over).
    static let translated = [
        "layout", "error", "sign-in", "signed-in", "account", "status", "break-glass", "reports", "rehab-week", "rehab-day", "rehab-session", "rehab-plan",
        "rehab-patient-week", "recovery", "acute-profiles", "acute-form", "acute-result", "acute-episodes", "acute-episode",
    ]

    @Test func theBrowsersLanguageIsTakenByWeight() {
        #expect(PageLanguage.preferred("sv-SE,sv;q=0.9,en-US;q=0.8,en;q=0.7") == .sv)
        #expect(PageLanguage.preferred("en-GB,en;q=0.9,sv;q=0.8") == .en)
        #expect(PageLanguage.preferred("de-DE,sv;q=0.5") == .sv, "Swedish before the English default when German is not offered")
        #expect(PageLanguage.preferred("sv;q=0,en;q=0.1") == .en, "q=0 means not acceptable")
        #expect(PageLanguage.preferred("fi-FI") == .en)
        #expect(PageLanguage.preferred("sv-FI") == .sv)
        #expect(PageLanguage.preferred(";;,=,q=,sv;q=abc") == .sv, "a malformed weight counts as 1")
        #expect(PageLanguage.preferred("") == .en)
    }

    @Test func everyKeyTheCodeAndTemplatesUseIsInBothCatalogues() throws {
        let catalogue = try TextCatalogue.load(from: Self.sources.appendingPathComponent("Resources/locales"))
        var used = Set<String>()
        let files = try FileManager.default.subpathsOfDirectory(atPath: Self.sources.path).filter { $0.hasSuffix(".swift") || $0.hasSuffix(".mustache") }
        for file in files {
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            let pattern = file.hasSuffix(".mustache") ? #"\{\{[#^/]?t\.([a-z0-9_]+)"# : #"texts(?:\(request\))?(?:\.format\(|\[)\s*"([a-z0-9_]+)""#
            let regex = try NSRegularExpression(pattern: pattern)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let range = Range(match.range(at: 1), in: text) { used.insert(String(text[range])) }
            }
        }
        // Keys built from a value: each one's family must be whole.
        used.subtract(used.filter { $0.hasSuffix("_") })
        used.formUnion(Role.allCases.map { "role_\($0.rawValue)" })
        used.formUnion(["month", "quarter", "year", "all"].map { "reports_period_\($0)" })
        used.formUnion(
            ["forbidden", "not_found", "conflict", "invalid", "too_many", "unavailable", "failed"].flatMap { ["error_\($0)_heading", "error_\($0)_advice"] })
        used.formUnion([
            "reports_met", "reports_not_met", "reports_limits_95", "reports_limits_998", "break_glass_granted", "break_glass_refused", "status_jobs_ended",
            "status_jobs_ended_abandoned",
        ])
        used.formUnion(PageContext.Frame.pages.map(\.key))
        used.formUnion(AcuteFormFields.catalogueKeys)
        used.formUnion(AcuteResultView.planNames.values)
        used.formUnion(TextCatalogue.noticeSentences.keys)
        #expect(TextCatalogue.noticeSentences.count == TextCatalogue.noticeCodes.count, "every notice code is given once")
        used.formUnion(SessionStatus.allCases.map { "status_\($0.rawValue)" })
        used.formUnion(TherapyElsewhere.modelInputs.map { "recovery_minutes_\($0)" })
        used.formUnion(["recovery_whatif_uncertain", "recovery_whatif_sure", "recovery_class_poor", "recovery_class_default"])
        used.formUnion(PlanStatus.allCases.map { "plan_status_\($0.rawValue)" })
        used.formUnion(WaitlistStatus.allCases.map { "waitlist_\($0.rawValue)" })
        used.formUnion(["session_cancelled_done", "session_place_cancelled_done", "plan_sessions_feasible", "plan_sessions_broken"])
        // The plan's score in words: every cost and indicator the scorer reports.
        let scorer = TestPaths.projectRoot.appendingPathComponent("Sources/Rehabilitation")
        let terms = try NSRegularExpression(pattern: #"(soft|kpi)\["([a-z0-9_]+)"\]"#)
        for file in try FileManager.default.contentsOfDirectory(atPath: scorer.path) where file.hasPrefix("ScheduleScorer") {
            let text = try String(contentsOf: scorer.appendingPathComponent(file), encoding: .utf8)
            for match in terms.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                if let kind = Range(match.range(at: 1), in: text), let key = Range(match.range(at: 2), in: text) {
                    used.insert((text[kind] == "soft" ? "plan_term_" : "plan_kpi_") + text[key])
                }
            }
        }
        used.insert("plan_kpi_\(ScheduleScorer.DailyTarget.kpiName)")
        #expect(used.count > 100, "the scan found the keys: \(used.count)")
        #expect(used.subtracting(catalogue.keys).sorted() == [], "keys used but not in the catalogue")
        #expect(catalogue.keys.subtracting(used).sorted() == [], "catalogue entries nothing uses")
    }

    /// Every moment of a blood-pressure plan the vectors reach and every order of the protocol
    /// has its name in the catalogue (none shown as its key).
    @Test func everyPlanMomentAndOrderHasAName() throws {
        let library = ProtocolLibrary(directory: TestPaths.projectRoot.appendingPathComponent("Protocols"))
        let evaluator = AcuteEvaluator(protocol: try library.acute())
        let vectors = try JSONParser.parse(try Data(contentsOf: TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/acute/cases.json")))
        guard case .array(let cases)? = vectors.object?["cases"] else {
            Issue.record("cases.json has no cases")
            return
        }
        var moments = Set<String>()
        for vector in cases {
            let evaluation = try evaluator.evaluate(try PresentationReader(protocol: evaluator.acute).read(vector.object?["presentation"] ?? .null))
            moments.formUnion(evaluation.bpPlan.keys)
            moments.formUnion(evaluation.orders?.orders.map(\.id) ?? [])
        }
        let orders = try JSONParser.parse(
            try Data(contentsOf: library.directory.appendingPathComponent("acute/orders.json")))
        guard case .array(let listed)? = orders.object?["orders"] else {
            Issue.record("orders.json has no orders")
            return
        }
        moments.formUnion(listed.compactMap { if case .string(let id)? = $0.object?["id"] { id } else { nil } })
        #expect(moments.count >= 12, "\(moments.sorted())")
        #expect(moments.subtracting(AcuteResultView.planNames.keys).sorted() == [], "moments and orders without a name")
    }

    /// T8: a Swedish translation that says an answer otherwise (here a threshold changed) is not
    /// shown: the English answer is, marked English, and the page says so.
    @Test func aSwedishAnswerThatDoesNotDecideAlikeIsShownInEnglish() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("protocols-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: TestPaths.projectRoot.appendingPathComponent("Protocols"), to: copy)
        let file = copy.appendingPathComponent("acute/sv.json")
        let original = try String(contentsOf: file, encoding: .utf8)
        let sabotaged = original.replacingOccurrences(of: #""SBP <185 och DBP <110 mmHg före bolus""#, with: #""SBP <180 och DBP <110 mmHg före bolus""#)
        #expect(sabotaged != original)
        try sabotaged.write(to: file, atomically: true, encoding: .utf8)
        let library = ProtocolLibrary(directory: copy)
        let english = try library.loadAll()
        let statements = try ProtocolStatements(library: library, english: english)
        let vectors = try JSONParser.parse(try Data(contentsOf: TestPaths.projectRoot.appendingPathComponent("Tests/Fixtures/acute/cases.json")))
        let presentation = try PresentationReader(protocol: english.acute).read(
            vectors.object?["cases"].flatMap { if case .array(let all) = $0 { all.first } else { nil } }?.object?["presentation"] ?? .null)
        let decided = try AcuteEvaluator(protocol: english.acute).evaluate(presentation)
        #expect(decided.bpPlan["before_IVT"] == "SBP <185 and DBP <110 mmHg before bolus", "the vector reaches the sabotaged statement")
        let said = statements.acuteAnswer(decided, stored: Data(decided.jsonBytes), of: presentation, in: .sv)
        #expect(said.1 == .en && said.0.bpPlan["before_IVT"] == "SBP <185 and DBP <110 mmHg before bolus")
        let unsabotaged = try ProtocolStatements(library: Self.library, english: try Self.library.loadAll())
        #expect(
            unsabotaged.acuteAnswer(decided, stored: Data(decided.jsonBytes), of: presentation, in: .sv).1 == .sv, "the project's translation decides alike")
        let texts = try TextCatalogue.load(from: Self.sources.appendingPathComponent("Resources/locales")).texts(.sv)
        let view = AcuteResultView(
            said, id: UUID(), stored: "database", lkwMinutesAgo: 90, now: Date(), sources: [:], titles: [:], texts: texts, zone: nil, episode: nil,
            unlinked: false)
        #expect(view.statementLang == "en" && view.statementsInEnglish == texts["acute_statements_in_english"])
    }

    static let library = ProtocolLibrary(directory: TestPaths.projectRoot.appendingPathComponent("Protocols"))

    @Test func aCatalogueWithoutAKeyOrWithOtherPlaceholdersIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("locales-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ en: String, _ sv: String) throws {
            try Data(en.utf8).write(to: folder.appendingPathComponent("en.json"))
            try Data(sv.utf8).write(to: folder.appendingPathComponent("sv.json"))
        }
        try write(#"{"a": "A {n}", "b": "B"}"#, #"{"a": "Å {n}"}"#)
        #expect(throws: TextCatalogue.Invalid.self) { try TextCatalogue.load(from: folder) }
        try write(#"{"a": "A {n}"}"#, #"{"a": "Å {antal}"}"#)
        #expect(throws: TextCatalogue.Invalid.self) { try TextCatalogue.load(from: folder) }
        try write(#"{"a": "A {n}"}"#, #"["Å"]"#)
        #expect(throws: TextCatalogue.Invalid.self) { try TextCatalogue.load(from: folder) }
        // The notices' English comes from the code: a Swedish catalogue translates each, an English one repeats none.
        func encoded(_ entries: [String: String]) throws -> String { String(decoding: try JSONEncoder().encode(entries), as: UTF8.self) }
        let notices = TextCatalogue.noticeSentences
        try write(#"{"a": "A {n}"}"#, #"{"a": "Å {n}"}"#)
        #expect(throws: TextCatalogue.Invalid.self) { try TextCatalogue.load(from: folder) }
        try write(try encoded(notices.merging(["a": "A {n}"]) { $1 }), try encoded(notices.merging(["a": "Å {n}"]) { $1 }))
        #expect(throws: TextCatalogue.Invalid.self) { try TextCatalogue.load(from: folder) }
        try write(#"{"a": "A {n}"}"#, try encoded(notices.merging(["a": "Å {n}"]) { $1 }))
        let catalogue = try TextCatalogue.load(from: folder)
        #expect(catalogue.texts(.sv).format("a", ["n": "3"]) == "Å 3" && catalogue.texts(.pseudo)["a"] == "⟦A {n}⟧")
        let note = try #require(notices.keys.sorted().first)
        #expect(catalogue.texts(.en)[note] == notices[note] && catalogue.texts(.pseudo)[note] == "⟦\(notices[note] ?? "")⟧")
    }

    /// Read statically: with Mustache tags, markup, `<code>` (commands, not words) and
    /// entities taken out, a translated template holds no letters but the brand's.
    @Test func translatedTemplatesHoldNoWordsOfTheirOwn() throws {
        for name in Self.translated {
            var text = try String(contentsOf: Self.templates.appendingPathComponent("\(name).mustache"), encoding: .utf8)
            for pattern in [#"<code>.*?</code>"#, #"\{\{\{?[^}]*\}?\}\}"#, #"<[^>]*>"#, #"&[a-z]+;"#, "StrokePath"] {
                text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            let words = text.split(whereSeparator: \.isWhitespace).filter { $0.contains(where: \.isLetter) }
            #expect(words.isEmpty, "\(name).mustache has words outside the catalogue: \(words)")
        }
    }

    /// Live, in the pseudo-language: every visible text of the status and sign-in pages and of
    /// an error page comes from the catalogue (marked ⟦…⟧), or is data (numbers, times, codes).
    @Test func pagesInThePseudoLanguageShowOnlyCatalogueText() async throws {
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app) { client in
                for path in ["/?lang=qps", "/sign-in?lang=qps", "/no-such-page?lang=qps"] {
                    let html = try await client.execute(uri: path, method: .get, headers: [.accept: "text/html"]) { $0.text }
                    let strays = Self.textOutsideCatalogue(html)
                    #expect(strays.isEmpty, "\(path): \(strays)")
                    #expect(html.contains("⟦"), "\(path) is in the pseudo-language")
                }
            }
        }
    }

    /// `text` as the templates escape it.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }

    /// The visible text of a page (text nodes, and the `title`, `aria-label` and `placeholder`
    /// attributes) that is neither marked nor data.
    static func textOutsideCatalogue(_ html: String, data: [String] = []) -> [String] {
        var page = html.replacingOccurrences(
            of: #"<code>.*?</code>|<head>.*?</head>|<p class="problem-detail">.*?</p>"#, with: " ", options: [.regularExpression])
        // What the protocols say stays in their language, marked as such (`lang="en"`), and data
        // (names, pseudonyms, codes) is no one's text to translate.
        page = page.replacingOccurrences(of: #"<(\w+)[^>]*\slang="en"[^>]*>[^<]*(<(?!/\1>)[^<]*)*</\1>"#, with: " ", options: .regularExpression)
        for value in data.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            page = page.replacingOccurrences(of: SVGChart.escape(value), with: " ")
        }
        var pieces: [String] = []
        let attributes = try? NSRegularExpression(pattern: #"(?:title|aria-label|placeholder|alt)="([^"]*)""#)
        for match in attributes?.matches(in: page, range: NSRange(page.startIndex..., in: page)) ?? [] {
            if let range = Range(match.range(at: 1), in: page) { pieces.append(String(page[range])) }
        }
        page = page.replacingOccurrences(of: #"<[^>]*>"#, with: "\n", options: .regularExpression)
        pieces += page.split(separator: "\n").map(String.init)
        return pieces.compactMap { piece in
            var rest = piece
            // Marked texts, the innermost first (a sentence holds a marked duration).
            while let marked = rest.range(of: "⟦[^⟦⟧]*⟧", options: .regularExpression) { rest.replaceSubrange(marked, with: " ") }
            rest =
                rest
                .replacingOccurrences(of: "&[a-z]+;|&#[0-9]+;", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\\b\\d{1,2} [A-Z][a-z]{2,3}\\.? \\d{4}\\b", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\\b[A-Z][A-Z0-9_-]*[A-Z0-9]\\b|\\bmRS\\b|\\bFM-UE\\b|χ²\\S*", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "StrokePath|Svenska|English|[0-9a-f-]{36}|\\d+(xx)?|UTC|GMT", with: " ", options: .regularExpression)
            return rest.contains(where: \.isLetter) ? piece.trimmingCharacters(in: .whitespaces) : nil
        }
    }

    @Test func theStrayTextCheckFindsWhatItShould() {
        #expect(Self.textOutsideCatalogue("<p>⟦Booked⟧ Anna Lind, GYM1, 7 Dec 2026 10:00</p>", data: ["Anna Lind"]).isEmpty)
        #expect(Self.textOutsideCatalogue("<p>⟦Booked⟧ but not translated</p>") == ["⟦Booked⟧ but not translated"])
        #expect(Self.textOutsideCatalogue(#"<p title="Hover text">⟦x⟧</p>"#) == ["Hover text"], "attributes people read count too")
        #expect(Self.textOutsideCatalogue(#"<dd lang="en">Protocol text</dd>"#).isEmpty, "the protocols' English, marked as such")
    }

    /// The clinic's pages and a recovery page in the pseudo-language: every visible text is the
    /// catalogue's, the protocols' (marked English) or data.
    @Test func signedInPagesInThePseudoLanguageShowOnlyCatalogueText() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let coordinator = try await DevelopmentKey.issueToken(
            for: Identity(subject: "coordinator", name: "Coordinator", role: .rehabCoordinator, organisations: [DemoClinicFixture.clinic]), lifetime: 900,
            keyFile: keyFile)
        try await TestDatabase.with { database in
            let now = try await database.now()
            let lastWeek = DemoClinic.monday(of: now).adding(days: -7)
            let recovery = try await database.withPool(.app) { pool in
                _ = try await DemoData.load(into: pool)
                _ = try await DemoClinic.load(into: pool, catalogue: try DemoClinicFixture.catalogue(), week: lastWeek, publishing: 2)
                return try await RecoveryFixture.patient(in: pool, now: now, fm: [(2, 14), (7, 20), (13, 26), (20, 31)])
            }
            let data =
                try await database.withPool(.superuser) { pool in
                    try await pool.query(
                        """
                        SELECT name FROM rehab_therapists UNION SELECT name FROM rehab_rooms UNION SELECT name FROM organisations
                        UNION SELECT pseudonym FROM patients UNION SELECT role FROM rehab_therapists
                        """
                    ).decode(String.self)
                } + (try DemoClinicFixture.catalogue()).modalities.map(\.name)
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let session = try await Harness.signIn(client, token: coordinator)
                let week = try await client.execute(uri: "/rehab?week=\(lastWeek)&lang=qps", method: .get, headers: [.cookie: session]) { $0.text }
                let sessionLink = try #require(week.range(of: #"/rehab/sessions/[0-9a-f-]{36}"#, options: .regularExpression).map { String(week[$0]) })
                let patient = DemoClinicFixture.patient("DEMO-R01").uuidString.lowercased()
                for path in [
                    "/rehab?week=\(lastWeek)&lang=qps", "/rehab/day?day=\(lastWeek)&lang=qps", "\(sessionLink)?lang=qps",
                    "/rehab/patients/\(patient)/week?week=\(lastWeek)&lang=qps",
                    "/patients/\(recovery.uuidString.lowercased())/recovery?whatif=1&PT=60&from=25&to=90&lang=qps",
                ] {
                    let html = try await client.execute(uri: path, method: .get, headers: [.cookie: session]) { $0.text }
                    let strays = Self.textOutsideCatalogue(html, data: data)
                    #expect(strays.isEmpty, "\(path): \(strays)")
                    #expect(html.contains("⟦"), "\(path) is in the pseudo-language")
                }
                // T8: the catalogue's evidence for the session's modality in Swedish, from Protocols/rehab/sv.json.
                let swedish = try await client.execute(uri: "\(sessionLink)?lang=sv", method: .get, headers: [.cookie: session]) { $0.text }
                let evidence = try #require(
                    swedish.range(of: #"<dd class="evidence" lang="sv"><strong>[^<]*</strong>: [^<]*"#, options: .regularExpression).map {
                        String(swedish[$0])
                    })
                let translations = try ProtocolLibrary(directory: TestPaths.projectRoot.appendingPathComponent("Protocols"))
                    .translation(of: .rehab, language: "sv").statements.values
                #expect(translations.contains { evidence.contains(Self.escaped($0)) }, "\(evidence)")
            }
        }
    }

    /// The acute pages in the pseudo-language (the board, an episode, the form from it, a
    /// refusal and an answer): every visible text is the catalogue's, the protocols' and the
    /// engine's (marked English) or data; and the same pages in Swedish.
    @Test func acutePagesInThePseudoLanguageShowOnlyCatalogueTextAndReadInSwedish() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        let clinician = try await DevelopmentKey.issueToken(
            for: Identity(subject: "clinician", name: "Clinician", role: .clinician, organisations: [AcutePageTests.north]), lifetime: 900,
            keyFile: keyFile)
        try await TestDatabase.with { database in
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            let data = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT name FROM organisations UNION SELECT pseudonym FROM patients").decode(String.self)
            }
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let nurse = PageSession(client: client, session: try await Harness.signIn(client, token: clinician), port: try #require(client.port))
                let board = try await nurse.get("/acute/episodes")
                let csrf = try #require(board.csrf)
                let opened = try await nurse.post("/acute/episodes", ["name": "Tolvan Tolvansson", "personal_number": "191212121212"], csrf: csrf)
                let episode = try #require(opened.location)
                _ = try await nurse.post(episode, ["do": "stamp", "moment": "arrival"], csrf: csrf)
                let id = String(episode.split(separator: "/").last ?? "")
                var answer = AcutePageTests.c01
                answer["episode"] = id
                var refused = answer
                refused["age"] = nil
                let pages: [(String, String, [String: String]?)] = [
                    ("board", "/acute/episodes", nil), ("episode", episode, nil), ("form", "/acute?episode=\(id)", nil), ("refusal", "/acute", refused),
                    ("answer", "/acute", answer),
                ]
                for (name, path, form) in pages {
                    let html =
                        if let form {
                            try await nurse.post("\(path)?lang=qps", form, csrf: csrf).html
                        } else {
                            try await nurse.get("\(path)\(path.contains("?") ? "&" : "?")lang=qps").html
                        }
                    let strays = Self.textOutsideCatalogue(html, data: data + ["Tolvan Tolvansson"])
                    #expect(strays.isEmpty, "\(name): \(strays)")
                    #expect(html.contains("⟦"), "\(name) is in the pseudo-language")
                }
                let form = try await nurse.get("/acute?episode=\(id)&lang=sv").html
                #expect(form.contains("Senast känd frisk") && form.contains("Trombocyter") && form.contains("Anamnesen genomgången"))
                var tenecteplase = answer
                tenecteplase["weight_kg"] = "77"
                let swedish = try await nurse.post("/acute?lang=sv", tenecteplase, csrf: csrf).html
                #expect(swedish.contains("Intravenös trombolys") && swedish.contains("Trombektomi"))
                #expect(swedish.contains("Tenekteplas 20 mg = 4 mL (viktklass"), "the tenecteplase band in Swedish")
                #expect(
                    swedish.range(
                        of: #"bolus \d+,\d mg under 1 min, därefter \d+,\d mg under 60 min; kassera \d+,\d mg av en 100 mg-flaska"#, options: .regularExpression
                    )
                        != nil, "the alteplase dose in Swedish, with decimal commas")
                // T8: the protocol's statements in Swedish on a Swedish page, in English on an English one.
                #expect(swedish.contains("SBP &lt;185 och DBP &lt;110 mmHg före bolus") && !swedish.contains("before bolus"), "the plan in Swedish")
                #expect(
                    swedish.contains(#"<dt>Övervakning</dt><dd lang="sv">kontroll av blodtryck och neurologiskt status var 15:e min"#), "an order in Swedish")
                #expect(swedish.contains(#"<dt>Före trombolys</dt><dd lang="sv">SBP &lt;185 och DBP &lt;110 mmHg före bolus"#))
                #expect(!swedish.contains("Protokollens formuleringar nedan visas på engelska"), "the Swedish answer decided as the English")
                let refusal = try await nurse.post("/acute?lang=sv", refused, csrf: csrf).html
                #expect(refusal.contains("måste anges") && !refusal.contains("is required"), "the engine's refusal in Swedish")
                let english = try await nurse.post("/acute?lang=en", tenecteplase, csrf: csrf).html
                #expect(english.contains("SBP &lt;185 and DBP &lt;110 mmHg before bolus") && english.contains("<dt>Monitoring</dt>"))
            }
        }
    }

    /// The remaining signed-in pages in the pseudo-language: a planner's report, an
    /// administrator's guideline profiles, an auditor's break-glass page, and a clinician's
    /// account and a patient's name and contact.
    @Test func theOtherSignedInPagesInThePseudoLanguageShowOnlyCatalogueText() async throws {
        let keyFile = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).pem")
        @Sendable func session(_ client: any TestClientProtocol, _ role: Role, _ organisation: UUID) async throws -> PageSession {
            let token = try await DevelopmentKey.issueToken(
                for: Identity(subject: "qps-\(role.rawValue)", name: "Qps", role: role, organisations: [organisation]), lifetime: 900, keyFile: keyFile)
            return PageSession(client: client, session: try await Harness.signIn(client, token: token), port: try #require(client.port))
        }
        try await TestDatabase.with { database in
            try await ReportFixture.load(database)
            try await database.withPool(.app) { pool in _ = try await DemoData.load(into: pool) }
            let patient = try await database.withPool(.superuser) { pool in
                try await pool.query("SELECT id FROM patients WHERE organisation_id = \(AcutePageTests.north) ORDER BY pseudonym LIMIT 1").single().decode(
                    UUID.self)
            }
            let data =
                try await database.withPool(.superuser) { pool in
                    try await pool.query("SELECT name FROM organisations UNION SELECT pseudonym FROM patients UNION SELECT code FROM organisations").decode(
                        String.self)
                } + ["Qps", "qps-planner", "qps-admin", "qps-auditor", "qps-clinician"]
            try await Harness.live(database: database.app, keyFile: keyFile) { client in
                let pages: [(Role, UUID, String)] = [
                    (.planner, ReportFixture.region, "/reports?indicator=follow_up_90&period=all"), (.admin, AcutePageTests.north, "/acute/profiles"),
                    (.auditor, AcutePageTests.north, "/audit/break-glass"), (.clinician, AcutePageTests.north, "/account"),
                    (.clinician, AcutePageTests.north, "/patients/\(patient.uuidString.lowercased())/identity"),
                ]
                for (role, organisation, path) in pages {
                    let html = try await session(client, role, organisation).get("\(path)\(path.contains("?") ? "&" : "?")lang=qps").html
                    let strays = Self.textOutsideCatalogue(html, data: data)
                    #expect(strays.isEmpty, "\(path): \(strays)")
                    #expect(html.contains("⟦"), "\(path) is in the pseudo-language")
                }
            }
        }
    }

    @Test func problemsArePagesForBrowsersAndProblemJSONForTheAPI() async throws {
        try await TestDatabase.with { database in
            try await Harness.live(database: database.app) { client in
                let page = try await client.execute(
                    uri: "/rehab/sessions/not-a-page/nothing", method: .get, headers: [.accept: "text/html", .acceptLanguage: "sv-SE,sv;q=0.9"]
                ) {
                    ($0.status, $0.headers[.contentType], $0.headers[.contentLanguage], $0.text)
                }
                #expect(page.0 == .notFound && page.1 == "text/html; charset=utf-8" && page.2 == "sv")
                #expect(page.3.contains("<html lang=\"sv\">") && page.3.contains("<h1>Hittades inte</h1>") && page.3.contains("Referens för support:"))
                let api = try await client.execute(uri: "/api/v1/patients/nothing", method: .get, headers: [.accept: "text/html"]) {
                    ($0.status, $0.headers[.contentType])
                }
                #expect(api.1 == "application/problem+json", "the API answers problem+json even to a browser: \(api)")
                let machine = try await client.execute(uri: "/no-such-page", method: .get) { ($0.status, $0.headers[.contentType]) }
                #expect(machine == (.notFound, "application/problem+json"), "without Accept: text/html, problem+json")
            }
        }
    }

    @Test func theSwitchChoosesAndTheCookieRemembers() async throws {
        try await Harness.live(database: Harness.unreachable) { client in
            let chosen = try await client.execute(uri: "/sign-in?lang=sv", method: .get, headers: [.acceptLanguage: "en"]) {
                ($0.text, SignInTests.cookie(PageLanguage.cookieName, in: $0)?.value)
            }
            #expect(chosen.0.contains("<h1>Logga in</h1>") && chosen.1 == "sv")
            #expect(chosen.0.contains(#"href="?lang=en" hreflang="en" lang="en">English</a>"#), "the switch leads to the same page")
            // A path that names another host (`//host/…`) is never put into a link.
            let foreign = try await client.execute(uri: "//evil.example/x?a=1", method: .get, headers: [.accept: "text/html"]) { $0.text }
            #expect(!foreign.contains("evil.example") && foreign.contains(#"href="?a=1&amp;lang=sv""#), "\(foreign)")
            let remembered = try await client.execute(uri: "/sign-in", method: .get, headers: [.acceptLanguage: "en", .cookie: "strokepath_lang=sv"]) {
                $0.text
            }
            #expect(remembered.contains("<h1>Logga in</h1>"), "the cookie wins over the browser's language")
            let english = try await client.execute(uri: "/sign-in", method: .get, headers: [.acceptLanguage: "en-GB"]) { $0.text }
            #expect(english.contains("<html lang=\"en\">") && english.contains("<h1>Sign in</h1>"))
            let unknown = try await client.execute(uri: "/sign-in?lang=xx", method: .get, headers: [.acceptLanguage: "sv"]) { $0.text }
            #expect(unknown.contains("<h1>Logga in</h1>"), "an unknown choice falls back to the browser's")
        }
    }
}
