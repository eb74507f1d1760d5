import Hummingbird

/// A problem as a page, for a browser that asked for one: the API (`/api`), the health, metrics and
/// documents keep answering problem+json; a page's 403, 404 or expired form is shown in the
/// page's language, with what to do next and the request id to quote.
struct ErrorPage: Sendable {
    let pages: PageRenderer

    struct View {
        var status: Int
        var heading: String
        var advice: String
        var detail: String
        var requestID: String
    }

    /// Paths that answer machines, never with a page.
    static let machinePrefixes = ["/api/", "/fhir", "/health/", "/metrics", "/openapi", "/static/"]

    /// Whether `request` is a browser's, for a page: it accepts HTML, and its path is no
    /// machine's.
    static func wanted(by request: Request) -> Bool {
        let path = request.uri.path
        guard !machinePrefixes.contains(where: { path.hasPrefix($0) }) else { return false }
        return request.headers[values: .accept].contains { $0.contains("text/html") }
    }

    /// The page for `problem`.
    func response(_ problem: Problem, request: Request) throws -> Response {
        let texts = pages.texts(request)
        let kind: String =
            switch problem.status.code {
            case 401, 403: "forbidden"
            case 404: "not_found"
            case 409: "conflict"
            case 413, 400, 405, 415, 422: "invalid"
            case 429: "too_many"
            case 503: "unavailable"
            default: "failed"
            }
        let view = View(
            status: problem.status.code, heading: texts["error_\(kind)_heading"], advice: texts["error_\(kind)_advice"], detail: problem.detail,
            requestID: problem.requestID ?? "")
        var response = try pages.page("error", view, request: request, identity: nil, status: problem.status)
        for field in problem.headers where field.name != .contentType { response.headers.append(field) }
        return response
    }
}
