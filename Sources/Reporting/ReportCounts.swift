/// What the report cells hold for one group (a site in a period, a region, everything):
/// acute episodes by population and numerator, the 90-day mRS grades, rehab stays with their
/// places and therapy, the recovery model's day-90 forecasts held against assessments,
/// resources' minutes, and the histograms of the intervals.
public struct ReportCounts: Sendable, Equatable {
    public var episodes = 0
    public var ischaemic = 0
    /// Thrombolysed and thrombectomy episodes of any stroke type.
    public var ivt = 0
    public var evt = 0
    /// The ischaemic ones among them, and those with either.
    public var ivtIschaemic = 0
    public var evtIschaemic = 0
    public var reperfusedIschaemic = 0
    public var followedUp = 0
    /// The door intervals' populations: thrombolysed and thrombectomy episodes less in-hospital
    /// onset; thrombectomy episodes of direct arrivals and of transfers; in-hospital-onset episodes.
    public var ivtArrivals = 0
    public var evtArrivals = 0
    public var evtDirect = 0
    public var evtTransfer = 0
    public var inHospital = 0
    /// Followed-up episodes per mRS grade 0–6.
    public var mrs = Array(repeating: 0, count: 7)
    /// Rehab stays admitted; those with a place in a session that has ended; their days of stay.
    public var stays = 0
    public var staysBooked = 0
    public var patientDays = 0
    /// Places in sessions that have ended, and those missed for each reason.
    public var places = 0
    public var noShow = 0
    public var placeCancelled = 0
    public var sessionCancelled = 0
    /// Day-90 forecasts held against an assessment: sums of the error (forecast − observed),
    /// of its absolute value, and the observations within the forecast's 95 % interval.
    public var forecasts = 0
    public var fmErrorSum = 0.0
    public var fmAbsErrorSum = 0.0
    public var fmWithinInterval = 0
    /// Therapy minutes by discipline.
    public var therapy: [String: Therapy] = [:]
    /// Minutes available and used by resource (therapists, rooms, pools).
    public var utilisation: [String: Utilisation] = [:]
    /// Patients (episodes, stays) with a value of each measure.
    public var known: [String: Int] = [:]
    public var histograms: [String: MinuteHistogram] = [:]

    public struct Therapy: Sendable, Equatable {
        public var prescribed = 0.0
        public var delivered = 0.0

        public init(prescribed: Double = 0, delivered: Double = 0) {
            self.prescribed = prescribed
            self.delivered = delivered
        }
    }

    public struct Utilisation: Sendable, Equatable {
        public var available = 0.0
        public var used = 0.0
        /// The fewest patients behind the use of any clinic's month in the group (nil: no use).
        public var fewestPatients: Int?

        public init(available: Double = 0, used: Double = 0, fewestPatients: Int? = nil) {
            self.available = available
            self.used = used
            self.fewestPatients = fewestPatients
        }

        mutating func add(_ other: Utilisation) {
            available += other.available
            used += other.used
            fewestPatients = [fewestPatients, other.fewestPatients].compactMap { $0 }.min()
        }
    }

    public init() {}

    public mutating func add(_ other: ReportCounts) {
        episodes += other.episodes
        ischaemic += other.ischaemic
        ivt += other.ivt
        evt += other.evt
        ivtIschaemic += other.ivtIschaemic
        evtIschaemic += other.evtIschaemic
        reperfusedIschaemic += other.reperfusedIschaemic
        followedUp += other.followedUp
        ivtArrivals += other.ivtArrivals
        evtArrivals += other.evtArrivals
        evtDirect += other.evtDirect
        evtTransfer += other.evtTransfer
        inHospital += other.inHospital
        for grade in 0..<7 { mrs[grade] += other.mrs[grade] }
        stays += other.stays
        staysBooked += other.staysBooked
        patientDays += other.patientDays
        places += other.places
        noShow += other.noShow
        placeCancelled += other.placeCancelled
        sessionCancelled += other.sessionCancelled
        forecasts += other.forecasts
        fmErrorSum += other.fmErrorSum
        fmAbsErrorSum += other.fmAbsErrorSum
        fmWithinInterval += other.fmWithinInterval
        for (discipline, minutes) in other.therapy {
            therapy[discipline, default: Therapy()].prescribed += minutes.prescribed
            therapy[discipline, default: Therapy()].delivered += minutes.delivered
        }
        for (resource, minutes) in other.utilisation { utilisation[resource, default: Utilisation()].add(minutes) }
        for (measure, count) in other.known { known[measure, default: 0] += count }
        for (measure, histogram) in other.histograms { histograms[measure, default: MinuteHistogram()].add(histogram) }
    }

    /// The size of a population (resources have none).
    public func size(_ population: IndicatorCatalogue.Population) -> Int {
        switch population {
        case .allEpisodes: episodes
        case .ischaemic: ischaemic
        case .ivt: ivt
        case .evt: evt
        case .followedUp90: followedUp
        case .ivtArrivals: ivtArrivals
        case .evtArrivals: evtArrivals
        case .evtDirect: evtDirect
        case .evtTransfer: evtTransfer
        case .rehabStays: stays
        case .rehabPlaces: places
        case .forecasts: forecasts
        case .resources: 0
        }
    }

    /// The patients a population's values rest on (places rest on the stays that had them).
    func patients(_ population: IndicatorCatalogue.Population) -> Int {
        population == .rehabPlaces ? staysBooked : size(population)
    }

    /// A rate's numerator by its name in `IndicatorCatalogue.rateNumerators`.
    func numerator(_ name: String) -> Int {
        switch name {
        case "ivt_ischaemic": ivtIschaemic
        case "evt_ischaemic": evtIschaemic
        case "reperfused_ischaemic": reperfusedIschaemic
        case "followed_up": followedUp
        case "mrs6": mrs[6]
        case "no_show": noShow
        case "place_cancelled": placeCancelled
        case "session_cancelled": sessionCancelled
        case "fm_within_interval": fmWithinInterval
        case "in_hospital": inHospital
        default: 0
        }
    }

    /// A mean's sum by its measure in `IndicatorCatalogue.meanMeasures`.
    func sum(_ measure: String) -> Double {
        switch measure {
        case "mrs_90": Double(mrs.enumerated().reduce(0) { $0 + $1.offset * $1.element })
        case "fm_error": fmErrorSum
        case "fm_abs_error": fmAbsErrorSum
        default: 0
        }
    }
}
