/// Where the outcome model may answer (outcome.json `estimable`): it was fitted on
/// anterior-circulation strokes treated within its no-effect times, so imaging-selected late
/// treatment, thrombectomy outside ICA/M1 and posterior-circulation occlusions get no
/// estimate, only the reason.
struct OutcomeScope: Sendable {
    /// Why an option has no estimate; rendered into the protocol's text when written.
    enum Reason: Sendable, Equatable {
        case pastNoEffectIVT(minutes: Double)
        case pastNoEffectEVT(minutes: Double)
        case lateWindowEVT(minutes: Double)
        case imagingSelectedIVT(pathway: Int)
        case evtSite(Int16)
        case siteOutsideModel(Int16)
    }

    /// Occlusion-site codes whose thrombectomy the model covers.
    var evtSites: [Int16]
    /// Occlusion-site codes the model does not cover at all.
    var sitesOutsideModel: [Int16]
    /// Thrombectomy later than this (minutes from LKW) is imaging-selected: no estimate.
    var evtLateWindowAfter: Double
    /// IVT pathways (indices into ivt.json's pathways) selected by imaging.
    var ivtPathwaysNotEstimated: [Int]
    var texts: Texts

    struct Texts: Sendable {
        var pastNoEffectIVT: String, pastNoEffectEVT: String, lateWindowEVT: String, imagingSelectedIVT: String, evtSite: String
        var siteOutsideModel: String
    }

    func text(_ reason: Reason, _ tables: OutcomeTables, pathways: [ThrombolysisPathway]) -> String {
        let sites = Fact.imagingOcclusionSite.vocabulary
        func site(_ code: Int16) -> String { sites.indices.contains(Int(code)) ? sites[Int(code)] : "?" }
        switch reason {
        case .pastNoEffectIVT(let minutes):
            return TextTemplate.fill(texts.pastNoEffectIVT, ["minutes": TextTemplate.describe(minutes), "limit": TextTemplate.describe(tables.noEffectIVT)])
        case .pastNoEffectEVT(let minutes):
            return TextTemplate.fill(texts.pastNoEffectEVT, ["minutes": TextTemplate.describe(minutes), "limit": TextTemplate.describe(tables.noEffectMT)])
        case .lateWindowEVT(let minutes):
            return TextTemplate.fill(texts.lateWindowEVT, ["minutes": TextTemplate.describe(minutes), "limit": TextTemplate.describe(evtLateWindowAfter)])
        case .imagingSelectedIVT(let pathway):
            return TextTemplate.fill(texts.imagingSelectedIVT, ["pathway": pathways.indices.contains(pathway) ? pathways[pathway].id : "?"])
        case .evtSite(let code):
            return TextTemplate.fill(texts.evtSite, ["site": site(code)])
        case .siteOutsideModel(let code):
            return TextTemplate.fill(texts.siteOutsideModel, ["site": site(code)])
        }
    }
}
