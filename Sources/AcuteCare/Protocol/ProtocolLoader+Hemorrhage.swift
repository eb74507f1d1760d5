import Clinical

extension ProtocolLoader {
    /// hemorrhage.json; `scores` are the scores read from scores.json (the ICH score must be one).
    mutating func readHemorrhage(_ document: [String: JSONValue], scores: [ScoreDefinition]) throws(ProtocolError) -> HemorrhageProtocol {
        var reader = ProtocolReader(file: "hemorrhage.json")
        let applies = try compile(reader, document["applies_when"], "applies_when")
        reader.rule = "blood_pressure"
        let bp = try reader.object(document["blood_pressure"], "blood_pressure")
        let bloodPressure = HemorrhageProtocol.BloodPressure(
            lowerFrom: try reader.number(bp["lower_from_systolic"], "lower_from_systolic"),
            lowerUpTo: try reader.number(bp["lower_up_to_systolic"], "lower_up_to_systolic"),
            target: try reader.number(bp["target_systolic"], "target_systolic"),
            range: try reader.numbers(bp["target_range"], "target_range", count: 2),
            avoidBelow: try reader.number(bp["avoid_below_systolic"], "avoid_below_systolic"), lowerText: try reader.string(bp["lower_text"], "lower_text"),
            aboveText: try reader.string(bp["above_text"], "above_text"), belowText: try reader.string(bp["below_text"], "below_text"),
            unknownText: try reader.string(bp["unknown_text"], "unknown_text"), sources: try cited(reader, bp["sources"]))
        guard bloodPressure.range.count == 2, bloodPressure.range[0] <= bloodPressure.target, bloodPressure.target <= bloodPressure.range[1] else {
            throw reader.fail("target_range", "must be [low, high] around target_systolic")
        }
        reader.rule = "ich_score"
        let score = try reader.object(document["ich_score"], "ich_score")
        let scoreID = try reader.string(score["score"], "score")
        guard scores.contains(where: { $0.id == scoreID }) else { throw reader.fail("score", "\(scoreID) is not a score of scores.json") }
        let caution = try reader.string(score["caution"], "caution")
        let cautionSources = try cited(reader, score["sources"])
        var reversal: [HemorrhageProtocol.Reversal] = []
        for (index, value) in try reader.array(document["reversal"], "reversal").enumerated() {
            let members = try reader.object(value, "reversal[\(index)]")
            let id = try reader.string(members["id"], "reversal[\(index)].id")
            reader.rule = id
            var agents: [HemorrhageProtocol.Agent] = []
            for (position, element) in try reader.array(members["agents"], "agents").enumerated() {
                let agent = try reader.object(element, "agents[\(position)]")
                agents.append(
                    .init(
                        agent: try reader.string(agent["agent"], "agents[\(position)].agent"),
                        text: try reader.string(agent["text"], "agents[\(position)].text"),
                        dose: try readDose(reader, agent["dose"], "agents[\(position)].dose")))
            }
            reversal.append(
                .init(
                    id: id, title: try reader.string(members["title"], "title"), when: try compile(reader, members["when"], "when"), agents: agents,
                    notes: try reader.optionalStrings(members["notes"], "notes"), sources: try cited(reader, members["sources"])))
        }
        let urgent = try readNotes(&reader, document["urgent"], "urgent")
        return HemorrhageProtocol(
            appliesWhen: applies, bloodPressure: bloodPressure, scoreID: scoreID, caution: caution, cautionSources: cautionSources, reversal: reversal,
            urgent: urgent)
    }

    /// A dose: `{"fixed": 10, "unit": "mg"}`, `{"of": fact, "per": x, "max": y, "unit": …}`,
    /// `{"of": fact, "by": fact, "bands": [{"from", "below", "per", "max"}], …}` or
    /// `{"text_only": true}`.
    private func readDose(_ reader: ProtocolReader, _ value: JSONValue?, _ field: String) throws(ProtocolError) -> HemorrhageProtocol.Dose {
        let members = try reader.object(value, field)
        if members["text_only"] == .bool(true) { return .init(kind: .textOnly, unit: "", perText: "") }
        let unit = try reader.string(members["unit"], "\(field).unit")
        if let fixed = members["fixed"] { return .init(kind: .fixed(try reader.number(fixed, "\(field).fixed")), unit: unit, perText: "") }
        func fact(_ key: String) throws(ProtocolError) -> Fact {
            let name = try reader.string(members[key], "\(field).\(key)")
            guard let fact = Fact.named(name), case .number = fact.definition.kind else {
                throw reader.fail("\(field).\(key)", "\(name) is not a numeric fact")
            }
            return fact
        }
        let perText = try reader.string(members["per_text"], "\(field).per_text")
        let of = try fact("of")
        guard members["by"] != nil else {
            return .init(
                kind: .scaled(
                    of: of, per: try reader.number(members["per"], "\(field).per"),
                    max: try members["max"].map { value throws(ProtocolError) in try reader.number(value, "\(field).max") }),
                unit: unit, perText: perText)
        }
        var bands: [HemorrhageProtocol.Dose.Band] = []
        for (index, element) in try reader.array(members["bands"], "\(field).bands").enumerated() {
            let band = try reader.object(element, "\(field).bands[\(index)]")
            let name = "\(field).bands[\(index)]"
            func bound(_ key: String) throws(ProtocolError) -> Double? {
                try band[key].map { value throws(ProtocolError) in try reader.number(value, "\(name).\(key)") }
            }
            let parsed = HemorrhageProtocol.Dose.Band(
                from: try bound("from"), above: try bound("above"), to: try bound("to"), below: try bound("below"),
                per: try reader.number(band["per"], "\(name).per"), max: try bound("max"))
            guard (parsed.from == nil) != (parsed.above == nil), parsed.to == nil || parsed.below == nil else {
                throw reader.fail(name, "needs one lower bound (from or above) and at most one upper bound (to or below)")
            }
            // Bands in order, none starting before the one before it ends.
            if let last = bands.last, let lower = parsed.from ?? parsed.above, let upper = last.to ?? last.below, lower < upper {
                throw reader.fail(name, "starts before the band before it ends")
            }
            bands.append(parsed)
        }
        guard !bands.isEmpty else { throw reader.fail("\(field).bands", "must not be empty") }
        return .init(
            kind: .banded(of: of, by: try fact("by"), bands: bands), unit: unit, perText: perText,
            outsideText: try reader.optionalString(members["outside_text"], "\(field).outside_text"))
    }
}
