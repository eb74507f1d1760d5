import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Tracing

/// The outermost middleware. Gives each request an id (a well-formed `X-Request-Id` from
/// the caller is kept), takes the client's address from a trusted proxy's `X-Forwarded-For`, refuses bodies over the limit and control characters in query
/// parameters, answers 405 for a path the API serves with other methods, turns every error into `application/problem+json`, or a page for a browser's page (unknown errors
/// become a logged 500 without internals), adds security headers, logs one line per request
/// with the route template (never the raw path, which may hold identifiers), feeds the
/// status page's statistics and the request metrics, and traces the request: one server span,
/// joined to the caller's trace (`traceparent`), named and labelled by the route template,
/// never the path or the query.
struct RequestObservationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let statistics: RequestStatistics
    let metrics: ServiceMetrics
    /// The process's tracer: a no-op unless one is bootstrapped (the OpenTelemetry trait's `serve`).
    let tracer: any Tracer
    let maxBodyBytes: Int
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    let trustedProxies: Set<String>
    /// The content security policy: forms lead to this service and, when staff sign in there
    /// (and out), to the identity provider's origin.
    let contentSecurityPolicy: String
    /// Problems shown as pages to browsers asking for a page (none: problem+json for all).
    let errorPage: ErrorPage?

    init(
        statistics: RequestStatistics, metrics: ServiceMetrics, tracer: any Tracer = InstrumentationSystem.tracer, maxBodyBytes: Int,
        trustedProxies: Set<String>, formOrigins: [String] = [], errorPage: ErrorPage? = nil
    ) {
        self.errorPage = errorPage
        self.statistics = statistics
        self.metrics = metrics
        self.tracer = tracer
        self.maxBodyBytes = maxBodyBytes
        self.trustedProxies = trustedProxies
        let formAction = (["'self'"] + formOrigins).joined(separator: " ")
        contentSecurityPolicy =
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action \(formAction); frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestID = Self.requestID(from: request)
        context.maxUploadSize = maxBodyBytes
        if let peer = context.clientAddress, trustedProxies.contains(peer), let client = Self.forwardedClient(request, trusting: trustedProxies) {
            context.clientAddress = client
        }
        // One request id: the framework's key holds the service's (the X-Request-Id answered), and
        // the JSON log leaves the framework's key out.
        context.logger[metadataKey: JSONLogHandler.frameworkRequestID] = .string(context.requestID)
        context.logger[metadataKey: "request_id"] = .string(context.requestID)

        var trace = InstrumentationContext.current ?? .topLevel
        tracer.extract(request.headers, into: &trace, using: HeaderExtractor())
        let span = tracer.startSpan("\(request.method.rawValue)", context: trace, ofKind: .server)
        defer { span.end() }

        var response: Response
        do {
            response = try await InstrumentationContext.$current.withValue(span.context) {
                try await respond(request, context: context, next: next)
            }
        } catch is SignInRequired {
            response = SignInRequired.response(to: request)
        } catch {
            var problem = Problem.from(error) ?? Problem(.internalServerError, "internal-error", detail: "The server could not complete the request.")
            if problem.status == .internalServerError {
                context.logger.error("request failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            problem.requestID = context.requestID
            if FHIRController.serves(request.uri.path) {
                response = FHIROperationOutcome.response(problem)
            } else if let errorPage, ErrorPage.wanted(by: request) {
                response = try errorPage.response(problem, request: request)
            } else {
                response = try problem.response(from: request, context: context)
            }
        }
        response.headers[.requestID] = context.requestID
        addSecurityHeaders(to: &response.headers)

        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        statistics.record(status: response.status.code, duration: elapsed)
        metrics.request(method: request.method.rawValue, route: route, status: response.status.code, duration: elapsed)
        span.operationName = "\(request.method.rawValue) \(route)"
        span.attributes["http.request.method"] = request.method.rawValue
        span.attributes["http.route"] = route
        span.attributes["http.response.status_code"] = response.status.code
        span.attributes["strokepath.request_id"] = context.requestID
        if response.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(route),
                "status": .stringConvertible(response.status.code),
                "ms": .string(String(format: "%.2f", elapsed.milliseconds)),
            ])
        return response
    }

    private func respond(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw Problem(.contentTooLarge, "body-too-large", detail: "The request body is larger than \(maxBodyBytes) bytes.")
        }
        try QueryParameter.checkText(request)
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            // No route matched: a path the API serves with other methods is a 405 naming them.
            let allowed = AccessPolicy.methods(at: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else { throw error }
            var problem = Problem(.methodNotAllowed, "method-not-allowed", detail: "This path takes \(allowed.joined(separator: ", ")).")
            problem.headers[.allow] = allowed.joined(separator: ", ")
            throw problem
        }
    }

    /// The caller's `X-Request-Id` when it is 1–64 of `[A-Za-z0-9-]` and holds a letter (an id of
    /// digits and dashes could be a personal identity number, 19121212-1212, or a phone
    /// number, and would land in logs and audit rows); a generated one otherwise.
    static func requestID(from request: Request) -> String {
        if let given = request.headers[.requestID], (1...64).contains(given.utf8.count),
            given.utf8.allSatisfy({ isASCIIAlphanumeric($0) || $0 == UInt8(ascii: "-") }),
            given.utf8.contains(where: isASCIILetter)
        {
            return given
        }
        return RequestID().description
    }

    /// The client in `X-Forwarded-For`: the last address not of a trusted proxy (each proxy
    /// appends the address it was reached from), if it looks like an address.
    static func forwardedClient(_ request: Request, trusting proxies: Set<String>) -> String? {
        let header = request.headers[values: .xForwardedFor].joined(separator: ",")
        let addresses = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let address = addresses.reversed().first(where: { !proxies.contains($0) }) else { return nil }
        let allowed = Set("0123456789abcdefABCDEF:.")
        return (2...45).contains(address.count) && address.allSatisfy(allowed.contains) ? address : nil
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (65...90).contains(byte) || (97...122).contains(byte)
    }

    private static func isASCIIAlphanumeric(_ byte: UInt8) -> Bool {
        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte)
    }

    /// The service's own scripts only, no framing, no sniffing, no referrer: pages are server-rendered.
    private func addSecurityHeaders(to headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[.referrerPolicy] = "no-referrer"
        headers[.xFrameOptions] = "DENY"
    }
}

/// Reads a trace's propagation headers (`traceparent`, `tracestate`) from a request.
private struct HeaderExtractor: Extractor {
    func extract(key name: String, from headers: HTTPFields) -> String? {
        HTTPField.Name(name).flatMap { headers[$0] }
    }
}

extension Duration {
    /// The duration in milliseconds.
    var milliseconds: Double {
        Double(components.seconds) * 1_000 + Double(components.attoseconds) / 1e15
    }
}

extension HTTPField.Name {
    // Literal, valid header names: the failable initialiser cannot fail for them.
    static let requestID = Self("X-Request-Id")!
    static let contentSecurityPolicy = Self("Content-Security-Policy")!
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
