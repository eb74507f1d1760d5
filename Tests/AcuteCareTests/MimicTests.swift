import AcuteCare
import Clinical
import Foundation
import Testing

/// Mimics and cautions (issue 18, item 3): flags and notes that reach the answer and never
/// change a decision by themselves.
@Suite struct MimicTests {
    @Test func eachMimicIsFlaggedAndNothingElseChanges() throws {
        let plain = try Support.evaluate()
        #expect(plain.mimics.isEmpty)
        for (changes, id) in [
            (["history.seizure_at_onset": true] as [String: Any], "seizure_todd"), (["symptoms.migraine_aura": true], "migraine_aura"),
            (["symptoms.functional_signs": true], "functional"), (["glucose_mg_dl": 45], "hypoglycaemia"),
        ] {
            let flagged = try Support.evaluate(changes)
            #expect(flagged.mimics.map(\.id).contains(id), "\(id): \(flagged.mimics.map(\.id))")
            #expect(flagged.mimics.allSatisfy { !$0.sources.isEmpty })
        }
        // A migraine aura or functional signs alone change neither option.
        for changes in [["symptoms.migraine_aura": true], ["symptoms.functional_signs": true]] {
            let flagged = try Support.evaluate(changes)
            #expect(flagged.ivt.status == plain.ivt.status && flagged.ivt.codes == plain.ivt.codes && flagged.evt.recommendation == plain.evt.recommendation)
            #expect(flagged.antiplatelet.rule == plain.antiplatelet.rule && flagged.doses.tenecteplase?.bandDoseMg == plain.doses.tenecteplase?.bandDoseMg)
            #expect(flagged.mimics.map(\.id).contains("mimic_ivt_risk"))
        }
    }

    @Test func mimicsReachTheJSON() throws {
        var writer = JSONWriter()
        try Support.evaluate(["symptoms.migraine_aura": true]).write(to: &writer)
        let json = try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any]
        #expect((json?["mimics"] as? [[String: Any]])?.contains { $0["id"] as? String == "migraine_aura" } == true)
        #expect((json?["antiplatelet"] as? [String: Any])?["rule"] as? String == "after_thrombolysis")
    }
}
