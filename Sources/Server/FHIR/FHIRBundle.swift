import Clinical
import Foundation
import Hummingbird

/// A `searchset` Bundle: the page of matches (and the resources `_include` asked for), each with
/// its absolute `fullUrl`, the total, `self`/`next`/`previous` links that page with `_offset`,
/// and a warning entry when the answer is cut short.
struct FHIRBundle: Sendable {
    /// The service's address (`https://strokepath.example.org`): `STROKEPATH_PUBLIC_URL`, else
    /// the address it listens on. Never taken from a request's `Host`, which the caller chooses.
    let origin: String

    init(publicURL: URL?, host: String, port: Int) {
        let text = publicURL?.absoluteString ?? "http://\(host.contains(":") ? "[\(host)]" : host):\(port)"
        origin = text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    /// The FHIR base, `<origin>/fhir/R4`.
    var base: String { origin + FHIRController.basePath }

    func fullUrl(_ resource: FHIRResource) -> String { resource.fullUrl ?? "\(base)/\(resource.reference)" }

    /// One page of matches (already filtered and cut), `includes` added once each.
    /// - Parameters:
    ///   - total: the number of matches, when known; without it `more` says whether a next page exists.
    ///   - warning: said as an `OperationOutcome` entry (search mode `outcome`), e.g. that more match.
    func searchset(
        _ matches: [FHIRResource], total: Int?, more: Bool = false, page: (offset: Int, count: Int), includes: [FHIRResource] = [],
        warning: String? = nil, request: Request
    ) -> JSONValue {
        var links: [JSONValue] = [link("self", request, offset: page.offset)]
        if total.map({ page.offset + page.count < $0 }) ?? more { links.append(link("next", request, offset: page.offset + page.count)) }
        if page.offset > 0 { links.append(link("previous", request, offset: max(0, page.offset - page.count))) }
        var entries = matches.map { entry($0, mode: "match") } + includes.map { entry($0, mode: "include") }
        if let warning {
            entries.append(
                .object([
                    "resource": FHIROperationOutcome.outcome(severity: "warning", code: "incomplete", diagnostics: warning),
                    "search": .object(["mode": .string("outcome")]),
                ]))
        }
        return FHIRJSON.object([
            ("resourceType", .string("Bundle")), ("type", .string("searchset")), ("total", total.map { .number(Double($0)) }),
            ("link", .array(links)), ("entry", .array(entries)),
        ])
    }

    private func entry(_ resource: FHIRResource, mode: String) -> JSONValue {
        .object(["fullUrl": .string(fullUrl(resource)), "resource": resource.json, "search": .object(["mode": .string(mode)])])
    }

    /// The request's own address at another offset (under the API's path for the API's export).
    private func link(_ relation: String, _ request: Request, offset: Int) -> JSONValue {
        var query = request.uri.queryParameters.filter { $0.key != "_offset" }.map { "\(Self.encode(String($0.key)))=\(Self.encode(String($0.value)))" }
        if offset > 0 { query.append("_offset=\(offset)") }
        let url = origin + request.uri.path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return .object(["relation": .string(relation), "url": .string(url)])
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:/"))) ?? text
    }
}
