import Clinical
import Foundation
import ProtocolLibrary
import Testing

@testable import Recovery

/// The parameter file, PREP2 and the multi-start fit.
@Suite struct RecoveryProtocolTests {
    static func recovery() throws -> RecoveryProtocol {
        try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath))).recovery()
    }

    /// Every §5.2 parameter is in the file with its status and sources; the population
    /// parameters reproduce the bench's baseline; k_B is the one speculative parameter.
    @Test func theFileGivesEveryPopulationParameterWithItsStatus() throws {
        let recovery = try Self.recovery()
        let population = recovery.population
        #expect(population.speculative == ["k_B"])
        #expect(population.population.values.allSatisfy { !$0.sources.isEmpty && !$0.justification.isEmpty })
        #expect(["eta_G", "r_G", "c_G"].allSatisfy { population.population[$0]?.status == .placeholder })
        let built = population.parameters(fm0: 20, rS: 0.7, tauN: 21, eta: 0.1, recoveryClass: .standard, reperfusion: 1.0 / 6, nihss0: 10)
        var baseline = try RecoveryModelTests.baseline()
        (baseline.thetaU, baseline.sU) = (0.6, 0.015)  // the use loop is off (U_max 0): the file carries the demo's threshold
        #expect(built == baseline)
        #expect(population.parameters(fm0: 20, rS: 0.7, tauN: 21, eta: 0.1, recoveryClass: .poor, reperfusion: nil, nihss0: 0).cM == 0.15)
        let broken =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath))).url(.recovery)))
            as? [String: Any]
        var withoutKB = try #require(broken)
        var entries = try #require(withoutKB["population"] as? [String: Any])
        entries["k_B"] = nil
        withoutKB["population"] = entries
        #expect(throws: Refusal.invalid("population.k_B", "is missing")) {
            try RecoveryProtocol.decode(JSONSerialization.data(withJSONObject: withoutKB))
        }
    }

    /// PREP2's branches (Stinear 2017), and each missing input named rather than assumed.
    @Test func prep2ClassifiesAndNamesWhatIsMissing() throws {
        let rules = try Self.recovery().population.prep2
        #expect(rules.classify(safe: 8, age: 85, mep: nil, nihss: nil) == .category(.excellent))
        #expect(rules.classify(safe: 5, age: 79, mep: nil, nihss: nil) == .category(.excellent))
        #expect(rules.classify(safe: 6, age: 80, mep: nil, nihss: nil) == .category(.good))
        #expect(rules.classify(safe: 4, age: 60, mep: true, nihss: nil) == .category(.good))
        #expect(rules.classify(safe: 4, age: 60, mep: false, nihss: 6) == .category(.limited))
        #expect(rules.classify(safe: 0, age: 60, mep: false, nihss: 7) == .category(.poor))
        guard case .missing(let noSafe) = rules.classify(safe: nil, age: 60, mep: false, nihss: 3) else {
            Issue.record("SAFE is needed")
            return
        }
        #expect(noSafe.first?.text.contains("SAFE") == true)
        #expect(rules.classify(safe: 6, age: nil, mep: nil, nihss: nil) == .missing([Notice(Prep2Input.age)]))
        #expect(rules.classify(safe: 2, age: 70, mep: false, nihss: nil) == .missing([Notice(Prep2Input.nihss)]))
        guard case .missing(let noMep) = rules.classify(safe: 2, age: 70, mep: nil, nihss: 9) else {
            Issue.record("MEP is needed")
            return
        }
        #expect(noMep.first?.text == "MEP status (TMS, days 3–7)")
        #expect(rules.recoveryClass(.category(.limited), mep: false) == .poor)
        #expect(rules.recoveryClass(.category(.good), mep: true) == .standard)
        #expect(rules.recoveryClass(.missing([Notice(Prep2Input.safe)]), mep: false) == .poor, "MEP− alone picks the poor class")
        #expect(rules.recoveryClass(.missing([Notice(Prep2Input.safe)]), mep: nil) == nil, "nothing known: the default priors")
    }

    /// The multi-start never ends above the single start, and a patient who recovers little
    /// from a low start (near van der Vliet's subgroup 1) is fitted within the χ² test.
    @Test func multiStartFromTheSubgroupCentresIsNeverWorse() throws {
        let recovery = try Self.recovery()
        var truth = try RecoveryModelTests.baseline()
        (truth.fm0, truth.rS, truth.tauN, truth.eta) = (3, 0.09, 37, 0.1)
        let schedule = try DoseSchedule([DoseSegment(start: 3, end: 60, pt: 30, ot: 30)])
        let clean = try RecoveryModel(truth, schedule: schedule).functionScores(days: 180)
        let days: [Double] = [3, 7, 14, 30, 60, 90]
        let noise: [Double] = [1, -2, 2, 0, -1, 1]
        let observations = try RecoveryObservations(days: days, scores: zip(days, noise).map { min(max(clean[Int($0)] + $1, 0), 66) }, horizon: 180)
        let multi = recovery.fitter(base: truth, schedule: schedule, observations: observations, recoveryClass: .standard).fit()
        let single = RecoveryFitter(
            base: truth, schedule: schedule, observations: observations, sigma: recovery.priors.sigmaFm.value,
            priors: recovery.priors.transformed(poorRecovery: false)
        ).fit()
        #expect(multi.totalCost <= single.totalCost + 1e-9)
        #expect(single.start == "specification")
        #expect(multi.passes, "data cost \(multi.dataCost) within \(multi.threshold)")
        let fitted = recovery.fitter(base: truth, schedule: schedule, observations: observations, recoveryClass: .standard).scores(multi.z)
        #expect(abs(fitted[90] - clean[90]) < 3, "day 90: fitted \(fitted[90]), truth \(clean[90])")
    }
}

/// The parameter file's statuses and citations after the clinical review.
@Suite struct RecoveryCitationTests {
    static func file() throws -> [String: Any] {
        let url = try #require(ProtocolLibrary.nearest(to: URL(fileURLWithPath: #filePath))).url(.recovery)
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// V6: rho and tau_w are modelling assumptions informed by the literature, not literature values.
    @Test func V6_rhoAndTauWAreAssumptionsInformedByTheLiterature() throws {
        let population = try RecoveryProtocolTests.recovery().population.population
        for name in ["rho", "tau_w"] {
            let entry = try #require(population[name])
            #expect(entry.status == .assumption && entry.justification.hasPrefix("assumption (informed by"), "\(name): \(entry.status)")
        }
    }

    /// V9: he-2020 is cited with its journal and DOI.
    @Test func V9_he2020CitedWithJournalAndDoi() throws {
        let sources = try #require(try Self.file()["sources"] as? [[String: Any]])
        let he = try #require(sources.first { $0["id"] as? String == "he-2020" })
        #expect((he["citation"] as? String)?.contains("Sci Adv 2020;6:eaba1933") == true)
        #expect(he["doi"] as? String == "10.1126/sciadv.aba1933")
    }
}
