public import Foundation
import Postgres
public import Reporting
public import Storage

/// A small region for report tests, every value computed by hand: a big, a middle and a
/// small hospital (k = 5 for the region).
public enum ReportFixture {
    public static let region = UUID(uuidString: "7e570000-0000-4000-8000-000000000001") ?? UUID()
    public static let big = UUID(uuidString: "7e570000-0000-4000-8000-000000000002") ?? UUID()
    public static let small = UUID(uuidString: "7e570000-0000-4000-8000-000000000003") ?? UUID()
    public static let middle = UUID(uuidString: "7e570000-0000-4000-8000-000000000004") ?? UUID()
    public static let planner = AccessContext(subject: "planner", role: "planner", organisations: [region])

    /// Protocols/indicators/indicators.json of this checkout.
    public static func catalogue() throws -> IndicatorCatalogue {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocols/indicators/indicators.json")
        return try IndicatorCatalogue.decode(Data(contentsOf: url))
    }

    /// Thirteen ischaemic episodes at the big hospital in March 2026 — ten with onset 60 minutes
    /// before arrival, six thrombolysed 25–75 minutes after arrival, one more thrombolysed with no
    /// arrival time, eight followed up — three haemorrhagic ones at the small hospital, and six at
    /// a middle one (the cheapest companion when the small one is withheld: with the region's
    /// totals published, hiding the small hospital alone would not hide it).
    public static func load(_ database: TestDatabase) async throws {
        try await database.withPool(.superuser) { pool in
            try await pool.query("""
                INSERT INTO organisations (id, parent_id, kind, code, name, report_min_cell) VALUES
                    (\(region), NULL, 'region', 'TESTR', 'Test region', 5),
                    (\(big), \(region), 'hospital', 'TESTR-BIG', 'Big hospital', 10),
                    (\(small), \(region), 'hospital', 'TESTR-SMALL', 'Small hospital', 10),
                    (\(middle), \(region), 'hospital', 'TESTR-MIDDLE', 'Middle hospital', 10)
                """)
            let arrival = Date(timeIntervalSince1970: 1_773_136_800)  // 2026-03-10T10:00:00Z
            let needles: [Double?] = [25, 35, 45, 55, 65, 75, nil, nil, nil, nil, nil, nil]
            let grades: [Int?] = [0, 1, 1, 2, 3, 4, 6, nil, nil, nil, nil, nil]
            for index in 0..<12 {
                let patient = UUID()
                try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(big), \(patient), \("B\(index)"), 1950, 'female')")
                try await pool.query("""
                    INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, imaging_at, needle_at, nihss_at_arrival, mrs_90)
                    VALUES (\(big), \(patient), 'ischaemic', \(index < 10 ? arrival - 3_600 : nil), \(arrival), \(arrival + 1_200),
                            \(needles[index].map { arrival + $0 * 60 }), 8, \(grades[index]))
                    """)
            }
            let patient = UUID()
            try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(big), \(patient), 'B12', 1950, 'male')")
            try await pool.query("""
                INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, needle_at, mrs_90)
                VALUES (\(big), \(patient), 'ischaemic', \(arrival + 86_400), \(arrival + 86_400 + 6_000), 6)
                """)
            for (hospital, count) in [(small, 3), (middle, 6)] {
                for index in 0..<count {
                    let patient = UUID()
                    try await pool.query("INSERT INTO patients (organisation_id, id, pseudonym, birth_year, sex) VALUES (\(hospital), \(patient), \("H\(count)-\(index)"), 1940, 'male')")
                    try await pool.query("""
                        INSERT INTO stroke_episodes (organisation_id, patient_id, stroke_type, last_known_well, arrival_at, imaging_at, mrs_90)
                        VALUES (\(hospital), \(patient), 'haemorrhagic', \(arrival - 7_200), \(arrival), \(arrival + 900), \(index % 3))
                        """)
                }
            }
        }
    }
}
