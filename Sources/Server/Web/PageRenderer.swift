import Foundation
import Hummingbird
import Mustache

/// Renders the server-side HTML pages from the Mustache templates in `Resources/templates`,
/// in the page's language (`PageLanguage`, the texts from `TextCatalogue`). Every page fills
/// the `content` block of `layout.mustache`; values are HTML-escaped by Mustache, and only
/// markup we build ourselves (SVG charts) goes in unescaped.
// swift-format-ignore: UseSynthesizedInitializer
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    let catalogue: TextCatalogue
    /// Whether the pseudo-language may be asked for (`ServerConfiguration.pseudoLanguage`).
    let pseudoLanguage: Bool

    /// Loads the templates and the catalogue; fails start-up with the folder's name if they
    /// are missing, or with the catalogue's problem.
    static func load(pseudoLanguage: Bool = false) async throws -> PageRenderer {
        let folder = try ServerResources.folder("templates")
        return PageRenderer(
            library: try await MustacheLibrary(directory: folder.path), catalogue: try TextCatalogue.load(from: try ServerResources.folder("locales")),
            pseudoLanguage: pseudoLanguage)
    }

    /// Private: a renderer is made only by loading the templates.
    private init(library: MustacheLibrary, catalogue: TextCatalogue, pseudoLanguage: Bool) {
        self.library = library
        self.catalogue = catalogue
        self.pseudoLanguage = pseudoLanguage
    }

    /// The language of the page `request` asks for (the pseudo-language only where allowed).
    func language(_ request: Request) -> PageLanguage {
        let language = PageLanguage.of(request)
        return language == .pseudo && !pseudoLanguage ? PageLanguage.preferred(request.headers[.acceptLanguage] ?? "") : language
    }

    /// The texts in the language of the page `request` asks for.
    func texts(_ request: Request) -> TextCatalogue.Texts {
        catalogue.texts(language(request))
    }

    /// Renders a template into an HTML response, in the request's language (or `language`, a
    /// letter's reader's), framed for `identity` (nil: nobody signed in); a language chosen with
    /// the switch is remembered.
    func page(
        _ template: String, _ view: Any, request: Request, identity: Identity?, status: HTTPResponse.Status = .ok, language: PageLanguage? = nil
    ) throws -> Response {
        let texts = language.map(catalogue.texts) ?? texts(request)
        let context = PageContext(t: texts.entries, frame: .init(request: request, identity: identity, texts: texts), view: view)
        guard let html = library.render(context, withTemplate: template) else {
            throw Problem(.internalServerError, "internal-error", detail: "Page template missing.")
        }
        var response = Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store", .contentLanguage: texts.language.tag],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
        if let chosen = PageLanguage.chosen(in: request), chosen != .pseudo || pseudoLanguage { response.setCookie(chosen.cookie) }
        return response
    }

    /// Renders a page with forms, setting the fresh CSRF cookie its forms carry.
    func page(
        _ template: String, _ view: Any, request: Request, identity: Identity?, csrf: String, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var response = try page(template, view, request: request, identity: identity, status: status)
        response.setCookie(WebSession.cookie(WebSession.csrfCookie, csrf, maxAge: nil))
        return response
    }
}

/// The files shipped with the server (templates, stylesheet, API document): the
/// `StrokePath_Server.resources` folder beside the binary (where `swift build` and
/// `ops/install` put it), or the one `STROKEPATH_RESOURCES_DIR` names. Found by path, not
/// through SwiftPM's `Bundle.module`, which stops the process when the folder is not there.
enum ServerResources {
    static let bundleName = "StrokePath_Server.resources"

    /// A folder or file inside `Resources`.
    static func folder(_ name: String) throws -> URL {
        let bundles = candidates()
        for bundle in bundles {
            let url = bundle.appendingPathComponent("Resources").appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw ResourceMissing(name: name, searched: bundles.map(\.path))
    }

    /// A file's contents.
    static func contents(of name: String) throws -> Data {
        let url = try folder(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ResourceMissing(name: name, searched: [url.path]) }
        return data
    }

    /// Where the resources may be, in order.
    static func candidates() -> [URL] {
        var bundles: [URL] = []
        if let configured = ProcessInfo.processInfo.environment["STROKEPATH_RESOURCES_DIR"], !configured.isEmpty {
            bundles.append(URL(fileURLWithPath: configured))
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            bundles.append(executable.deletingLastPathComponent().appendingPathComponent(bundleName))
        }
        return bundles
    }

    struct ResourceMissing: Error, CustomStringConvertible {
        let name: String
        let searched: [String]
        var description: String {
            "server resource \(name) is missing (looked in \(searched.joined(separator: ", "))): install the \(ServerResources.bundleName) "
                + "folder next to the binary, or set STROKEPATH_RESOURCES_DIR"
        }
    }
}
