import Foundation
import Hummingbird
import Prometheus

/// The fixed documents: the API contract, the stylesheet, the acute page's clock script,
/// and Prometheus metrics.
struct DocumentRoutes: Sendable {
    let metrics: PrometheusCollectorRegistry
    let openAPI: Data
    let stylesheet: Data
    let clockScript: Data

    init(metrics: PrometheusCollectorRegistry) throws {
        self.metrics = metrics
        openAPI = try ServerResources.contents(of: "openapi.yaml")
        stylesheet = try ServerResources.contents(of: "static/app.css")
        clockScript = try ServerResources.contents(of: "static/acute.js")
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Self.document(openAPI, type: "application/yaml", cache: "no-cache")
        }
        router.get("/static/app.css") { _, _ in
            Self.document(stylesheet, type: "text/css; charset=utf-8", cache: "public, max-age=3600")
        }
        router.get("/static/acute.js") { _, _ in
            Self.document(clockScript, type: "text/javascript; charset=utf-8", cache: "public, max-age=3600")
        }
        router.get("/metrics") { _, _ in
            Self.document(Data(metrics.emitToBuffer()), type: "text/plain; version=0.0.4; charset=utf-8", cache: "no-store")
        }
    }

    private static func document(_ data: Data, type: String, cache: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: type, .cacheControl: cache],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
