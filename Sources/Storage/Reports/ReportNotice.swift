public import Clinical

/// What a report's reader must know about it: how far its figures run, that its cells were
/// never computed, that it was read from a standby.
public enum ReportNotice: String, NoticeCode {
    case stratumAcuteOnly = "report_stratum_acute_only"
    case intervalsNotKept = "report_intervals_not_kept"
    case notComputed = "report_not_computed"
    case figuresRunTo = "report_figures_run_to"
    case followUpIncomplete = "report_follow_up_incomplete"
    case replicaCurrent = "report_replica_current"
    case replicaBehind = "report_replica_behind"

    public var english: String {
        switch self {
        case .stratumAcuteOnly:
            "By stratum, the acute intervals are kept by region and year: days to the first rehab session and utilisation have no values."
        case .intervalsNotKept:
            "Time intervals and resource use are kept by site and month, and by region, stratum and year: with these rows, periods or "
                + "filters the minutes, days and utilisation indicators have no values (rows by one stratum, or by region kept to one "
                + "stratum, by year or over all time, have the acute intervals for those who report for whole regions)."
        case .notComputed: "The report cells have not been computed yet: refresh them first."
        case .figuresRunTo:
            "Figures run to {end} at the latest (the last period shown may be partial): a month is published {days} days after it ends, "
                + "once its counts have settled (by stratum, a whole year); a later revision is published only where it changes no "
                + "count by 1 to k − 1."
        case .followUpIncomplete:
            "Follow-up and 90-day mortality are incomplete for strokes from {from} on: their follow-up window (to day {window}) had "
                + "not closed at the refresh, so recent periods read low."
        case .replicaCurrent: "Read from a standby copy of the database, up to date with the primary."
        case .replicaBehind: "Read from a standby copy of the database, {seconds} s behind the primary: the latest changes may be missing."
        }
    }
}
