import Foundation
import Hummingbird

/// The fixed documents: the API contract, the FHIR façade's description for fuzzing, the
/// stylesheet and the acute page's clock script.
struct DocumentRoutes: Sendable {
    let openAPI: Data
    let fhirOpenAPI: Data
    let stylesheet: Data
    let clockScript: Data

    init() throws {
        openAPI = try ServerResources.contents(of: "openapi.yaml")
        fhirOpenAPI = try ServerResources.contents(of: "fhir-openapi.yaml")
        stylesheet = try ServerResources.contents(of: "static/app.css")
        clockScript = try ServerResources.contents(of: "static/acute.js")
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Self.document(openAPI, type: "application/yaml", cache: "no-cache")
        }
        router.get("/fhir/R4/openapi.yaml") { _, _ in
            Self.document(fhirOpenAPI, type: "application/yaml", cache: "no-cache")
        }
        router.get("/static/app.css") { _, _ in
            Self.document(stylesheet, type: "text/css; charset=utf-8", cache: "public, max-age=3600")
        }
        router.get("/static/acute.js") { _, _ in
            Self.document(clockScript, type: "text/javascript; charset=utf-8", cache: "public, max-age=3600")
        }
    }

    /// A document answered whole, with its type and caching.
    static func document(_ data: some Sequence<UInt8>, type: String, cache: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
