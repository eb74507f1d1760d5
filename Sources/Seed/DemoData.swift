public import Foundation
public import Postgres
import Storage

/// A small demo region — two hospitals with stroke units and one rehabilitation clinic,
/// with a few pseudonymous patients — loaded by `strokepath seed --demo`. Fixed ids make
/// loading it again change nothing. Later features add their demo data here.
public enum DemoData {
    /// One demo organisation.
    public struct Organisation: Sendable {
        public let id: UUID
        public let parent: UUID?
        public let kind: String
        public let code: String
        public let name: String
    }

    /// What `load` added (zero everywhere when the data was already there).
    public struct Report: Sendable, Equatable {
        public var organisations: Int
        public var patients: Int
        public var episodes: Int

        public init(organisations: Int = 0, patients: Int = 0, episodes: Int = 0) {
            self.organisations = organisations
            self.patients = patients
            self.episodes = episodes
        }
    }

    static let region = UUID(uuidString: "5e1d0000-0000-4000-8000-000000000001") ?? UUID()
    static let northHospital = UUID(uuidString: "5e1d0000-0000-4000-8000-000000000002") ?? UUID()
    static let southHospital = UUID(uuidString: "5e1d0000-0000-4000-8000-000000000003") ?? UUID()
    static let rehabClinic = UUID(uuidString: "5e1d0000-0000-4000-8000-000000000004") ?? UUID()

    /// The demo organisations, parents before children.
    public static let organisations: [Organisation] = [
        Organisation(id: region, parent: nil, kind: "region", code: "DEMO", name: "Demo Region"),
        Organisation(id: northHospital, parent: region, kind: "hospital", code: "DEMO-NORTH", name: "North General Hospital"),
        Organisation(id: southHospital, parent: region, kind: "hospital", code: "DEMO-SOUTH", name: "South County Hospital"),
        Organisation(id: rehabClinic, parent: region, kind: "rehab_clinic", code: "DEMO-REHAB", name: "Lakeside Rehabilitation Clinic"),
        Organisation(id: unit(5), parent: northHospital, kind: "unit", code: "DEMO-NORTH-SU", name: "North Stroke Unit"),
        Organisation(id: unit(6), parent: southHospital, kind: "unit", code: "DEMO-SOUTH-SU", name: "South Stroke Unit"),
    ]

    /// The demo patients (DEMO-P1 and DEMO-P3 at North, DEMO-P2 at South) and their episodes.
    public static let patients: [UUID] = (1...3).map { unit(100 + $0) }
    public static let episodes: [UUID] = (1...3).map { unit(200 + $0) }

    /// The acute course of each demo episode, in minutes after arrival: imaging, needle (and
    /// agent), groin puncture, reperfusion (and mTICI). P1 had IVT, P2 IVT then thrombectomy,
    /// P3 (a wake-up stroke) neither. All three came direct (arrival mode `direct`).
    static let courses: [(imaging: Double, needle: Double?, agent: String?, puncture: Double?, reperfusion: Double?, mtici: String?)] = [
        (14, 38, "tenecteplase", nil, nil, nil),
        (10, 32, "alteplase", 85, 121, "2b"),
        (22, nil, nil, nil, nil, nil),
    ]

    /// Loads the demo data; what is already there is left as it is.
    public static func load(into pool: PostgresPool) async throws -> Report {
        // The loader acts for every demo organisation, so row-level security admits its rows.
        try await pool.withOrganisations(organisations.map(\.id)) { connection in
            var report = Report()
            for organisation in organisations {
                report.organisations += try await connection.query(
                    """
                    INSERT INTO organisations (id, parent_id, kind, code, name)
                    VALUES (\(organisation.id), \(organisation.parent), \(organisation.kind)::organisation_kind,
                            \(organisation.code), \(organisation.name))
                    ON CONFLICT (id) DO NOTHING
                    """
                ).affectedRows
            }
            let arrivals = Date(timeIntervalSince1970: 1_793_000_000)
            for index in 1...3 {
                let patient = unit(100 + index)
                let hospital = index == 2 ? southHospital : northHospital
                report.patients += try await connection.query(
                    """
                    INSERT INTO patients (id, organisation_id, pseudonym, birth_year, sex)
                    VALUES (\(patient), \(hospital), \("DEMO-P\(index)"), \(1940 + 7 * index), \(index == 2 ? "male" : "female"))
                    ON CONFLICT (id) DO NOTHING
                    """
                ).affectedRows
                let lastKnownWell = arrivals + Double(index) * 86_400
                let arrival = lastKnownWell + Double(45 + 20 * index) * 60
                let course = courses[index - 1]
                func at(_ minutes: Double?) -> Date? { minutes.map { arrival + $0 * 60 } }
                report.episodes += try await connection.query(
                    """
                    INSERT INTO stroke_episodes (id, organisation_id, patient_id, stroke_type, last_known_well, onset_witnessed,
                                                 arrival_at, nihss_at_arrival, imaging_at, needle_at, thrombolytic,
                                                 groin_puncture_at, reperfusion_at, mtici, arrival_mode)
                    VALUES (\(unit(200 + index)), \(hospital), \(patient), 'ischaemic', \(lastKnownWell), \(index != 3),
                            \(arrival), \(4 + 5 * index), \(at(course.imaging)), \(at(course.needle)), \(course.agent),
                            \(at(course.puncture)), \(at(course.reperfusion)), \(course.mtici)::mtici_grade, 'direct')
                    ON CONFLICT (id) DO NOTHING
                    """
                ).affectedRows
            }
            return report
        }
    }

    static func unit(_ number: Int) -> UUID {
        UUID(uuidString: "5e1d0000-0000-4000-8000-" + String(format: "%012d", number)) ?? UUID()
    }
}
