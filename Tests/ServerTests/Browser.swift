import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresTestSupport

/// A real browser a test drives as a user would: headless Chromium through Debian's
/// `chromium-driver` and the W3C WebDriver protocol (JSON over HTTP). It opens pages, types
/// into fields, picks options, clicks buttons and reads what the page shows; every page's
/// console is checked for errors. Its waits are for events (the driver ready, the next page
/// loaded) with no time of their own: a test that drives it carries a `.timeLimit`.
///
/// ```swift
/// try await Browser.with { browser in
///     try await browser.open("http://127.0.0.1:\(port)/sign-in")
///     try await browser.type("#token", token)
///     try await browser.click("button[type=submit]")
/// }
/// ```
struct Browser: Sendable {
    private let driver: TestClient
    private let session: String

    /// What went wrong in the browser or the driver.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts chromedriver and a headless Chromium, runs `body`, then closes both.
    static func with<Result: Sendable>(_ body: @escaping @Sendable (Browser) async throws -> Result) async throws -> Result {
        guard let executable = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"].first(where: FileManager.default.isExecutableFile) else {
            throw TestSetupError(message: "chromedriver is not installed: run ops/setup (Debian's chromium-driver)")
        }
        let port = try FreePort.take()
        let driverProcess = try Subprocess(URL(fileURLWithPath: executable), ["--port=\(port)"])
        try driverProcess.start()
        // SIGKILL: the test process ignores SIGTERM and SIGINT (the service lifecycle handles
        // them), and a child inherits an ignored signal, so a polite stop would leave the driver.
        defer { kill(driverProcess.process.processIdentifier, SIGKILL) }
        try await waitUntilReady(port: port, process: driverProcess)
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { driver in
            let created = try await request(
                driver, "POST", "/session",
                [
                    "capabilities": [
                        "alwaysMatch": [
                            "browserName": "chrome",
                            "goog:loggingPrefs": ["browser": "ALL"],
                            "goog:chromeOptions": [
                                "binary": "/usr/bin/chromium",
                                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)"],
                            ],
                        ] as [String: Any]
                    ]
                ])
            guard let session = (created as? [String: Any])?["sessionId"] as? String else {
                throw Failure(description: "chromedriver opened no session: \(String(describing: created))")
            }
            let browser = Browser(driver: driver, session: session)
            do {
                let result = try await body(browser)
                _ = try? await request(driver, "DELETE", "/session/\(session)", nil)
                return result
            } catch {
                _ = try? await request(driver, "DELETE", "/session/\(session)", nil)
                throw error
            }
        }
    }

    /// Opens a page and waits until it has loaded.
    func open(_ url: String) async throws {
        _ = try await command("POST", "/url", ["url": url])
    }

    /// The address of the page shown now.
    func location() async throws -> String {
        try await command("GET", "/url", nil) as? String ?? ""
    }

    /// The page's DOM as HTML.
    func source() async throws -> String {
        try await command("GET", "/source", nil) as? String ?? ""
    }

    /// The visible text of the first element matching `selector`.
    func text(_ selector: String) async throws -> String {
        try await command("GET", "/element/\(try element(selector))/text", nil) as? String ?? ""
    }

    /// Clears a field and types `text` into it, key by key.
    func type(_ selector: String, _ text: String) async throws {
        let id = try await element(selector)
        _ = try await command("POST", "/element/\(id)/clear", [:])
        _ = try await command("POST", "/element/\(id)/value", ["text": text])
    }

    /// Clicks the first element matching `selector` (a button, a link, a checkbox, an option).
    func click(_ selector: String) async throws {
        _ = try await command("POST", "/element/\(try element(selector))/click", [:])
    }

    /// Clicks a button or link that loads another page, and waits until that page has loaded
    /// (the old document is gone and the new one is complete): an event, not a fixed time.
    func clickAndWait(_ selector: String) async throws {
        let old = try await element("html")
        try await click(selector)
        while true {
            // Between the two documents there may be none to ask: that is "not yet", not a failure.
            let current = try? await element("html")
            if let current, current != old,
                (try? await command("POST", "/execute/sync", ["script": "return document.readyState", "args": []])) as? String == "complete"
            {
                return
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until the page shown is at `url` (a redirect or a page's refresh has led there):
    /// an event, with no time of its own.
    func waitFor(location url: String) async throws {
        while try await location() != url { try await Task.sleep(for: .milliseconds(20)) }
        while (try? await command("POST", "/execute/sync", ["script": "return document.readyState", "args": []])) as? String != "complete" {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Fills a form's fields by name, as a user would: "on" ticks a checkbox, a number is typed,
    /// anything else is picked from the field's select.
    func fill(_ fields: [String: String]) async throws {
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            let field = "[name=\"\(name)\"]"
            if value == "on" {
                try await click(field)
            } else if Double(value) != nil {
                try await type(field, value)
            } else {
                try await select("select\(field)", value: value)
            }
        }
    }

    /// Picks the option with `value` in the select matching `selector`, as a user clicks it.
    func select(_ selector: String, value: String) async throws {
        try await click("\(selector) option[value=\"\(value)\"]")
    }

    /// Runs a script in the page and answers its value.
    @discardableResult
    func execute(_ script: String, _ arguments: [Any] = []) async throws -> Any? {
        try await command("POST", "/execute/sync", ["script": script, "args": arguments])
    }

    /// Sets the window's size (CSS pixels), as a tablet's or a desktop's.
    func resize(width: Int, height: Int = 1000) async throws {
        _ = try await command("POST", "/window/rect", ["width": width, "height": height])
    }

    /// Whether the page is wider than the window (a horizontal scroll bar): the document's
    /// scroll width against the viewport's.
    func overflowsHorizontally() async throws -> (scrollWidth: Int, viewport: Int) {
        let sizes = try await execute("return [document.documentElement.scrollWidth, window.innerWidth]") as? [Int] ?? [0, 0]
        return (sizes.first ?? 0, sizes.last ?? 0)
    }

    /// The elements reaching past the window's right edge, outside any scrolling box (the
    /// innermost first, at most five), to name in a failed width check.
    func widestElements() async throws -> [String] {
        let script = """
            const width = window.innerWidth;
            const inScroller = (e) => { for (let p = e.parentElement; p; p = p.parentElement) { if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };
            return Array.from(document.body.querySelectorAll('*'))
              .filter(e => e.getBoundingClientRect().right > width + 0.5 && !inScroller(e) && !Array.from(e.children).some(c => c.getBoundingClientRect().right > width + 0.5))
              .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right));
            """
        return try await execute(script) as? [String] ?? []
    }

    /// Saves a screenshot of the window as PNG under `.build/screenshots/` (not committed), and
    /// answers its path.
    @discardableResult
    func screenshot(_ name: String) async throws -> URL {
        guard let encoded = try await command("GET", "/screenshot", nil) as? String, let data = Data(base64Encoded: encoded) else {
            throw Failure(description: "the driver sent no screenshot")
        }
        let folder = TestPaths.projectRoot.appendingPathComponent(".build/screenshots")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("\(name).png")
        try data.write(to: file)
        return file
    }

    /// The serious and critical violations axe-core's rules (WCAG 2.1 A and AA) find on the
    /// page: axe from PyPI (`axe-playwright-python`, which carries axe-core; `ops/test` installs
    /// it and names its script in `STROKEPATH_AXE_JS`), run in this browser.
    func accessibilityViolations() async throws -> [String] {
        guard let path = ProcessInfo.processInfo.environment["STROKEPATH_AXE_JS"], let axe = FileManager.default.contents(atPath: path) else {
            throw TestSetupError(message: "STROKEPATH_AXE_JS names no axe-core script: run the tests through ops/test, which installs it")
        }
        try await execute(String(decoding: axe, as: UTF8.self) + "\n;window.__axe = axe;")
        let found = try await command(
            "POST", "/execute/async",
            [
                "script": """
                const done = arguments[arguments.length - 1];
                window.__axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                  .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))
                  .catch(e => done(['axe failed: ' + e]));
                """,
                "args": [],
            ])
        return found as? [String] ?? ["axe answered nothing"]
    }

    /// Console messages the pages wrote at level `SEVERE` (errors) since the last call.
    func consoleErrors() async throws -> [String] {
        let entries = try await command("POST", "/se/log", ["type": "browser"]) as? [[String: Any]] ?? []
        return entries.filter { ($0["level"] as? String) == "SEVERE" }.compactMap { $0["message"] as? String }
    }

    private func element(_ selector: String) async throws -> String {
        let found = try await command("POST", "/element", ["using": "css selector", "value": selector]) as? [String: Any]
        guard let id = found?.values.first as? String else { throw Failure(description: "no element matches \(selector)") }
        return id
    }

    private func command(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        try await Self.request(driver, method, "/session/\(session)\(path)", body)
    }

    /// One WebDriver command: its `value`, or the driver's error as a `Failure`.
    private static func request(_ driver: TestClient, _ method: String, _ path: String, _ body: [String: Any]?) async throws -> Any? {
        let bytes = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        let response = try await driver.execute(
            TestClient.Request(
                path, method: HTTPRequest.Method(method) ?? .get, headers: [.contentType: "application/json"], body: bytes.map { ByteBuffer(bytes: $0) }))
        let data = Data(response.body.map { Array($0.readableBytesView) } ?? [])
        let value = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any])?["value"]
        if let error = (value as? [String: Any])?["error"] as? String {
            let message = (value as? [String: Any])?["message"] as? String ?? ""
            throw Failure(description: "\(method) \(path): \(error): \(message.prefix(300))")
        }
        return value
    }

    /// Waits until the driver answers its status (an event, not a fixed time): it stops
    /// waiting only when the driver has exited.
    private static func waitUntilReady(port: Int, process: Subprocess) async throws {
        while process.process.isRunning {
            let ready = try? await TestClient.withClient(host: "127.0.0.1", port: port) { driver in
                (try await request(driver, "GET", "/status", nil) as? [String: Any])?["ready"] as? Bool == true
            }
            if ready == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(description: "chromedriver exited before it was ready")
    }
}
