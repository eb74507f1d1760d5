public import Clinical

/// What can be wrong with a field of a presentation, in English with its values as `{name}`
/// (a page says it in its language: `notice_<code>`).
public enum InputNotice: String, NoticeCode {
    case required = "input_required"
    case requiredOneOf = "input_required_one_of"
    case notObject = "input_not_object"
    case notNumber = "input_not_number"
    case notWholeNumber = "input_not_whole_number"
    case notBoolean = "input_not_boolean"
    case notOneOf = "input_not_one_of"
    case notOneOfKind = "input_not_one_of_kind"
    case outsideRange = "input_outside_range"
    case outsideRangeUnit = "input_outside_range_unit"
    case notPresentation = "input_not_presentation"
    case diastolicNotBelowSystolic = "input_diastolic_not_below_systolic"
    case antiXaLooksLikeHeparin = "input_anti_xa_looks_like_heparin"
    case glucoseUnitsDisagree = "input_glucose_units_disagree"
    case nihssItemsNotObject = "input_nihss_items_not_object"
    case nihssItemRequired = "input_nihss_item_required"
    case nihssItemRequiredOrUntestable = "input_nihss_item_required_or_untestable"
    case nihssItemScore = "input_nihss_item_score"
    case nihssItemScoreOrUntestable = "input_nihss_item_score_or_untestable"
    case notNihssItem = "input_not_nihss_item"
    case notRegionList = "input_not_region_list"
    case regionListedTwice = "input_region_listed_twice"
    case nihssDisagreesWithItems = "input_nihss_disagrees_with_items"
    case aspectsDisagreesWithRegions = "input_aspects_disagrees_with_regions"
    case routingNotObject = "input_routing_not_object"

    public var english: String {
        switch self {
        case .required: "is required"
        case .requiredOneOf: "is required (one of {allowed})"
        case .notObject: "must be an object, not {kind}"
        case .notNumber: "must be a number, not {kind}"
        case .notWholeNumber: "must be a whole number"
        case .notBoolean: "must be true or false, not {kind}"
        case .notOneOf: "must be one of {allowed}"
        case .notOneOfKind: "must be one of {allowed}, not {kind}"
        case .outsideRange: "{value} is outside {low}–{high}"
        case .outsideRangeUnit: "{value} is outside {low}–{high} {unit}"
        case .notPresentation: "must be a JSON object (one presentation)"
        case .diastolicNotBelowSystolic: "must be below the systolic pressure"
        case .antiXaLooksLikeHeparin:
            "{level} looks like a heparin-calibrated anti-Xa in IU/mL: give the DOAC-calibrated level in ng/mL (0 when below the "
                + "laboratory's limit of quantification)"
        case .glucoseUnitsDisagree: "is {mmol} mmol/L but glucose_mg_dl {mgdl} mg/dL is {converted} mmol/L: give one unit, or values that agree"
        case .nihssItemsNotObject: "must be an object of item scores, e.g. 1a: 0, 5a: UN"
        case .nihssItemRequired: "is required when items are given (0–{max})"
        case .nihssItemRequiredOrUntestable: "is required when items are given (0–{max} or \"UN\")"
        case .nihssItemScore: "must be a whole number 0–{max}"
        case .nihssItemScoreOrUntestable: "must be a whole number 0–{max} or \"UN\" (untestable)"
        case .notNihssItem: "is not an NIHSS item"
        case .notRegionList: "must be a list of affected regions ({allowed})"
        case .regionListedTwice: "{region} is listed twice"
        case .nihssDisagreesWithItems: "is {given} but the items add up to {total}"
        case .aspectsDisagreesWithRegions: "is {given} but the affected regions give {score}"
        case .routingNotObject: "must be an object of travel and process times"
        }
    }
}
