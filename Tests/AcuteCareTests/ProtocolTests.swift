import AcuteCare
import Foundation
import Testing

@Suite struct ProtocolTests {
    @Test func theProjectsProtocolLoadsWithThreeProfiles() {
        #expect(Support.acute.profiles.map(\.id) == ["aha-2019", "aha-2026", "eso"])
    }

    /// Every rule, pathway, trial, statement and score must cite a source in sources.json;
    /// the loader refuses a file that does not, naming the file, the rule and the field.
    @Test func aRuleWithoutSourcesIsRefused() throws {
        let files = try Self.changingRule("platelets-low") { $0["sources"] = [String]() }
        #expect(throws: ProtocolError(file: "ivt.json", rule: "platelets-low", field: "sources", message: "must cite at least one source")) {
            _ = try AcuteProtocol.decode(files: files)
        }
    }

    /// The protocol files with one IVT rule changed by `change`.
    static func changingRule(_ id: String, _ change: (inout [String: Any]) -> Void) throws -> [String: Data] {
        var files = try Support.files()
        let data = try #require(files["ivt.json"])
        var ivt = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var rules = try #require(ivt["rules"] as? [[String: Any]])
        let index = try #require(rules.firstIndex { $0["id"] as? String == id })
        change(&rules[index])
        ivt["rules"] = rules
        files["ivt.json"] = try JSONSerialization.data(withJSONObject: ivt)
        return files
    }

    @Test func everyCitedSourceExistsAndEveryRuleCitesOne() throws {
        let files = try Support.files()
        let cited = try Self.citedSources(files)
        #expect(!cited.isEmpty)
        for id in cited { #expect(Support.acute.sources[id] != nil, "\(id) is cited but not listed") }
    }

    @Test func anUnknownFactIsRefusedWithFileRuleAndField() throws {
        let files = try Self.changingRule("platelets-low") { $0["if"] = ["fact": "labs.platelets", "<": 100] }
        #expect(throws: ProtocolError(file: "ivt.json", rule: "platelets-low", field: "if.fact", message: "labs.platelets is not a known fact")) {
            _ = try AcuteProtocol.decode(files: files)
        }
    }

    @Test func aValueOutsideAFactsVocabularyIsRefused() throws {
        var files = try Support.files()
        let data = try #require(files["evt.json"])
        let evt = String(decoding: data, as: UTF8.self)
        files["evt.json"] = Data(evt.replacingOccurrences(of: #""basilar""#, with: #""basilar_artery""#).utf8)
        #expect(throws: ProtocolError.self) { _ = try AcuteProtocol.decode(files: files) }
    }

    /// Walks every JSON object with "id" and a "sources"/"level" member and collects cited ids,
    /// checking each rule-like object cites at least one.
    static func citedSources(_ files: [String: Data]) throws -> Set<String> {
        var cited = Set<String>()
        func walk(_ value: Any, _ file: String) {
            if let object = value as? [String: Any] {
                if object["id"] != nil || object["level"] != nil, object["criteria"] != nil || object["if"] != nil || object["level"] != nil {
                    let sources = object["sources"] as? [String] ?? []
                    #expect(!sources.isEmpty, "\(file): \(object["id"] ?? object["level"] ?? "?") cites no source")
                    cited.formUnion(sources)
                }
                for inner in object.values { walk(inner, file) }
            } else if let array = value as? [Any] {
                for inner in array { walk(inner, file) }
            }
        }
        for (name, data) in files where name != "sources.json" {
            walk(try JSONSerialization.jsonObject(with: data), name)
        }
        return cited
    }
}
