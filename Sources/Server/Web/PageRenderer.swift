import Foundation
import Hummingbird
import Mustache

/// Renders the server-side HTML pages from the Mustache templates in `Resources/templates`.
/// Every page fills the `content` block of `layout.mustache`; values are HTML-escaped by
/// Mustache, and only markup we build ourselves (SVG charts) goes in unescaped.
// swift-format-ignore: UseSynthesizedInitializer
struct PageRenderer: Sendable {
    private let library: MustacheLibrary

    /// Loads the templates; fails start-up with the folder's name if they are missing.
    static func load() async throws -> PageRenderer {
        let folder = try ServerResources.folder("templates")
        return PageRenderer(library: try await MustacheLibrary(directory: folder.path))
    }

    /// Private: a renderer is made only by loading the templates.
    private init(library: MustacheLibrary) {
        self.library = library
    }

    /// Renders a template into an HTML response.
    func page(_ template: String, _ object: Any) throws -> Response {
        guard let html = library.render(object, withTemplate: template) else {
            throw Problem(.internalServerError, "internal-error", detail: "Page template missing.")
        }
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    /// Renders a page with forms, setting the fresh CSRF cookie its forms carry.
    func page(_ template: String, _ object: Any, csrf: String, status: HTTPResponse.Status = .ok) throws -> Response {
        var response = try page(template, object)
        response.status = status
        response.setCookie(WebSession.cookie(WebSession.csrfCookie, csrf, maxAge: nil))
        return response
    }
}

/// The files shipped with the server (templates, stylesheet, API document).
enum ServerResources {
    /// A folder or file inside `Resources`.
    static func folder(_ name: String) throws -> URL {
        let url = Bundle.module.bundleURL.appendingPathComponent("Resources").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else { throw ResourceMissing(name: name) }
        return url
    }

    /// A file's contents.
    static func contents(of name: String) throws -> Data {
        let url = try folder(name)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ResourceMissing(name: name) }
        return data
    }

    struct ResourceMissing: Error, CustomStringConvertible {
        let name: String
        var description: String { "server resource \(name) is missing (install the StrokePath_Server.resources folder next to the binary)" }
    }
}
