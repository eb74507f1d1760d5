import Clinical
public import Foundation
public import Postgres
public import Recovery
public import Rehabilitation

/// Patients' recovery projections: the inputs read under the caller's access, the fit, bands
/// and accepted sets computed by `RecoveryProjector`, cached per organisation and patient
/// with the exact inputs they came from — a new observation, an attended or newly booked
/// session or a new parameter file changes the inputs, and the next request refits.
public struct RecoveryProjections: Sendable {
    public let pool: PostgresPool
    public let projector: RecoveryProjector
    public let catalogue: RehabCatalogue

    public init(pool: PostgresPool, projector: RecoveryProjector, catalogue: RehabCatalogue) {
        self.pool = pool
        self.projector = projector
        self.catalogue = catalogue
    }

    /// A patient's report; nil when the patient is not visible, `Refusal.unknownOnset` when nothing
    /// records when the stroke began.
    public func report(_ patient: UUID, as context: AccessContext, now: Date = Date()) async throws -> RecoveryReport? {
        try await current(patient, as: context, now: now)?.report
    }

    /// The projection under a proposed schedule beside the current one; nil when the patient
    /// is not visible, `MissingRecoveryData` when there is nothing to fit yet.
    public func whatIf(_ patient: UUID, proposal: RecoveryProposal, as context: AccessContext, now: Date = Date()) async throws -> RecoveryWhatIfOutlook? {
        try proposal.check(horizon: projector.recovery.population.modelInputs.horizonDays)
        guard let current = try await current(patient, as: context, now: now) else { return nil }
        guard let outlook = current.report.outlook, let recoveryCase = current.recoveryCase else {
            throw Refusal.missingRecoveryData(current.report.missing.map(\.text))
        }
        var proposed = recoveryCase
        proposed.schedule = proposal.replacing(recoveryCase.schedule)
        let projector = projector
        let sets = current.sets
        let schedule = proposed.schedule
        return try await Self.offCooperativePool { try projector.whatIf(recoveryCase, outlook: outlook, sets: sets, proposal: schedule) }
    }

    /// Runs CPU-bound work (a projection: the fit, then the band's thousands of simulations)
    /// on a dispatch thread, so the cooperative threads keep serving requests meanwhile.
    static func offCooperativePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The report, the case it was fitted as and its accepted sets, from the cache when the
    /// inputs are unchanged.
    private func current(_ patient: UUID, as context: AccessContext, now: Date) async throws
        -> (report: RecoveryReport, recoveryCase: RecoveryCase?, sets: [RecoveryBand.Set])?
    {
        guard let organisation = context.organisations.first else { return nil }
        let recovery = projector.recovery
        let catalogue = catalogue
        guard
            let (inputs, cached) = try await pool.withAccess(
                context,
                { connection -> (PatientRecoveryInputs, (String, Data, [Double])?)? in
                    guard let inputs = try await PatientRecoveryInputs.load(patient, recovery: recovery, catalogue: catalogue, now: now, on: connection) else {
                        return nil
                    }
                    try await AuditLog.record(context.auditEvent(.read, patient: patient, resource: "RecoveryProjection"), on: connection)
                    let row = try await connection.query(
                        """
                        SELECT inputs, result::text, accepted_sets FROM recovery_projections WHERE organisation_id = \(organisation) AND patient_id = \(patient)
                        """, prepared: true
                    ).first
                    return (
                        inputs,
                        try row.map { (try $0.decode(String.self, at: 0), Data(try $0.decode(String.self, at: 1).utf8), try $0.decode([Double].self, at: 2)) }
                    )
                })
        else { return nil }
        let key = try Self.canonical(inputs)
        let classBasis = Self.classify(inputs, recovery: recovery)
        let recoveryCase = recoveryCase(inputs, recoveryClass: classBasis.recoveryClass)
        if let cached, cached.0 == key, var report = try? Self.decoder.decode(RecoveryReport.self, from: cached.1) {
            // The cache keeps the numbers; what the report says is said again, with its codes.
            report.recoveryClass = classBasis
            report.missing = Self.missing(inputs, recoveryCase: recoveryCase)
            report.warnings = warnings(inputs, outlook: report.outlook)
            report.cached = true
            return (report, recoveryCase, Self.sets(cached.2))
        }
        let projector = projector
        var projected: (outlook: RecoveryOutlook, sets: [RecoveryBand.Set])?
        if let recoveryCase { projected = try await Self.offCooperativePool { try projector.project(recoveryCase) } }
        let report = RecoveryReport(
            patientId: patient, pseudonym: inputs.pseudonym, onset: inputs.onset, horizonDays: inputs.horizonDays, recoveryClass: classBasis,
            observations: inputs.observations,
            therapy: inputs.therapy, unrecordedSessions: inputs.unrecordedSessions, outlook: projected?.outlook,
            missing: Self.missing(inputs, recoveryCase: recoveryCase),
            warnings: warnings(inputs, outlook: projected?.outlook), computedAt: now, cached: false)
        let sets = projected?.sets ?? []
        let flat = sets.flatMap { $0.z + [$0.cost] }
        let result = String(decoding: try Self.encoder.encode(report), as: UTF8.self)
        try await pool.withAccess(context) { connection in
            try await connection.query(
                """
                INSERT INTO recovery_projections (organisation_id, patient_id, inputs, result, accepted_sets, computed_at)
                VALUES (\(organisation), \(patient), \(key), \(result)::jsonb, \(flat), \(now))
                ON CONFLICT (organisation_id, patient_id) DO UPDATE
                SET inputs = EXCLUDED.inputs, result = EXCLUDED.result, accepted_sets = EXCLUDED.accepted_sets, computed_at = EXCLUDED.computed_at
                """, prepared: true)
            if let outlook = projected?.outlook, let lastDay = recoveryCase?.days.max() {
                try await Self.recordForecast(
                    outlook, lastObservedDay: lastDay, onset: inputs.onset.at, organisation: organisation, patient: patient,
                    now: now, on: connection)
            }
        }
        return (report, recoveryCase, sets)
    }

    /// Keeps the day-90 forecast of a projection just computed, for the region's calibration
    /// report (held against the day-90 assessment when it comes).
    private static func recordForecast(
        _ outlook: RecoveryOutlook, lastObservedDay: Double, onset: Date, organisation: UUID, patient: UUID, now: Date,
        on connection: PostgresConnection
    ) async throws {
        let fm = min(max(outlook.day90.fm, 0), 66)
        try await connection.query(
            """
            INSERT INTO recovery_forecasts (organisation_id, patient_id, made_at, onset_at, last_observed_day, fm_day_90, lower_day_90, upper_day_90,
                                            model, parameter_version)
            VALUES (\(organisation), \(patient), \(now), \(onset), \(max(lastObservedDay, 0)), \(fm),
                    \(min(outlook.day90.lower, fm)), \(max(outlook.day90.upper, fm)), \(outlook.model), \(outlook.parameterVersion))
            """, prepared: true)
    }

    /// The model's case: FM-UE from onset to the horizon, the therapy, the acute course.
    private func recoveryCase(_ inputs: PatientRecoveryInputs, recoveryClass: RecoveryClass) -> RecoveryCase? {
        let fitted = inputs.fitted
        guard !fitted.isEmpty else { return nil }
        return RecoveryCase(
            days: fitted.compactMap(\.day), scores: fitted.map { Double($0.value) }, schedule: inputs.schedule,
            reperfusionDays: inputs.onset.reperfusionDays, nihss0: inputs.onset.nihssAtArrival.map(Double.init),
            recoveryClass: recoveryClass)
    }

    /// PREP2 from the observations, in the windows of Protocols/recovery `prep2`: the SAFE
    /// nearest the assessment day (day 3) up to the latest day, MEP status on days 3–7, age from
    /// the birth year, the latest NIHSS up to about day 3 or else the one at arrival. Without a
    /// category, an MEP status alone picks the class; without either, the default priors apply
    /// — and the report says which, and how each input was taken where it matters.
    static func classify(_ inputs: PatientRecoveryInputs, recovery: RecoveryProtocol) -> RecoveryReport.ClassBasis {
        let rules = recovery.population.prep2
        func within(_ instrument: Instrument, _ days: ClosedRange<Double>) -> [(observation: RecoveryObservation, day: Double)] {
            inputs.observations.compactMap { o in o.day.flatMap { o.instrument == instrument && days.contains($0) ? (o, $0) : nil } }
        }
        let assessment = Double(rules.safeAssessmentDay)
        // Nearest the assessment day; of two as near, the later.
        let safe = within(.safe, 0...Double(rules.safeLatestDay))
            .min { (abs($0.day - assessment), -$0.day) < (abs($1.day - assessment), -$1.day) }
        let mepWindow = Double(rules.mepDays[0])...Double(rules.mepDays[1])  // two days, checked when the file is read
        let mep = within(.mep, mepWindow).last.map { $0.observation.value == 1 }
        let recordedNihss = within(.nihss, 0...Double(rules.nihssLatestDay)).last?.observation.value
        let nihss = recordedNihss ?? inputs.onset.nihssAtArrival
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: inputs.onset.timeZone) ?? .gmt
        // Only the birth year is stored: the age at onset is this or one less.
        let age = inputs.birthYear.map { calendar.component(.year, from: inputs.onset.at) - $0 }
        let result = rules.classify(safe: safe?.observation.value, age: age, mep: mep, nihss: nihss)
        let missing: [Notice] = if case .missing(let list) = result { list } else { [] }
        let category: Prep2Category? = if case .category(let found) = result { found } else { nil }
        var notes: [Notice] = []
        if let safe, safe.day < Double(rules.safeEarlyBeforeDay) {
            notes.append(
                Notice(RecoveryNotice.safeFromDay, ["day": String(format: "%.1f", safe.day), "assessment": "\(rules.safeAssessmentDay)"]))
        }
        if recordedNihss == nil, let arrival = inputs.onset.nihssAtArrival, category == .limited || category == .poor {
            notes.append(Notice(RecoveryNotice.nihssAtArrival, ["nihss": "\(arrival)", "day": "\(rules.nihssLatestDay)"]))
        }
        if let age, let safe, safe.observation.value >= rules.safeThreshold,
            rules.classify(safe: safe.observation.value, age: age - 1, mep: mep, nihss: nihss) != result
        {
            notes.append(Notice(RecoveryNotice.ageApproximate, ["younger": "\(age - 1)", "age": "\(age)", "split": "\(rules.ageThreshold)"]))
        }
        let recoveryClass = rules.recoveryClass(result, mep: mep) ?? .standard
        if recoveryClass == .standard, let contested = recovery.priors.priors.rS.default.contested {
            notes.append(Notice(RecoveryNotice.contestedPrior, ["note": contested.note]))
        }
        let chosenBy =
            category.map { Notice(RecoveryNotice.basisPrep2, ["category": $0.rawValue]) }
            ?? mep.map { Notice($0 ? RecoveryNotice.basisMepPresent : .basisMepAbsent) } ?? Notice(RecoveryNotice.basisDefault)
        return .init(
            recoveryClass: recoveryClass, prep2: category, prep2Missing: missing, chosenBy: chosenBy,
            basis: ([chosenBy] + notes).map(\.text).joined(separator: "; "), notes: notes)
    }

    /// What a projection still needs: an FM-UE observation to fit.
    static func missing(_ inputs: PatientRecoveryInputs, recoveryCase: RecoveryCase?) -> [Notice] {
        recoveryCase == nil ? [Notice(RecoveryNotice.noFMUE, ["horizon": "\(inputs.horizonDays)"])] : []
    }

    /// PREP2's SAFE taken only before the early day (day 2): PREP2 assesses it about day 3.
    static func prep2Warnings(_ inputs: PatientRecoveryInputs, recovery: RecoveryProtocol) -> [Notice] {
        let rules = recovery.population.prep2
        let safes = inputs.observations.filter { $0.instrument == .safe && ($0.day.map { (0...Double(rules.safeLatestDay)).contains($0) } ?? false) }
        guard !safes.isEmpty, safes.allSatisfy({ ($0.day ?? 0) < Double(rules.safeEarlyBeforeDay) }) else { return [] }
        return [Notice(RecoveryNotice.safeOnlyEarly, ["early": "\(rules.safeEarlyBeforeDay)", "assessment": "\(rules.safeAssessmentDay)"])]
    }

    /// What a reader must know: the χ² test failing, observations left out, sessions not counted,
    /// speculative parameters.
    private func warnings(_ inputs: PatientRecoveryInputs, outlook: RecoveryOutlook?) -> [Notice] {
        var warnings = Self.prep2Warnings(inputs, recovery: projector.recovery)
        if let outlook, !outlook.band.converged {
            warnings.append(Notice(RecoveryNotice.bandNotConverged, ["sets": "\(outlook.band.sampledSets)"]))
        }
        if let outlook, !outlook.estimates.passes {
            warnings.append(
                Notice(
                    RecoveryNotice.fitFails,
                    ["cost": String(format: "%.1f", outlook.estimates.dataCost), "threshold": String(format: "%.1f", outlook.estimates.threshold)]))
        }
        let outside = inputs.observations.filter { $0.instrument == .fmUE }.count - inputs.fitted.count
        if outside > 0 { warnings.append(Notice(RecoveryNotice.outsideHorizon, ["count": "\(outside)", "horizon": "\(inputs.horizonDays)"])) }
        if inputs.unrecordedSessions > 0 {
            warnings.append(Notice(RecoveryNotice.unrecordedSessions, ["count": "\(inputs.unrecordedSessions)"]))
        }
        for speculative in outlook?.speculative ?? [] {
            warnings.append(
                Notice(RecoveryNotice.speculative, ["parameter": speculative.parameter, "justification": speculative.justification]))
        }
        return warnings
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func canonical(_ inputs: PatientRecoveryInputs) throws -> String {
        String(decoding: try encoder.encode(inputs), as: UTF8.self)
    }

    static func sets(_ flat: [Double]) -> [RecoveryBand.Set] {
        stride(from: 0, to: flat.count - 4, by: 5).map { RecoveryBand.Set(z: Array(flat[$0..<($0 + 4)]), cost: flat[$0 + 4]) }
    }
}
