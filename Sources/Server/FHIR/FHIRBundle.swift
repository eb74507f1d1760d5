import Clinical
import Foundation
import Hummingbird

/// A `searchset` Bundle: the page of matches (and the resources `_include` asked for), each with
/// its absolute `fullUrl`, the total, and `self`/`next`/`previous` links that page with `_offset`.
struct FHIRBundle {
    /// The service's FHIR base (`https://strokepath.example.org/fhir/R4`): under the configured
    /// public address, else the request's `Host` (when it is a host name or address).
    let base: String

    init(_ request: Request, publicURL: URL?) {
        if let publicURL {
            base = publicURL.absoluteString.trimmingSuffix("/") + FHIRController.basePath
        } else {
            let host = request.head.authority ?? ""
            let safe = !host.isEmpty && host.utf8.allSatisfy { RequestObservationMiddleware.isASCIIAlphanumeric($0) || ".-:[]".utf8.contains($0) }
            base = "http://\(safe ? host : "localhost")\(FHIRController.basePath)"
        }
    }

    func fullUrl(_ resource: FHIRResource) -> String { "\(base)/\(resource.reference)" }

    /// One page of matches (already filtered and cut), `includes` added once each.
    /// - Parameters:
    ///   - total: the number of matches, when known; without it `more` says whether a next page exists.
    func searchset(
        _ matches: [FHIRResource], total: Int?, more: Bool = false, page: (offset: Int, count: Int), includes: [FHIRResource] = [], request: Request
    ) -> JSONValue {
        var links: [JSONValue] = [link("self", request, offset: page.offset)]
        if total.map({ page.offset + page.count < $0 }) ?? more { links.append(link("next", request, offset: page.offset + page.count)) }
        if page.offset > 0 { links.append(link("previous", request, offset: max(0, page.offset - page.count))) }
        let entries =
            matches.map { entry($0, mode: "match") }
            + includes.map { entry($0, mode: "include") }
        return FHIRJSON.object([
            ("resourceType", .string("Bundle")), ("type", .string("searchset")), ("total", FHIRJSON.integer(total)), ("link", .array(links)),
            ("entry", .array(entries)),
        ])
    }

    private func entry(_ resource: FHIRResource, mode: String) -> JSONValue {
        .object(["fullUrl": .string(fullUrl(resource)), "resource": resource.json, "search": .object(["mode": .string(mode)])])
    }

    private func link(_ relation: String, _ request: Request, offset: Int) -> JSONValue {
        let path = String(request.uri.path.dropFirst(FHIRController.basePath.count))
        var query = request.uri.queryParameters.filter { $0.key != "_offset" }.map { "\(Self.encode(String($0.key)))=\(Self.encode(String($0.value)))" }
        if offset > 0 { query.append("_offset=\(offset)") }
        let url = base + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return .object(["relation": .string(relation), "url": .string(url)])
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~:/"))) ?? text
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
