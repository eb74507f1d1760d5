public import Foundation

/// Protocols/indicators/indicators.json: each indicator as data — population, numerator or
/// measure, exclusions, unit, direction, the published target and sources — with the
/// disclosure threshold and the funnel plot's limits.
public struct IndicatorCatalogue: Sendable, Decodable {
    /// How an indicator is computed from the report cells.
    public enum Kind: String, Sendable, Codable {
        /// Median and quartiles of a minute interval (and shares within thresholds).
        case minutes
        /// The share of a measure within a threshold.
        case shareWithin = "share_within"
        /// A proportion of the population.
        case rate
        /// The share in each grade (mRS 0–6).
        case distribution
        /// A mean of a measure (the 90-day mRS grade, the recovery model's day-90 error).
        case mean
        /// Therapy minutes of a discipline delivered and prescribed per day of rehab stay.
        case therapy
        /// A resource's used share of its available minutes (not a patient measure).
        case utilisation
    }

    /// What an indicator is about (its denominator): acute episodes, rehab stays, places in
    /// rehab sessions that have ended, day-90 forecasts held against an assessment, or resources.
    /// `ivt` and `evt` are every thrombolysed and thrombectomy episode; `ivt_arrivals` and
    /// `evt_arrivals` leave out in-hospital onset (the door intervals' populations); `evt_direct`
    /// and `evt_transfer` are the thrombectomy episodes of direct arrivals and of transfers (an
    /// unrecorded arrival mode is in neither).
    public enum Population: String, Sendable, Codable, CaseIterable {
        case allEpisodes = "all_episodes"
        case ischaemic, ivt, evt
        case followedUp90 = "followed_up_90"
        case ivtArrivals = "ivt_arrivals"
        case evtArrivals = "evt_arrivals"
        case evtDirect = "evt_direct"
        case evtTransfer = "evt_transfer"
        case rehabStays = "rehab_stays"
        case rehabPlaces = "rehab_places"
        case forecasts, resources

        /// The cohort whose counts the population is one of.
        public var cohort: Cohort {
            switch self {
            case .allEpisodes, .ischaemic, .ivt, .evt, .followedUp90, .ivtArrivals, .evtArrivals, .evtDirect, .evtTransfer: .acute
            case .rehabStays, .rehabPlaces: .rehab
            case .forecasts: .forecasts
            case .resources: .resources
            }
        }
    }

    /// Groups of patients counted apart: acute episodes, rehab stays, forecasts; and resources.
    public enum Cohort: Sendable, Hashable {
        case acute, rehab, forecasts, resources

        /// The kind of organisation (`organisations.kind`) whose patients the cohort counts:
        /// acute care in hospitals, the rest in rehabilitation clinics.
        public var organisationKind: String { self == .acute ? "hospital" : "rehab_clinic" }
    }

    /// Which way is better: higher, lower, or nearer the target (`nominal`: a calibration's
    /// nominal value; without a target, neither).
    public enum Direction: String, Sendable, Codable {
        case higher, lower, nominal

        /// How a reader should read it.
        public var phrase: String {
            switch self {
            case .higher: "higher is better"
            case .lower: "lower is better"
            case .nominal: "nearest the target is best"
            }
        }
    }

    public struct Target: Sendable, Codable, Equatable {
        /// The statistic the target is about when not the indicator's own value.
        public var statistic: String?
        public var value: Double
        public var unit: String
        public var note: String
        public var sources: [String]
    }

    public struct Indicator: Sendable, Codable, Equatable {
        public var id: String
        public var title: String
        public var kind: Kind
        public var population: Population
        public var measure: String?
        public var numerator: String?
        public var statistics: [String]?
        public var thresholds: [Int]?
        /// The discipline of a therapy indicator, the resource of a utilisation indicator.
        public var discipline: String?
        public var resource: String?
        public var exclusions: String?
        public var target: Target?
        /// How far a comparison with another programme's measure holds (ESO Angels: approximate).
        public var comparison: String?
        /// What a reader must know before comparing values (under-ascertainment, no case-mix adjustment).
        public var caveat: String?
        public var unit: String
        public var direction: Direction
        public var sources: [String]

        /// What goes under the indicator wherever it is shown: its target's note (which names
        /// the programme and year the target is from), the comparison's limits, the caveat.
        public var readerNotes: [String] {
            [target.map { "Target: \($0.note)" }, comparison.map { "Comparison: \($0)" }, caveat.map { "Caveat: \($0)" }].compactMap { $0 }
        }
    }

    public struct Source: Sendable, Codable, Equatable {
        public var id: String
        public var citation: String
    }

    public struct Disclosure: Sendable, Decodable {
        public var defaultK: Int
        public var allowedK: [Int]
        /// Days after a month ends before it is published: once published, a month's figures
        /// can only be revised by a version that hides small changes (docs/reporting.md,
        /// "Versions"), so a month waits until its counts have settled.
        public var releaseAfterDays: Int

        /// The last month published from cells refreshed at `refreshed`: the last whose end
        /// (UTC, as the cells count months) lies `releaseAfterDays` or more before it.
        public func publishedThrough(refreshedAt refreshed: Date) -> ReleaseMonth {
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
            let settled = calendar.dateComponents([.year, .month], from: refreshed.addingTimeInterval(-Double(releaseAfterDays) * 86_400))
            return ReleaseMonth(settled.year ?? 1900, settled.month ?? 1).previous
        }
    }

    public struct Funnel: Sendable, Decodable {
        public var limits: [Double]
    }

    /// Days after last known well in which an mRS assessment counts as the 90-day mRS.
    public struct FollowUp: Sendable, Decodable {
        public var windowDays: [Int]
    }

    public var version: String
    public var sources: [Source]
    public var disclosure: Disclosure
    public var funnel: Funnel
    public var followUp: FollowUp
    public var indicators: [Indicator]

    /// The measures the report cells hold histograms of (minutes; days for the first rehab session).
    /// In the order the cells query returns their known counts.
    public static let measures = [
        "onset_to_door", "door_to_imaging", "door_to_needle", "door_to_groin", "stroke_to_first_session",
        "door_to_groin_direct", "door_to_groin_transfer",
    ]
    /// The rates the report cells count, by their numerator's name.
    public static let rateNumerators = [
        "ivt_rate": "ivt_ischaemic", "evt_rate": "evt_ischaemic", "reperfusion_rate": "reperfused_ischaemic", "follow_up_90": "followed_up",
        "mortality_90": "mrs6", "missed_no_show": "no_show", "missed_place_cancelled": "place_cancelled",
        "missed_session_cancelled": "session_cancelled", "fm_ue_90_coverage": "fm_within_interval",
        "in_hospital_onset": "in_hospital",
    ]
    /// The means the report cells sum, by measure, with their population.
    public static let meanMeasures: [String: Population] = ["mrs_90": .followedUp90, "fm_error": .forecasts, "fm_abs_error": .forecasts]
    /// The resources whose utilisation is counted.
    public static let resources = ["therapists", "rooms", "pools"]

    /// Reads and checks the file: unique ids, known sources, measures the cells hold, and a
    /// computation for every rate.
    public static func decode(_ data: Data) throws(ReportInputError) -> IndicatorCatalogue {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let catalogue: IndicatorCatalogue
        do {
            catalogue = try decoder.decode(IndicatorCatalogue.self, from: data)
        } catch {
            throw ReportInputError("(indicators)", "cannot be read: \(error)")
        }
        let sources = Set(catalogue.sources.map(\.id))
        var seen = Set<String>()
        for indicator in catalogue.indicators {
            guard seen.insert(indicator.id).inserted else { throw ReportInputError("indicators.\(indicator.id)", "is defined twice") }
            let cited = indicator.sources + (indicator.target?.sources ?? [])
            guard !indicator.sources.isEmpty, cited.allSatisfy(sources.contains) else {
                throw ReportInputError("indicators.\(indicator.id).sources", "must cite sources listed in the file")
            }
            switch indicator.kind {
            case .minutes, .shareWithin:
                guard let measure = indicator.measure, measures.contains(measure) else {
                    throw ReportInputError("indicators.\(indicator.id).measure", "must be one of \(measures.joined(separator: ", "))")
                }
                if indicator.kind == .shareWithin, indicator.thresholds?.count != 1 {
                    throw ReportInputError("indicators.\(indicator.id).thresholds", "must give one threshold")
                }
            case .rate:
                guard rateNumerators[indicator.id] != nil else {
                    throw ReportInputError("indicators.\(indicator.id)", "is a rate the report cells do not count")
                }
            case .distribution:
                guard indicator.population == .followedUp90 else { throw ReportInputError("indicators.\(indicator.id).population", "must be followed_up_90") }
            case .mean:
                guard let measure = indicator.measure, meanMeasures[measure] == indicator.population else {
                    throw ReportInputError(
                        "indicators.\(indicator.id).measure", "must be one of \(meanMeasures.keys.sorted().joined(separator: ", ")) with its population")
                }
            case .therapy:
                guard indicator.discipline != nil, indicator.population == .rehabStays else {
                    throw ReportInputError("indicators.\(indicator.id)", "a therapy indicator needs a discipline and the rehab_stays population")
                }
            case .utilisation:
                guard let resource = indicator.resource, resources.contains(resource), indicator.population == .resources else {
                    throw ReportInputError(
                        "indicators.\(indicator.id).resource", "must be one of \(resources.joined(separator: ", ")) with the resources population")
                }
            }
        }
        guard catalogue.disclosure.allowedK.count == 2, catalogue.disclosure.allowedK[0] <= catalogue.disclosure.defaultK,
            catalogue.disclosure.defaultK <= catalogue.disclosure.allowedK[1], catalogue.disclosure.allowedK[0] >= 2,
            catalogue.disclosure.allowedK[1] <= 1_000
        else {
            throw ReportInputError("disclosure", "default_k must lie within allowed_k [low, high], itself within 2 to 1000")
        }
        guard (0...400).contains(catalogue.disclosure.releaseAfterDays) else {
            throw ReportInputError("disclosure.release_after_days", "must be 0 to 400 days")
        }
        let window = catalogue.followUp.windowDays
        guard window.count == 2, window[0] >= 0, window[0] < window[1] else {
            throw ReportInputError("follow_up.window_days", "must be [first, last] days with first < last")
        }
        return catalogue
    }
}

/// Bad report input or definitions: the field and why.
public struct ReportInputError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }

    public var description: String { "\(field): \(message)" }
}
