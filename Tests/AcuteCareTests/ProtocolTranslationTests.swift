import AcuteCare
import Clinical
import Foundation
import ProtocolLibrary
import Testing

/// The Swedish statements of `Protocols/` (hazard T8): every statement translated, none left
/// over, each keeping its numbers and placeholders, and the translated acute protocol deciding
/// exactly as the English one.
@Suite struct ProtocolTranslationTests {
    static let library = Support.library
    static let swedish: AcuteEvaluator = {
        do {
            return AcuteEvaluator(protocol: try library.acute(language: "sv"))
        } catch {
            preconditionFailure("the Swedish protocol does not load: \(error)")
        }
    }()

    @Test(arguments: ProtocolTranslation.Area.allCases)
    func T8_everyStatementHasOneSwedishTranslationAndNoneIsLeftOver(area: ProtocolTranslation.Area) throws {
        let statements = try Self.library.statements(of: area)
        let translation = try Self.library.translation(of: area, language: "sv")
        #expect(statements.count > 10, "the scan finds the statements of \(area)")
        #expect(statements.subtracting(translation.statements.keys).sorted() == [], "statements of \(area) without a Swedish translation")
        #expect(Set(translation.statements.keys).subtracting(statements).sorted() == [], "translations of statements \(area) no longer has")
    }

    @Test(arguments: ProtocolTranslation.Area.allCases)
    func T8_eachTranslationKeepsEveryNumberAndPlaceholder(area: ProtocolTranslation.Area) throws {
        for (english, swedish) in try Self.library.translation(of: area, language: "sv").statements {
            #expect(
                ProtocolTranslation.figures(english, decimalComma: false) == ProtocolTranslation.figures(swedish, decimalComma: true),
                "\(english) → \(swedish)")
            #expect(ProtocolTranslation.placeholders(english) == ProtocolTranslation.placeholders(swedish), "\(english) → \(swedish)")
        }
    }

    @Test func T8_aNumberOrComparisonChangedOrMovedInTranslationIsFound() {
        let figures = ProtocolTranslation.figures
        #expect(figures("up to 4.5 h, 1,000 mg", false) == figures("upp till 4,5 h, 1000 mg", true))
        #expect(figures("age >= 80", false) == figures("ålder >= 80", true))
        #expect(figures("up to 4.5 h", false) != figures("upp till 3 h", true))
        #expect(figures("SBP <185 mmHg", false) != figures("SBP <180 mmHg", true))
        #expect(figures("INR >1.7", false) != figures("INR <1,7", true))
        #expect(figures("SBP <185 and DBP >110", false) != figures("SBP >185 och DBP <110", true), "the signs moved")
        #expect(figures("bolus 6.9 mg, infusion 62.4 mg", false) != figures("infusion 62,4 mg, bolus 6,9 mg", true), "the doses swapped")
    }

    @Test func T8_theSwedishProtocolDecidesAsTheEnglishOnEveryVectorAndVariant() throws {
        let vectors = try JSONParser.parse(
            try Data(contentsOf: Support.library.directory.deletingLastPathComponent().appendingPathComponent("Tests/Fixtures/acute/cases.json")))
        guard case .array(let cases)? = vectors.object?["cases"] else {
            Issue.record("cases.json has no cases")
            return
        }
        var presentations = try cases.map { try PresentationReader(protocol: Support.acute).read($0.object?["presentation"] ?? .null) }
        presentations += try Self.variants.map { try Support.presentation($0) }
        let translation = try Self.library.translation(of: .acute, language: "sv")
        var said = 0
        for presentation in presentations {
            for profile in Support.acute.profiles.map(\.id) {
                let english = try JSONParser.parse(try Support.evaluator.evaluate(presentation, profile: profile).jsonBytes)
                let swedish = try JSONParser.parse(try Self.swedish.evaluate(presentation, profile: profile).jsonBytes)
                if let difference = translation.firstDifference(english, swedish, at: "") {
                    Issue.record("profile \(profile): the answers differ at \(difference)")
                }
                if english != swedish { said += 1 }
            }
        }
        #expect(presentations.count > 60)
        #expect(said == presentations.count * Support.acute.profiles.count, "every answer says something, in Swedish")
    }

    @Test func T8_anAnswerWithAnotherNumberCodeOrShapeDoesNotDecideAlike() throws {
        let translation = ProtocolTranslation(language: "sv", statements: ["pregnancy": "graviditet"])
        let english = try JSONParser.parse(
            Array(#"{"ivt":{"status":"eligible","dose_mg":62.4,"reasons":["age 68 is <= 80","pregnancy"],"basis":"0.9 mg/kg × 69 kg"}}"#.utf8))
        let said = try JSONParser.parse(
            Array(#"{"ivt":{"status":"eligible","dose_mg":62.4,"reasons":["ålder 68 är <= 80","graviditet"],"basis":"0,9 mg/kg × 69 kg"}}"#.utf8))
        #expect(translation.decidesAlike(english, said))
        let agents = try JSONParser.parse(Array(#"{"agents":[{"agent":"vitamin K","text":"IV by slow infusion"}]}"#.utf8))
        let swapped = try JSONParser.parse(Array(#"{"agents":[{"agent":"andexanet alfa","text":"IV som långsam infusion"}]}"#.utf8))
        #expect(translation.firstDifference(agents, swapped, at: "") == ".agents[0].agent", "a code with a space is still a code")
        for (changed, at) in [
            (#"{"ivt":{"status":"contraindicated","dose_mg":62.4,"reasons":["ålder 68 är <= 80","graviditet"],"basis":"0,9 mg/kg × 69 kg"}}"#, ".ivt.status"),
            (#"{"ivt":{"status":"eligible","dose_mg":6.24,"reasons":["ålder 68 är <= 80","graviditet"],"basis":"0,9 mg/kg × 69 kg"}}"#, ".ivt.dose_mg"),
            (#"{"ivt":{"status":"eligible","dose_mg":62.4,"reasons":["ålder 68 är > 80","graviditet"],"basis":"0,9 mg/kg × 69 kg"}}"#, ".ivt.reasons[0]"),
            (#"{"ivt":{"status":"eligible","dose_mg":62.4,"reasons":["ålder 68 är <= 80","gravid"],"basis":"0,9 mg/kg × 69 kg"}}"#, ".ivt.reasons[1]"),
            (#"{"ivt":{"status":"eligible","dose_mg":62.4,"reasons":["ålder 68 är <= 80","graviditet"],"basis":"9 mg/kg × 69 kg"}}"#, ".ivt.basis"),
            (#"{"ivt":{"status":"eligible","dose_mg":62.4,"reasons":[],"basis":"0,9 mg/kg × 69 kg"}}"#, ".ivt.reasons[]"),
            (#"{"ivt":{"status":"eligible","dose_mg":62.4,"basis":"0,9 mg/kg × 69 kg"}}"#, ".ivt{}"),
        ] {
            #expect(translation.firstDifference(english, try JSONParser.parse(Array(changed.utf8)), at: "") == at, "\(changed)")
        }
    }

    @Test func T8_aTranslationChangesWordsOnlyNeverAnIdOrACondition() throws {
        let document = try JSONParser.parse(
            Array(#"{"rules":[{"id":"age under 18","when":{"fact":"x","==":"a b"},"text":"a b","fails":"c d"}],"title":"one","label":"2%"}"#.utf8))
        let translation = ProtocolTranslation(
            language: "sv", statements: ["a b": "x y", "c d": "z w", "age under 18": "ålder", "one": "ett", "x": "y", "2%": "3%"])
        let translated = translation.apply(to: document, area: .acute)
        let expected = try JSONParser.parse(
            Array(#"{"rules":[{"id":"age under 18","when":{"fact":"x","==":"a b"},"text":"x y","fails":"z w"}],"title":"ett","label":"2%"}"#.utf8))
        #expect(translated == expected, "ids, conditions and values without a letter stay as they are")
    }

    @Test func T8_theHazardLogListsEveryTranslation() throws {
        let root = Self.library.directory.deletingLastPathComponent()
        let expected = try Self.translationLog()
        let document = root.appendingPathComponent("docs/clinical-safety-translations.md")
        let written = (try? String(contentsOf: document, encoding: .utf8)) ?? ""
        if written != expected {
            let proposal = root.appendingPathComponent(".build/clinical-safety-translations.md")
            try expected.write(to: proposal, atomically: true, encoding: .utf8)
            Issue.record("docs/clinical-safety-translations.md is not the list of the translations: compare it with \(proposal.path)")
        }
    }

    /// The hazard log's list of translations (T8): each statement with its id, English, Swedish and review.
    static func translationLog() throws -> String {
        var lines = [
            "# Translations of the protocols' statements (hazard log, T8)", "",
            "Each row is one statement of `Protocols/` with the Swedish a Swedish page shows in its place "
                + "(`Protocols/<area>/sv.json`); the id is the area and a hash of the English, so a statement changed in English "
                + "gets a new row (and shows in English until translated again). Every row is a draft until a Swedish-speaking "
                + "stroke physician (doses: and a pharmacist; rehab: and a physiotherapist) has read it beside the English: see "
                + "`docs/clinical-safety.md`, T8. Written by `ProtocolTranslationTests.T8_theHazardLogListsEveryTranslation`, "
                + "which fails when this list and the translations differ.", "",
        ]
        for area in ProtocolTranslation.Area.allCases {
            let statements = try library.translation(of: area, language: "sv").statements.sorted { $0.key < $1.key }
            lines += ["## \(area.rawValue) (\(statements.count))", "", "| id | English | Swedish | review |", "|---|---|---|---|"]
            for (english, swedish) in statements {
                lines.append("| T8-\(area.rawValue)-\(hash(english)) | \(cell(english)) | \(cell(swedish)) | draft |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    /// FNV-1a, 32 bits, in hex: a short id that stays while the English stays.
    static func hash(_ text: String) -> String {
        let value = text.utf8.reduce(UInt32(2_166_136_261)) { ($0 ^ UInt32($1)) &* 16_777_619 }
        return String(value, radix: 16).leftPadded(to: 8)
    }

    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }

    /// Answers that reach the engine's own phrases: unknown values, reversal doses, blood pressure to lower first, LVO windows.
    static var variants: [[String: Any]] {
        [
            [:], ["weight_kg": NSNull()], ["labs.platelets_10e9_l": NSNull(), "labs.inr": NSNull()], ["bp.systolic": 200, "bp.diastolic": 115],
            ["imaging.hemorrhage": true, "anticoagulant.type": "warfarin", "labs.inr": 3.1],
            ["imaging.hemorrhage": true, "anticoagulant.type": "apixaban"], ["imaging.hemorrhage": true, "anticoagulant.type": "none"],
            ["imaging.hemorrhage": true, "anticoagulant.type": "warfarin", "labs.inr": NSNull()],
            ["imaging.hemorrhage": true, "anticoagulant.type": "ufh"], ["times.onset_type": "wake_up", "times.lkw_to_decision_min": 500],
            ["times.lkw_to_decision_min": 300], ["deficit_disabling": NSNull()], ["history": NSNull()], ["nihss": NSNull()],
            ["glucose_mg_dl": 40], ["age": 92, "prestroke_mrs": 3],
        ] + [90.0, 400, 900, 1500].map { Support.lvo(puncture: $0) } + [Support.lvo(puncture: 600, ["imaging.occlusion_site": "basilar"])]
    }

}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
