import Clinical
import Foundation
import Postgres
public import Recovery
import Rehabilitation

/// Minutes a day of each model input.
public struct TherapyMinutes: Sendable, Codable, Equatable {
    public var pt = 0, ot = 0, slp = 0, bal = 0

    enum CodingKeys: String, CodingKey {
        case pt = "PT"
        case ot = "OT"
        case slp = "SLP"
        case bal = "BAL"
    }

    var isZero: Bool { pt == 0 && ot == 0 && slp == 0 && bal == 0 }

    mutating func add(_ input: String, _ minutes: Int) {
        switch input {
        case "PT": pt += minutes
        case "OT": ot += minutes
        case "SLP": slp += minutes
        case "BAL": bal += minutes
        default: break
        }
    }
}

/// One day of therapy since onset: what was given (attended sessions and therapy entered
/// from elsewhere) and what is booked ahead.
public struct TherapyDay: Sendable, Codable, Equatable {
    public var day: Int
    public var delivered: TherapyMinutes
    public var planned: TherapyMinutes
}

/// Everything a patient's projection is computed from, read under the caller's access. Two
/// equal inputs give the same projection: the cache compares them whole.
public struct PatientRecoveryInputs: Sendable, Codable, Equatable {
    public var pseudonym: String
    public var onset: RecoveryOnset
    public var birthYear: Int?
    public var observations: [RecoveryObservation]
    public var therapy: [TherapyDay]
    /// Past sessions with no attendance recorded: not counted, named instead.
    public var unrecordedSessions: Int
    /// The model's horizon in days since onset (Protocols/recovery).
    public var horizonDays: Int
    public var model: String
    public var parameterVersion: String
    public var catalogueVersion: String

    /// Reads a patient's inputs; nil when the patient is not visible, `Refusal.unknownOnset` when
    /// nothing records the stroke's onset.
    static func load(
        _ patient: UUID, recovery: RecoveryProtocol, catalogue: RehabCatalogue, now: Date,
        on connection: PostgresConnection
    ) async throws -> PatientRecoveryInputs? {
        guard let person = try await connection.query("SELECT birth_year, pseudonym FROM patients WHERE id = \(patient)", prepared: true).first else {
            return nil
        }
        let inputs = recovery.population.modelInputs
        guard let onset = try await RecoveryOnset.load(patient, reperfusedGrades: inputs.reperfusedMtici, on: connection) else { throw Refusal.unknownOnset }
        let observations = try await RecoveryObservation.load(patient, onset: onset, on: connection)
        let horizon = inputs.horizonDays
        var days = Array(repeating: TherapyDay(day: 0, delivered: .init(), planned: .init()), count: horizon)
        for index in days.indices { days[index].day = index }
        var unrecorded = 0
        let disciplines = Dictionary(catalogue.modalities.map { ($0.id, $0.discipline) }, uniquingKeysWith: { first, _ in first })
        for row in try await connection.query(
            """
            SELECT s.modality, lower(s.during), upper(s.during), p.attendance, p.minutes_delivered
            FROM rehab_participants p JOIN rehab_sessions s ON s.id = p.session_id
            WHERE p.patient_id = \(patient) AND p.cancelled_at IS NULL AND NOT s.cancelled
              AND s.during && tstzrange(\(onset.at), \(onset.at.addingTimeInterval(Double(horizon) * 86_400)))
            """, prepared: true)
        {
            let (modality, start, end, attendance, minutes) = try row.decode((String, Date, Date, String?, Int?).self)
            let day = Int(onset.days(to: start).rounded(.down))
            guard days.indices.contains(day), let input = disciplines[modality].flatMap({ inputs.byDiscipline[$0] }) else { continue }
            switch attendance {
            case "attended": days[day].delivered.add(input, minutes ?? 0)
            case nil where start > now: days[day].planned.add(input, Int(end.timeIntervalSince(start) / 60))
            case nil: unrecorded += 1
            default: break
            }
        }
        var settings = ClinicSettings.standard
        settings.timeZone = onset.timeZone
        for entry in try await TherapyElsewhere.load(patient, on: connection) {
            // A calendar day's therapy counts at its noon, and on the day of onset at day 0.
            var date = max(entry.firstDay, onset.day)
            while date <= entry.lastDay, date <= onset.day.adding(days: horizon) {
                let day = max(0, Int(onset.days(to: settings.instant(date, ClockTime(clamping: 720))).rounded(.down)))
                if days.indices.contains(day) { days[day].delivered.add(entry.modelInput, entry.minutesPerDay) }
                date = date.adding(days: 1)
            }
        }
        return PatientRecoveryInputs(
            pseudonym: try person.decode(String.self, at: 1), onset: onset, birthYear: try person.decode(Int?.self, at: 0), observations: observations,
            therapy: days.filter { !$0.delivered.isZero || !$0.planned.isZero }, unrecordedSessions: unrecorded, horizonDays: horizon,
            model: RecoveryModel.version, parameterVersion: recovery.version, catalogueVersion: catalogue.version)
    }

    /// The therapy as the model's dose schedule: one segment per run of equal days.
    public var schedule: [DoseSegment] {
        var segments: [DoseSegment] = []
        for day in therapy {
            let total = TherapyMinutes(
                pt: day.delivered.pt + day.planned.pt, ot: day.delivered.ot + day.planned.ot,
                slp: day.delivered.slp + day.planned.slp, bal: day.delivered.bal + day.planned.bal)
            let segment = DoseSegment(
                start: Double(day.day), end: Double(day.day + 1), pt: Double(total.pt), ot: Double(total.ot),
                slp: Double(total.slp), bal: Double(total.bal))
            if let last = segments.last, last.end == segment.start, last.pt == segment.pt, last.ot == segment.ot, last.slp == segment.slp,
                last.bal == segment.bal
            {
                segments[segments.count - 1].end = segment.end
            } else {
                segments.append(segment)
            }
        }
        return segments
    }

    /// The FM-UE observations the model is fitted to: those from onset to the horizon.
    public var fitted: [RecoveryObservation] {
        observations.filter { $0.instrument == .fmUE && ($0.day.map { (0...Double(horizonDays)).contains($0) } ?? false) }
    }
}
