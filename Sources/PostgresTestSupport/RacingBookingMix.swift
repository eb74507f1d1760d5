import Clinical
public import Foundation
public import Storage

/// The racing booking attempts of the concurrency tests, on the demo clinic's test week:
/// physiotherapy (one therapist, the gym) and speech therapy (two therapists, one single
/// room) in Monday's morning quarter hours, all on the same eight patients, and pool groups
/// of one to three of them in Monday's afternoon quarter hours with four aquatic therapists,
/// so the pool's two lanes, not its staff or patients, are often what runs out. Every kind
/// of clash then occurs in every run (a simulation of 2,000 sequential runs never missed one;
/// groups of up to five mixed into the morning missed the full pool in 6 %).
public enum RacingBookingMix {
    /// Patients every raced modality (PT, SLT, group pool) is allowed for on the test week.
    public static let racers = ["DEMO-R02", "DEMO-R05", "DEMO-R09", "DEMO-R10", "DEMO-R11", "DEMO-R12", "DEMO-R13", "DEMO-R16"]
        .map(DemoClinicFixture.patient)
    /// The aquatic therapists: the demo's two and the two `setUp` of each test adds.
    public static let aquaticTherapists = ["T02", "T04", "T10", "T11"]

    /// `count` random attempts drawn from `seed` (the same seed, the same attempts);
    /// `therapists` and `rooms` are the clinic's ids by code.
    public static func requests(_ count: Int, seed: UInt64, therapists: [String: UUID], rooms: [String: UUID]) -> [RehabBookingRequest] {
        var generator = SeededRandom(seed: seed)
        let morning = DemoClinicFixture.at(day: 0, "09:00")
        let afternoon = DemoClinicFixture.at(day: 0, "14:00")
        let aquatic = aquaticTherapists.compactMap { therapists[$0] }
        return (0..<count).map { _ in
            let patients = racers.shuffled(using: &generator)
            let quarter = Double(900 * Int.random(in: 0..<8, using: &generator))
            switch Int.random(in: 0..<3, using: &generator) {
            case 0:
                return request("PT", therapists["T01"], rooms["GYM1"], at: morning + quarter, minutes: 45, [patients[0]])
            case 1:
                let therapist = therapists[Bool.random(using: &generator) ? "T07" : "T08"]
                return request("SLT", therapist, rooms["SPR1"], at: morning + quarter, minutes: 30, [patients[0]])
            default:
                let start = afternoon + Double(900 * Int.random(in: 0..<4, using: &generator))
                return request(
                    "HYDRO_GRP", aquatic.randomElement(using: &generator), rooms["POOL1"], at: start, minutes: 45,
                    Array(patients.prefix(Int.random(in: 1...3, using: &generator))))
            }
        }
    }

    /// One booking request of the demo clinic.
    public static func request(
        _ modality: String, _ therapist: UUID?, _ room: UUID?, at start: Date, minutes: Int, _ patients: [UUID],
        max: Int? = nil
    ) -> RehabBookingRequest {
        RehabBookingRequest(
            organisation: DemoClinicFixture.clinic, modality: modality, therapist: therapist, room: room ?? UUID(), start: start,
            end: start + Double(minutes * 60), maxParticipants: max, patients: patients)
    }
}
