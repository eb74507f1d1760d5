import Foundation
import Rehabilitation
import Testing

/// Protocols/rehab/catalogue.json: sourced, consistent with the bench instances, and a new
/// modality added as data is planned like the others.
@Suite struct RehabCatalogueTests {
    static func catalogue() throws -> RehabCatalogue {
        try RehabCatalogue.decode(try Data(contentsOf: RehabFixtures.catalogue))
    }

    @Test func theCatalogueMatchesTheInstancesModalities() throws {
        let modalities = try Self.catalogue().instanceModalities(slotMinutes: 15)
        for size in ["S", "M"] {
            let week = try RehabFixtures.week(size)
            for modality in week.modalities {
                let entry = try #require(modalities.first { $0.id == modality.id })
                #expect(entry.skill == modality.skill && entry.requiresTherapist == modality.requiresTherapist && entry.roomType == modality.roomType)
                #expect(entry.maxGroup == modality.maxGroup && entry.defaultSlots == modality.defaultSlots && entry.restAfterSlots == modality.restAfterSlots)
                #expect(entry.teamRestricted == modality.teamRestricted && entry.minDaysAfterStroke == modality.minDaysAfterStroke)
            }
        }
    }

    @Test func theCatalogueCarriesTheGuidelineTargetsAndPriorities() throws {
        let catalogue = try Self.catalogue()
        #expect(catalogue.intensityTargets.contains { $0.minutesPerDay == 180 && $0.daysPerWeek == 5 })
        #expect(catalogue.priority(daysSinceStroke: 10) == 3)
        #expect(catalogue.priority(daysSinceStroke: 60) == 2)
        #expect(catalogue.priority(daysSinceStroke: 400) == 1)
    }

    @Test func aRuleCitingAnUnknownSourceIsRefused() throws {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: RehabFixtures.catalogue)) as? [String: Any])
        var rules = object["contraindication_rules"] as? [[String: Any]] ?? []
        rules[0]["sources"] = ["nowhere"]
        object["contraindication_rules"] = rules
        #expect { _ = try RehabCatalogue.decode(try JSONSerialization.data(withJSONObject: object)) } throws: {
            ($0 as? RehabWeekError)?.field == "contraindication_rules[0].sources"
        }
    }

    @Test func aModalityAddedAsDataIsPlanned() throws {
        // The clinic adds paraffin hand baths: a catalogue entry, a room and a prescription; no code.
        var object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: RehabFixtures.catalogue)) as? [String: Any])
        var modalities = object["modalities"] as? [[String: Any]] ?? []
        modalities.append([
            "id": "PARAFFIN", "name": "Paraffin hand bath", "discipline": "balneology", "skill": NSNull(), "requires_therapist": false,
            "room_type": "paraffin_room", "max_group": 3, "session_minutes": 30, "rest_after_minutes": 15, "team_restricted": false,
            "min_days_after_stroke": ["ischaemic": 2, "haemorrhagic": 7], "sources": ["rehab-domain"],
            "evidence": ["grade": "not rated", "text": "Not reviewed for stroke.", "sources": ["rehab-domain"]],
        ])
        object["modalities"] = modalities
        let catalogue = try RehabCatalogue.decode(try JSONSerialization.data(withJSONObject: object))
        let paraffin = try #require(try catalogue.instanceModalities(slotMinutes: 15).first { $0.id == "PARAFFIN" })
        let week = try RehabFixtures.week("S") { instance in
            var list = instance["modalities"] as? [[String: Any]] ?? []
            list.append([
                "id": paraffin.id, "name": "Paraffin hand bath", "discipline": "balneology", "skill": NSNull(), "requires_therapist": false,
                "room_type": paraffin.roomType, "max_group": paraffin.maxGroup, "default_slots": paraffin.defaultSlots,
                "rest_after_slots": paraffin.restAfterSlots, "team_restricted": false, "min_days_after_stroke": paraffin.minDaysAfterStroke,
            ])
            instance["modalities"] = list
            var rooms = instance["rooms"] as? [[String: Any]] ?? []
            rooms.append(["id": "PAR1", "type": paraffin.roomType, "capacity": 3, "max_sessions": 1, "open": Array(repeating: [[0, 32]], count: 5)])
            instance["rooms"] = rooms
            var prescriptions = instance["prescriptions"] as? [[String: Any]] ?? []
            for (index, patient) in ["P001", "P002", "P003"].enumerated() {
                prescriptions.append([
                    "id": "R90\(index)", "patient": patient, "modality": "PARAFFIN", "sessions_per_week": 2, "session_slots": 2, "max_per_day": 1,
                ])
            }
            instance["prescriptions"] = prescriptions
        }
        let result = try WeeklySolver(week: week).solve(.init(seconds: 300, seed: 1, epochs: 1))
        #expect(ScheduleScorer(week: week).score(RehabFixtures.scorerRows(result.rows)).feasible)
        #expect(result.rows.filter { $0.modality == "PARAFFIN" }.count == 6)
    }
}
