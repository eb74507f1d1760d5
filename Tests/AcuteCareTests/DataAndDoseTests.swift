import AcuteCare
import Foundation
import Testing

@Suite struct DataAndDoseTests {
    @Test func warfarinWithoutINRNeedsTheINRInsteadOfEligible() throws {
        let evaluation = try Support.evaluate(["anticoagulant.type": "warfarin", "labs.inr": NSNull()])
        #expect(evaluation.ivt.status == "needs_data")
        #expect(evaluation.missingData.contains { $0.field == "labs.inr" && $0.blocking })
    }

    @Test func missingINRWithoutAnticoagulantIsNamedButDoesNotBlock() throws {
        let evaluation = try Support.evaluate(["labs.inr": NSNull()])
        #expect(evaluation.ivt.status == "eligible")
        #expect(evaluation.missingData.contains { $0.field == "labs.inr" && !$0.blocking })
        #expect(evaluation.ivt.warnings.contains { $0.hasPrefix("INR not known") })
    }

    @Test func thrombectomyWithoutAPunctureTimeNeedsItInsteadOfNotRecommended() throws {
        let evaluation = try Support.evaluate(["imaging.occlusion_site": "M1", "nihss": 14, "times.lkw_to_puncture_min": NSNull()])
        #expect(evaluation.evt.recommendation == "needs_data")
        #expect(evaluation.evt.recommendationByProfile.values.allSatisfy { $0 == "needs_data" })
        #expect(evaluation.missingData.contains { $0.field == "times.lkw_to_puncture_min" && $0.blocking })
    }

    @Test func unknownGlucoseBlocksTheDecision() throws {
        let evaluation = try Support.evaluate(["glucose_mg_dl": NSNull()])
        #expect(evaluation.ivt.status == "needs_data")
        #expect(evaluation.missingData.contains { $0.field == "glucose_mg_dl" && $0.blocking })
    }

    @Test(arguments: [(45.0, 40.5, 4.1, 36.4), (100.0, 90.0, 9.0, 81.0), (100.5, 90.0, 9.0, 81.0), (89.9, 80.9, 8.1, 72.8)])
    func alteplaseRoundsHalfUpAndPartsAddUp(weight: Double, total: Double, bolus: Double, infusion: Double) throws {
        let alteplase = try #require(try Support.evaluate(["weight_kg": weight]).doses.alteplase)
        #expect(alteplase.totalMg == total)
        #expect(alteplase.bolusMg == bolus)
        #expect(alteplase.infusionMg == infusion)
        #expect(((alteplase.bolusMg + alteplase.infusionMg) * 10).rounded() == (alteplase.totalMg * 10).rounded())
    }

    @Test(arguments: [(59.9, 15.0, 15.0), (60.0, 15.0, 17.5), (80.0, 20.0, 22.5), (90.0, 22.5, 25.0), (120.0, 25.0, 25.0)])
    func tenecteplaseGivesExactAndBandDose(weight: Double, exact: Double, band: Double) throws {
        let tenecteplase = try #require(try Support.evaluate(["weight_kg": weight]).doses.tenecteplase)
        #expect(tenecteplase.exactWeightBasedMg == exact)
        #expect(tenecteplase.bandDoseMg == band)
    }

    @Test func nihssItemsGiveTheTotalAndUntestableCountsZero() throws {
        let items: [String: Any] = [
            "1a": 0, "1b": 1, "1c": 0, "2": 1, "3": 0, "4": 2, "5a": "UN", "5b": 3, "6a": 0, "6b": 2,
            "7": 0, "8": 1, "9": 1, "10": 1, "11": 0,
        ]
        let presentation = try Support.presentation(["nihss": NSNull(), "nihss_items": items])
        #expect(presentation.facts.number(.nihss) == 12)
        #expect(presentation.nihssItems?["5a"] == .some(nil))
    }

    @Test func aspectsRegionsGiveTheScore() throws {
        let presentation = try Support.presentation(["imaging.aspects": NSNull(), "aspects_regions": ["C", "I", "M2"]])
        #expect(presentation.facts.number(.imagingAspects) == 7)
    }

    @Test func badInputIsRefusedNamingEveryField() throws {
        let changes: [String: Any] = ["times.lkw_to_decision_min": -5, "nihss": 43, "labs.inr": "abc", "age": NSNull(), "sex": "X"]
        #expect {
            _ = try Support.presentation(changes)
        } throws: { error in
            guard let problems = error as? InputProblems else { return false }
            let fields = Set(problems.problems.map(\.field))
            return fields.isSuperset(of: ["times.lkw_to_decision_min", "nihss", "labs.inr", "age", "sex"])
        }
    }

    static var routing: [String: Any] {
        [
            "lkw_to_scene_min": 40, "transfer_drive_min": 50,
            "local": ["drive_min": 15, "door_to_needle_min": 35, "door_in_door_out_min": 80],
            "evt_centre": ["drive_min": 60, "door_to_needle_min": 30, "door_to_puncture_min": 60, "transfer_door_to_puncture_min": 35],
        ]
    }

    @Test func dripAndShipAndMothershipAreComparedFromTravelTimes() throws {
        let evaluation = try Support.evaluate(["imaging.occlusion_site": "M1", "routing": Self.routing])
        let routing = try #require(evaluation.expectedOutcome.routing)
        #expect(routing.lvoProbability == 1)
        #expect(routing.options.map(\.name) == ["drip-and-ship", "mothership"])
        #expect(routing.options[0].onsetToNeedleMin == 90)
        #expect(routing.options[0].onsetToPunctureMin == 220)
        #expect(routing.options[1].onsetToNeedleMin == 130)
        #expect(routing.options[1].onsetToPunctureMin == 160)
        // Earlier thrombectomy beats earlier IVT for a certain LVO.
        #expect(routing.better == "mothership")
        #expect(routing.note.contains("RACECAT"))
    }

    @Test func badRoutingTimesAreNamed() throws {
        var routing = Self.routing
        routing["local"] = ["drive_min": -1]
        #expect {
            _ = try Support.presentation(["routing": routing])
        } throws: { error in
            let fields = Set((error as? InputProblems)?.problems.map(\.field) ?? [])
            return fields.isSuperset(of: ["routing.local.drive_min", "routing.local.door_to_needle_min"])
        }
    }

    @Test func outcomeModelMatchesTheHandCheck() {
        let estimate = Support.evaluator.outcomeModel.estimate(lvo: false, needle: 120, puncture: nil)
        #expect(abs(estimate.mrsProbabilities[0] - 0.3546) < 0.00005)
        let untreated = Support.evaluator.outcomeModel.estimate(lvo: true, needle: nil, puncture: nil)
        #expect(abs(untreated.meanMRS - 3.640) < 0.001)
    }
}
