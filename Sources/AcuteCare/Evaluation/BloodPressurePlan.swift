/// Blood-pressure targets for the options on the table: before and after IVT when IVT is
/// possible, around thrombectomy when it is, permissive targets when neither is.
enum BloodPressurePlan {
    static func plan(_ facts: Facts, _ bp: BloodPressureProtocol, _ phrases: Phrases, ivtPossible: Bool, evtPossible: Bool) -> [String: String] {
        var plan: [String: String] = [:]
        if ivtPossible {
            var before = bp.beforeIVT.text
            if let systolic = facts.number(.bpSystolic), let diastolic = facts.number(.bpDiastolic),
                systolic >= bp.beforeIVT.systolic || diastolic >= bp.beforeIVT.diastolic
            {
                before += phrases(
                    .bloodPressureNowLowerFirst,
                    ["systolic": TextTemplate.describe(systolic), "diastolic": TextTemplate.describe(diastolic), "agents": bp.agents])
            }
            plan["before_IVT"] = before
            plan["after_IVT_24h"] = bp.afterIVT
        }
        if evtPossible {
            if !ivtPossible { plan["before_EVT"] = bp.beforeEVT }
            plan["during_and_after_EVT_24h"] = bp.duringAfterEVT
            plan["after_successful_reperfusion"] = bp.afterReperfusion
        }
        if !ivtPossible && !evtPossible {
            plan["no_reperfusion"] = bp.noReperfusion.text
        }
        return plan
    }
}
