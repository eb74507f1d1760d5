import AcuteCare
import Foundation
import Testing

/// Posterior circulation (issue 18, item 5): vertebral and the PCA's P1 and P2 segments in
/// the vocabulary, the basilar statements' conditions, and the warning that the NIHSS
/// underestimates posterior strokes.
@Suite struct PosteriorCirculationTests {
    @Test func theNewSitesAreReadAndWarnedAbout() throws {
        for site in ["vertebral", "P1", "P2", "basilar", "PCA"] {
            let evaluation = try Support.evaluate(["imaging.occlusion_site": site, "nihss": 3])
            #expect(evaluation.mimics.map(\.id).contains("posterior_nihss"), "\(site)")
        }
        #expect(try !Support.evaluate(["imaging.occlusion_site": "M1"]).mimics.map(\.id).contains("posterior_nihss"))
    }

    /// P1 and P2 are medium or distal vessels (ESCAPE-MeVO, DISTAL): thrombectomy is not
    /// recommended under AHA 2026, as for the PCA; the vertebral artery has no outcome estimate.
    @Test func pcaSegmentsFollowThePCAAndVertebralHasNoEstimate() throws {
        for site in ["P1", "P2"] {
            let evaluation = try Support.evaluate(Support.lvo(puncture: 200, ["imaging.occlusion_site": site]), profile: "aha-2026")
            let pca = try Support.evaluate(Support.lvo(puncture: 200, ["imaging.occlusion_site": "PCA"]), profile: "aha-2026")
            #expect(evaluation.evt.recommendation == pca.evt.recommendation && evaluation.evt.recommendation == "not_recommended", "\(site)")
        }
        let vertebral = try Support.evaluate(Support.lvo(puncture: 200, ["imaging.occlusion_site": "vertebral"]))
        #expect(vertebral.expectedOutcome.noTreatment == nil && vertebral.expectedOutcome.notEstimatedReasons["no_treatment"] != nil)
    }

    /// The basilar statements hold for adults with pc-ASPECTS 6 or more (AHA 2026 COR 1 with NIHSS ≥ 10).
    @Test func basilarNeedsAnAdultAndAPcAspects() throws {
        let basilar: [String: Any] = ["imaging.occlusion_site": "basilar", "nihss": 14, "imaging.pc_aspects": 8]
        #expect(try Support.evaluate(Support.lvo(puncture: 600, basilar), profile: "aha-2026").evt.recommendation == "recommended")
        var low = basilar
        low["imaging.pc_aspects"] = 4
        #expect(try Support.evaluate(Support.lvo(puncture: 600, low), profile: "aha-2026").evt.recommendation != "recommended")
        var child = basilar
        child["age"] = 16
        #expect(try Support.evaluate(Support.lvo(puncture: 600, child), profile: "aha-2026").evt.recommendation != "recommended")
    }
}
