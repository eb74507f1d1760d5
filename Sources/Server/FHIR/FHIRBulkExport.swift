import Clinical
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// FHIR Bulk Data Access (`$export`, system level) for planners and admins of a region: the
/// kick-off queues an export of the organisations the caller acts for and all below them, with
/// its legal basis (`purpose`); its status is polled at the `Content-Location` given (202 with
/// `X-Progress` while it runs, then the manifest); each file is downloaded with the same token.
struct FHIRBulkExport: Sendable {
    let exports: BulkExports
    let bundle: FHIRBundle

    /// The kick-off's parameters; any other is refused (Bulk Data: a server that does not
    /// support a parameter says so rather than export more than was asked).
    static let parameters = ["_type", "_outputFormat", "purpose"]
    static let outputFormats: Set<String> = ["application/fhir+ndjson", "application/ndjson", "ndjson"]
    static let ndjson = "application/fhir+ndjson"

    func add(to routes: RouteCollection<AppRequestContext>) {
        routes.get("/$export", use: kickOff)
        routes.get("/$export-status/:job", use: status)
        routes.get("/$export-file/:job/:file", use: file)
    }

    /// `GET /$export`: 202 Accepted with where to poll.
    @Sendable func kickOff(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        if let unknown = query.map({ String($0.key) }).sorted().first(where: { !Self.parameters.contains($0) }) {
            throw Refusal.invalidParameter(unknown, "is not supported by this export (it takes \(Self.parameters.joined(separator: ", ")))")
        }
        guard let prefer = HTTPField.Name("Prefer"), request.headers[values: prefer].contains(where: { $0.lowercased().contains("respond-async") })
        else {
            throw Refusal.invalidParameter("Prefer", "must be respond-async: an export runs in the background (FHIR Bulk Data)")
        }
        // Read as the router decodes it, not as a form: `application/fhir+ndjson` is often sent with its `+` unencoded.
        if let format = query["_outputFormat"].map(String.init), !Self.outputFormats.contains(format) {
            throw Refusal.invalidParameter("_outputFormat", "must be application/fhir+ndjson")
        }
        let form = request.uri.query ?? ""
        guard let purpose = Self.formValues("purpose", in: form).first.flatMap(ExportRequest.legalBasis) else {
            throw Refusal.invalidParameter("purpose", "must state the export's legal basis (3 to 500 characters, one line)")
        }
        let asked = Self.formValues("_type", in: form)
        let types = try Self.types(asked.isEmpty ? nil : asked.joined(separator: ","), offered: exports.format.types)
        let access = try context.accessContext()
        let job = try await exports.queue(
            ExportRequest(types: types, purpose: purpose, organisations: access.organisations, request: bundle.origin + request.uri.description),
            as: access)
        return Response(
            status: .accepted,
            headers: [.contentLocation: "\(bundle.base)/$export-status/\(job.id.fhirID)", .cacheControl: "no-store"])
    }

    /// The values of `name` in a query as a form encodes it, read from the raw query: `+` is a
    /// space and `%2B` a plus sign (the router has already decoded `%2B` when it reads the query).
    /// A value that does not decode is left out.
    static func formValues(_ name: String, in query: String) -> [String] {
        query.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.first == Substring(name) else { return nil }
            return String(parts.count > 1 ? parts[1] : "").replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
    }

    /// The types asked for (all when none), each one offered, in the order offered.
    static func types(_ asked: String?, offered: [String]) throws -> [String] {
        guard let asked else { return offered }
        let names = asked.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        if let unknown = names.first(where: { !offered.contains($0) }) {
            throw Refusal.invalidParameter(
                "_type", "\(unknown.isEmpty ? "an empty name" : unknown) is not exported; the types are \(offered.joined(separator: ", "))")
        }
        return offered.filter(names.contains)
    }

    /// `GET /$export-status/{job}`: 202 while it runs, the manifest when done, an
    /// OperationOutcome when it failed; 404 for a job the caller may not see.
    @Sendable func status(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = UUID(uuidString: context.parameters.get("job") ?? ""),
            let job = try await exports.job(id, as: try context.accessContext())
        else { throw Refusal.notFound("No export with that id is yours to see.") }
        switch job.status {
        case .queued, .running:
            let progress = exports.progress(of: id).map { done, total in
                "\(done) of \(total) patients (\(total > 0 ? done * 100 / total : 100) %)"
            }
            var response = Response(status: .accepted, headers: [.retryAfter: "2", .cacheControl: "no-store"])
            if let name = HTTPField.Name("X-Progress") { response.headers[name] = progress ?? "queued" }
            return response
        case .failed:
            let outcome = FHIROperationOutcome.outcome(
                severity: "error", code: "exception", diagnostics: "The export failed: \(job.error ?? "no reason kept").")
            return Response(
                status: .internalServerError, headers: [.contentType: FHIRController.contentType, .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: FHIRJSON.bytes(outcome))))
        case .done:
            guard let result = job.result else { throw Refusal.notFound("No export with that id is yours to see.") }
            var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
            if let started = job.startedAt { headers[.expires] = Self.expiry(started) }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: FHIRJSON.bytes(manifest(result, job: id)))))
        }
    }

    /// The Bulk Data manifest: each file with its type, address and count.
    func manifest(_ result: ExportResult, job: UUID) -> JSONValue {
        .object([
            "transactionTime": .string(FHIRJSON.format(result.transactionTime)),
            "request": .string(result.request),
            "requiresAccessToken": .bool(true),
            "output": .array(
                result.files.filter { $0.count > 0 }.map { file in
                    .object([
                        "type": .string(file.type), "url": .string("\(bundle.base)/$export-file/\(job.fhirID)/\(file.name)"),
                        "count": .number(Double(file.count)),
                    ])
                }),
            "error": .array([]),
            "extension": .object([
                "https://strokepath.se/fhir/bulk/source": .string(result.source),
                "https://strokepath.se/fhir/bulk/purpose": .string(result.purpose),
            ]),
        ])
    }

    /// When the files are removed, as HTTP's `Expires` (they are kept `BulkExports.retention`
    /// from when they were first written).
    static func expiry(_ started: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: started.addingTimeInterval(BulkExports.retention))
    }

    /// `GET /$export-file/{job}/{Type}.ndjson`: one file of a finished export the caller may see.
    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let id = UUID(uuidString: context.parameters.get("job") ?? ""),
            let url = try await exports.file(id, name: context.parameters.get("file") ?? "", as: try context.accessContext())
        else { throw Refusal.notFound("No export file with that name is yours to see.") }
        let body = try await FileIO().loadFile(path: url.path, context: context)
        return Response(status: .ok, headers: [.contentType: Self.ndjson, .cacheControl: "no-store"], body: body)
    }
}
