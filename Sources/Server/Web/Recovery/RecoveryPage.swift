import Clinical
import Foundation
import Hummingbird
import Recovery
import Storage

/// A patient's recovery chart (`/patients/{id}/recovery`): FM-UE observations as points, the
/// fitted curve with its 95 % band, day 90's range, therapy per day as bars under the time
/// axis, and a what-if form that redraws the projection for another dose; the estimates, the
/// class, the warnings and the versions beside it, and a form to record an assessment. For
/// signed-in clinicians, coordinators and therapists.
struct RecoveryPage: Sendable {
    let pages: PageRenderer
    let projections: RecoveryProjections
    let records: RecoveryRecords
    let statements: ProtocolStatements

    /// The what-if form's values: minutes a day per input from one day to another.
    struct Proposal {
        var from: Int, to: Int
        var minutes: [String: Double]

        init?(_ request: Request, horizon: Int) throws {
            guard request.uri.queryParameters.get("whatif") != nil else { return nil }
            func number(_ name: String, _ range: ClosedRange<Int>) throws -> Int {
                let text = request.uri.queryParameters.get(name) ?? "0"
                guard let value = Int(text.isEmpty ? "0" : text), range.contains(value) else {
                    throw Problem(
                        .unprocessableContent, "invalid-parameter", detail: "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound).")
                }
                return value
            }
            from = try number("from", 0...(horizon - 1))
            to = try number("to", (from + 1)...horizon)
            minutes = try Dictionary(uniqueKeysWithValues: TherapyElsewhere.modelInputs.map { ($0, Double(try number($0, 0...480))) })
        }

        var segment: DoseSegment {
            DoseSegment(
                start: Double(from), end: Double(to), pt: minutes["PT"] ?? 0, ot: minutes["OT"] ?? 0, slp: minutes["SLP"] ?? 0, bal: minutes["BAL"] ?? 0)
        }
    }

    struct View {
        struct Row { var label: String, value: String }
        /// A field of the what-if form: its name, what it is called, its value.
        struct Field { var name: String, label: String, value: String }
        struct Observation { var when: String, day: String, instrument: String, value: Int, rater: String }

        var action: String
        var csrf: String
        var chart: String
        var classBasis: String
        var estimates: [Row]
        var fitted: Bool
        var testPasses: Bool
        var test: String
        var day90: String?
        var whatIf: String?
        var proposal: [Field]
        /// The sentences of the page with values, in its language.
        var heading: String
        var onsetText: String
        var warnings: [String]
        var missing: [String]
        var observations: [Observation]
        var instruments: [String]
        var versions: String
        var notice: String?
        var error: String?
    }

    func register(on signedIn: RouterGroup<SignedInContext>) {
        signedIn.get("/patients/:id/recovery") { request, context in
            try await page(request, context, patient: try QueryParameter.patientID(context), notice: nil)
        }
        signedIn.post("/patients/:id/recovery") { request, context in
            let access = context.access
            let patient = try QueryParameter.patientID(context)
            let form = try await context.form(request)
            // The form's local time is the onset's zone: read it alone, not the whole projection.
            let onset = try await records.onset(patient, as: access)
            let zone = TimeZone(identifier: onset.timeZone) ?? .gmt
            do {
                let observation = try Self.observation(form, patient: patient, zone: zone)
                _ = try await records.record(observation, as: access)
                return try await page(
                    request, context, patient: patient,
                    notice: pages.texts(request).format("recovery_recorded", ["instrument": observation.instrument.rawValue, "value": "\(observation.value)"]))
            } catch {
                guard let problem = Problem.from(error), problem.status == .unprocessableContent else { throw error }
                return try await page(request, context, patient: patient, notice: nil, error: problem.detail, status: problem.status)
            }
        }
    }

    /// An observation from the form: instrument, value, local date and time, rater.
    static func observation(_ form: [String: String], patient: UUID, zone: TimeZone) throws -> RecoveryObservation {
        guard let instrument = Instrument(rawValue: form["instrument"] ?? "") else {
            throw Problem(.unprocessableContent, "invalid-body", detail: "Choose an instrument.")
        }
        guard let value = Int(form["value"] ?? "") else { throw Problem(.unprocessableContent, "invalid-body", detail: "The score must be a whole number.") }
        let parser = DateFormatter()
        parser.locale = Locale(identifier: "en_US_POSIX")
        parser.timeZone = zone
        parser.dateFormat = "yyyy-MM-dd'T'HH:mm"
        guard let when = parser.date(from: form["observedAt"] ?? "") else {
            throw Problem(.unprocessableContent, "invalid-body", detail: "When must be a date and time (YYYY-MM-DDTHH:MM).")
        }
        return RecoveryObservation(patientId: patient, instrument: instrument, observedAt: when, value: value, rater: form["rater"] ?? "")
    }

    private func page(
        _ request: Request, _ context: SignedInContext, patient: UUID, notice: String?, error: String? = nil,
        status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard let report = try await projections.report(patient, as: context.access) else {
            throw Refusal.unknownPatientRecord
        }
        let proposal = try Proposal(request, horizon: report.horizonDays)
        var whatIf: RecoveryWhatIfOutlook?
        if let proposal {
            whatIf = try await projections.whatIf(patient, proposal: RecoveryProposal(segments: [proposal.segment]), as: context.access)
        }
        let zone = TimeZone(identifier: report.onset.timeZone) ?? .gmt
        let texts = pages.texts(request)
        let view = View(
            action: "/patients/\(patient.uuidString.lowercased())/recovery", csrf: WebSession.csrfToken(request),
            chart: RecoveryChart.svg(
                report, whatIf: whatIf, texts: texts,
                proposal: proposal.map { (minutes: $0.minutes.values.reduce(0, +), from: $0.from, to: min($0.to, report.horizonDays)) }),
            classBasis: ([report.recoveryClass.chosenBy] + report.recoveryClass.notes).map { statements.recoveryNotice($0, texts) }
                .joined(separator: "; ")
                + (report.recoveryClass.prep2Missing.isEmpty
                    ? ""
                    : "; " + texts.format("recovery_prep2_needs", ["inputs": report.recoveryClass.prep2Missing.map(texts.notice).joined(separator: ", ")])),
            estimates: report.outlook.map { Self.rows($0.estimates, texts) } ?? [], fitted: report.outlook != nil,
            testPasses: report.outlook?.estimates.passes ?? false,
            test: report.outlook.map {
                texts.format(
                    "recovery_test",
                    [
                        "cost": texts.number($0.estimates.dataCost, digits: 2), "n": "\($0.estimates.observations)",
                        "threshold": texts.number($0.estimates.threshold, digits: 2),
                    ])
            } ?? "",
            day90: report.outlook.map {
                texts.format(
                    "recovery_day90",
                    [
                        "fm": texts.number($0.day90.fm, digits: 1), "lower": texts.number($0.day90.lower, digits: 1),
                        "upper": texts.number($0.day90.upper, digits: 1),
                    ])
            },
            // The range covers the accepted parameter sets, which never vary a speculative parameter
            // (k_B): a difference that rests on one is never called certain.
            whatIf: whatIf.map {
                texts.format(
                    "recovery_whatif",
                    [
                        "day90": Self.signed($0.differenceDay90, texts), "lower": Self.signed($0.differenceDay90Lower, texts),
                        "upper": Self.signed($0.differenceDay90Upper, texts), "horizon": Self.signed($0.differenceAtHorizon, texts),
                        "day": "\($0.horizonDays)",
                    ]) + " "
                    + texts[
                        $0.differenceDay90Lower <= 0 && $0.differenceDay90Upper >= 0 || !$0.speculative.isEmpty
                            ? "recovery_whatif_uncertain" : "recovery_whatif_sure"]
            },
            proposal: TherapyElsewhere.modelInputs.map { input in
                View.Field(name: input, label: texts["recovery_minutes_\(input)"], value: proposal.map { String(Int($0.minutes[input] ?? 0)) } ?? "")
            }
                + [
                    View.Field(name: "from", label: texts["recovery_from_day"], value: proposal.map { String($0.from) } ?? ""),
                    View.Field(name: "to", label: texts["recovery_to_day"], value: proposal.map { String($0.to) } ?? ""),
                ],
            heading: texts.format("recovery_heading", ["patient": report.pseudonym]),
            onsetText: texts.format("recovery_onset", ["onset": "\(Self.format(report.onset.at, zone)) (\(report.onset.source))"]),
            warnings: report.warnings.map { statements.recoveryNotice($0, texts) }
                + (whatIf?.speculative.map { texts.format("recovery_whatif_speculative", ["parameter": $0.parameter]) } ?? []),
            missing: report.missing.map(texts.notice),
            observations: report.observations.reversed().map { observation in
                View.Observation(
                    when: Self.format(observation.observedAt, zone), day: observation.day.map { String(format: "%.1f", $0) } ?? "–",
                    instrument: observation.instrument.rawValue, value: observation.value, rater: observation.rater)
            },
            instruments: Instrument.allCases.map(\.rawValue),
            versions:
                "\(report.outlook?.model ?? RecoveryModel.version), parameters \(report.outlook?.parameterVersion ?? projections.projector.recovery.version)"
                + (report.cached ? ", computed \(Self.format(report.computedAt, zone))" : ""),
            notice: notice, error: error)
        return try pages.page("recovery", view, request: request, identity: context.identity, csrf: view.csrf, status: status)
    }

    private static func rows(_ estimates: RecoveryOutlook.Estimates, _ texts: TextCatalogue.Texts) -> [View.Row] {
        [
            View.Row(label: texts["recovery_fm0"], value: texts.number(estimates.fm0, digits: 1)),
            View.Row(label: texts["recovery_rs"], value: texts.number(estimates.rS, digits: 2)),
            View.Row(label: texts["recovery_tau"], value: texts.format("recovery_days", ["n": texts.number(estimates.tauN, digits: 0)])),
            View.Row(label: texts["recovery_eta"], value: texts.format("recovery_per_day", ["n": texts.number(estimates.eta, digits: 3)])),
            View.Row(label: texts["recovery_class"], value: texts[estimates.recoveryClass == .poor ? "recovery_class_poor" : "recovery_class_default"]),
            View.Row(label: texts["recovery_start"], value: estimates.start),
        ]
    }

    /// A difference with its sign, in the page's language (+4,8).
    private static func signed(_ value: Double, _ texts: TextCatalogue.Texts) -> String {
        (value >= 0 ? "+" : "−") + texts.number(abs(value), digits: 1)
    }

    private static func format(_ date: Date, _ zone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_GB")
        formatter.timeZone = zone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
