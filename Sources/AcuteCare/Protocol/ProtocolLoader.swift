import Clinical
import Foundation

/// The anchor tables the outcome model needs from outcome.json.
let requiredOutcomeTables = [
    "no_treatment_lvo", "no_treatment_nlvo", "no_effect_nlvo_ivt_deaths", "no_effect_lvo_ivt_deaths",
    "no_effect_lvo_mt_deaths", "t0_treatment_nlvo_ivt", "t0_treatment_lvo_ivt", "t0_treatment_lvo_mt",
]

/// Turns each protocol file's JSON into its typed part, checking citations against the
/// source list and conditions against the fact catalogue, compiling every condition.
struct ProtocolLoader {
    let sources: [String: AcuteProtocol.Source]
    /// Every condition read so far, compiled.
    var arena = ConditionArena()
    var profiles: [String] = []
    /// Each profile's jurisdiction, parallel to `profiles`.
    var jurisdictions: [String] = []
    private var pathwayIDs: [String] = []

    init(sources: [String: AcuteProtocol.Source]) {
        self.sources = sources
    }

    func cited(_ reader: ProtocolReader, _ value: JSONValue?, field: String = "sources") throws(ProtocolError) -> [String] {
        let ids = try reader.strings(value, field)
        guard !ids.isEmpty else { throw reader.fail(field, "must cite at least one source") }
        for id in ids where sources[id] == nil {
            throw reader.fail(field, "\(id) is not in sources.json")
        }
        return ids
    }

    mutating func readProfiles(_ document: [String: JSONValue]) throws(ProtocolError) -> (String, [AcuteProtocol.Profile], String) {
        var reader = ProtocolReader(file: "profiles.json")
        var profiles: [AcuteProtocol.Profile] = []
        for (index, value) in try reader.array(document["profiles"], "profiles").enumerated() {
            let members = try reader.object(value, "profiles[\(index)]")
            let id = try reader.string(members["id"], "profiles[\(index)].id")
            reader.rule = id
            _ = try cited(reader, members["sources"])
            profiles.append(
                .init(
                    id: id, title: try reader.string(members["title"], "title"), jurisdiction: try reader.string(members["jurisdiction"], "jurisdiction"),
                    supersededBy: try reader.optionalString(members["superseded_by"], "superseded_by"),
                    verification: try reader.optionalString(members["verification"], "verification")
                ))
        }
        for profile in profiles {
            reader.rule = profile.id
            if let newer = profile.supersededBy, !profiles.contains(where: { $0.id == newer && $0.supersededBy == nil }) {
                throw reader.fail("superseded_by", "\(newer) is not a current profile")
            }
        }
        reader.rule = ""
        let defaultProfile = try reader.string(document["default_profile"], "default_profile")
        guard let chosen = profiles.first(where: { $0.id == defaultProfile }) else {
            throw reader.fail("default_profile", "\(defaultProfile) is not a profile")
        }
        guard chosen.supersededBy == nil else { throw reader.fail("default_profile", "\(defaultProfile) is superseded; the default must be current") }
        return (try reader.string(document["version"], "version"), profiles, defaultProfile)
    }

    /// Bit i set for each profile the rule lists, or each profile of the jurisdictions it
    /// lists (all profiles when it lists neither).
    private func profileMask(_ reader: ProtocolReader, _ members: [String: JSONValue]) throws(ProtocolError) -> UInt8 {
        switch (members["profiles"], members["jurisdictions"]) {
        case (let value?, nil) where value != .null:
            var mask: UInt8 = 0
            for id in try reader.strings(value, "profiles") {
                guard let index = profiles.firstIndex(of: id), index < 8 else { throw reader.fail("profiles", "\(id) is not a profile in profiles.json") }
                mask |= 1 << UInt8(index)
            }
            return mask
        case (nil, let value?) where value != .null:
            var mask: UInt8 = 0
            for jurisdiction in try reader.strings(value, "jurisdictions") {
                guard jurisdictions.contains(jurisdiction) else { throw reader.fail("jurisdictions", "no profile is of jurisdiction \(jurisdiction)") }
                for (index, own) in jurisdictions.enumerated() where own == jurisdiction {
                    guard index < 8 else { throw reader.fail("jurisdictions", "profile \(profiles[index]) is beyond the eighth, which rules cannot name") }
                    mask |= 1 << UInt8(index)
                }
            }
            return mask
        case (nil, nil):
            return UInt8.max
        default:
            throw reader.fail("profiles", "name profiles or jurisdictions, not both")
        }
    }

    mutating func compile(_ reader: ProtocolReader, _ value: JSONValue?, _ field: String) throws(ProtocolError) -> ConditionArena.Ref {
        arena.add(try reader.condition(value, field))
    }

    private mutating func criteria(_ reader: ProtocolReader, _ value: JSONValue?) throws(ProtocolError) -> [Criterion] {
        var result: [Criterion] = []
        for (index, element) in try reader.array(value, "criteria").enumerated() {
            let members = try reader.object(element, "criteria[\(index)]")
            result.append(
                Criterion(
                    condition: try compile(reader, members["if"], "criteria[\(index)].if"),
                    fails: try reader.string(members["fails"], "criteria[\(index)].fails")))
        }
        return result
    }

    private mutating func conditionalTexts(_ reader: ProtocolReader, _ value: JSONValue?, _ field: String) throws(ProtocolError) -> [ConditionalText] {
        guard let value, value != .null else { return [] }
        var result: [ConditionalText] = []
        for (index, element) in try reader.array(value, field).enumerated() {
            let members = try reader.object(element, "\(field)[\(index)]")
            result.append(
                ConditionalText(
                    condition: try compile(reader, members["if"], "\(field)[\(index)].if"),
                    text: try reader.string(members["text"], "\(field)[\(index)].text")))
        }
        return result
    }

    mutating func readThrombolysis(_ document: [String: JSONValue]) throws(ProtocolError) -> (UnitConventions, ThrombolysisProtocol) {
        var reader = ProtocolReader(file: "ivt.json")
        let unitMembers = try reader.object(document["units"], "units")
        let classMembers = try reader.object(unitMembers["anticoagulant_classes"], "units.anticoagulant_classes")
        var classes: [Int16] = []
        for type in Fact.anticoagulantType.vocabulary {
            let field = "units.anticoagulant_classes.\(type)"
            let name = try reader.string(classMembers[type], field)
            guard let index = Fact.anticoagulantClass.vocabulary.firstIndex(of: name) else {
                throw reader.fail(field, "\(name) is not a value of anticoagulant.class (\(Fact.anticoagulantClass.vocabulary.joined(separator: ", ")))")
            }
            classes.append(Int16(index))
        }
        let units = UnitConventions(
            glucoseMgDlPerMmolL: try reader.number(unitMembers["glucose_mg_dl_per_mmol_l"], "units.glucose_mg_dl_per_mmol_l"),
            glucoseAgreementMmolL: try reader.number(unitMembers["glucose_agreement_mmol_l"], "units.glucose_agreement_mmol_l"),
            anticoagulantClassByType: classes
        )
        let pathwayValues = try reader.array(document["pathways"], "pathways")
        for (index, value) in pathwayValues.enumerated() {
            pathwayIDs.append(try reader.string(try reader.object(value, "pathways[\(index)]")["id"], "pathways[\(index)].id"))
        }
        reader.pathways = pathwayIDs
        var pathways: [ThrombolysisPathway] = []
        for (index, value) in pathwayValues.enumerated() {
            let members = try reader.object(value, "pathways[\(index)]")
            reader.rule = pathwayIDs[index]
            pathways.append(
                ThrombolysisPathway(
                    id: pathwayIDs[index], title: try reader.string(members["title"], "title"),
                    window: try compile(reader, members["window"], "window"),
                    failsPrefix: try reader.optionalString(members["fails_prefix"], "fails_prefix") ?? "",
                    criteria: try criteria(reader, members["criteria"]),
                    warnings: try conditionalTexts(reader, members["warn_if"], "warn_if"),
                    agents: try agents(reader, members["agents"]),
                    agentsRationale: try reader.string(members["agents_rationale"], "agents_rationale"),
                    agentsSources: try cited(reader, members["agents_sources"], field: "agents_sources"),
                    evidence: try reader.string(members["evidence"], "evidence"), sources: try cited(reader, members["sources"])
                ))
        }
        reader.rule = ""
        let outside = try conditionalTexts(reader, document["outside_windows"], "outside_windows")
        var rules: [ThrombolysisRule] = []
        var ids = Set<String>()
        for (index, value) in try reader.array(document["rules"], "rules").enumerated() {
            let members = try reader.object(value, "rules[\(index)]")
            let id = try reader.string(members["id"], "rules[\(index)].id")
            reader.rule = id
            guard ids.insert(id).inserted else { throw reader.fail("id", "is used by another rule") }
            guard let category = ThrombolysisRule.Category(rawValue: try reader.string(members["category"], "category")) else {
                throw reader.fail("category", "must be not_indicated, correct_before_treatment, contraindication, warning or note")
            }
            let severityText = try reader.optionalString(members["severity"], "severity")
            let severity = try severityText.map { (text: String) throws(ProtocolError) -> ThrombolysisRule.Severity in
                guard let severity = ThrombolysisRule.Severity(rawValue: text) else { throw reader.fail("severity", "must be absolute or relative") }
                return severity
            }
            if category == .contraindication, severity == nil { throw reader.fail("severity", "a contraindication needs absolute or relative") }
            let whenUnknownText = try reader.optionalString(members["when_unknown"], "when_unknown") ?? "needs_data"
            guard let whenUnknown = ThrombolysisRule.WhenUnknown(rawValue: whenUnknownText) else {
                throw reader.fail("when_unknown", "must be needs_data, pending or ignore")
            }
            rules.append(
                ThrombolysisRule(
                    id: id, code: try reader.string(members["code"], "code"), category: category, severity: severity,
                    profileMask: try profileMask(reader, members), condition: try compile(reader, members["if"], "if"),
                    text: try reader.string(members["text"], "text"), notes: try reader.optionalStrings(members["notes"], "notes"),
                    whenUnknown: whenUnknown,
                    needsDataIf: members["needs_data_if"] == nil ? nil : try compile(reader, members["needs_data_if"], "needs_data_if"),
                    pendingText: try reader.optionalString(members["pending_text"], "pending_text"),
                    sources: try cited(reader, members["sources"])
                ))
        }
        return (units, ThrombolysisProtocol(pathways: pathways, outsideWindows: outside, rules: rules))
    }

    /// A statement's warnings: a text shown whenever the statement is the answer, or
    /// `{"if": condition, "text": …}` shown when the condition also holds.
    private mutating func statementWarnings(_ reader: ProtocolReader, _ value: JSONValue?, _ field: String) throws(ProtocolError) -> [ConditionalText] {
        guard let value, value != .null else { return [] }
        var warnings: [ConditionalText] = []
        for (index, element) in try reader.array(value, field).enumerated() {
            if case .string(let text) = element {
                warnings.append(ConditionalText(condition: arena.add(.always), text: text))
            } else {
                let members = try reader.object(element, "\(field)[\(index)]")
                warnings.append(
                    ConditionalText(
                        condition: try compile(reader, members["if"], "\(field)[\(index)].if"),
                        text: try reader.string(members["text"], "\(field)[\(index)].text")))
            }
        }
        return warnings
    }

    /// Agents of a pathway: at least one, each a thrombolytic doses.json describes.
    private func agents(_ reader: ProtocolReader, _ value: JSONValue?) throws(ProtocolError) -> [String] {
        let agents = try reader.strings(value, "agents")
        guard !agents.isEmpty else { throw reader.fail("agents", "must name at least one agent") }
        for agent in agents where !Self.agents.contains(agent) {
            throw reader.fail("agents", "\(agent) is not one of \(Self.agents.joined(separator: ", "))")
        }
        return agents
    }

    static let agents = ["tenecteplase", "alteplase"]

    mutating func readThrombectomy(_ document: [String: JSONValue]) throws(ProtocolError) -> ThrombectomyProtocol {
        var reader = ProtocolReader(file: "evt.json")
        reader.pathways = pathwayIDs
        let trialValues = try reader.array(document["trials"], "trials")
        for (index, value) in trialValues.enumerated() {
            reader.trials.append(try reader.string(try reader.object(value, "trials[\(index)]")["id"], "trials[\(index)].id"))
        }
        guard reader.trials.count <= 64 else { throw reader.fail("trials", "at most 64 trials") }
        var trials: [ThrombectomyTrial] = []
        for (index, value) in trialValues.enumerated() {
            let members = try reader.object(value, "trials[\(index)]")
            reader.rule = reader.trials[index]
            trials.append(
                ThrombectomyTrial(
                    id: reader.trials[index], title: try reader.string(members["title"], "title"),
                    sites: try occlusionSites(reader, members["sites"]), criteria: try criteria(reader, members["criteria"]),
                    warningsWhenMet: try conditionalTexts(reader, members["warnings_when_met"], "warnings_when_met"),
                    sources: try cited(reader, members["sources"])
                ))
        }
        var statements: [[ThrombectomyStatement]] = []
        let byProfile = try reader.object(document["statements"], "statements")
        for profile in profiles {
            reader.rule = "statements.\(profile)"
            var list: [ThrombectomyStatement] = []
            for (index, value) in try reader.array(byProfile[profile], "statements.\(profile)").enumerated() {
                let members = try reader.object(value, "[\(index)]")
                let recommendation = try reader.optionalString(members["recommendation"], "[\(index)].recommendation")
                if let recommendation, !Self.recommendations.contains(recommendation) {
                    throw reader.fail("[\(index)].recommendation", "must be one of \(Self.recommendations.joined(separator: ", "))")
                }
                let basisText = try reader.optionalString(members["basis"], "[\(index)].basis") ?? "statement"
                guard let basis = ThrombectomyStatement.Basis(rawValue: basisText) else {
                    throw reader.fail("[\(index)].basis", "must be statement or no_statement")
                }
                list.append(
                    ThrombectomyStatement(
                        level: try reader.string(members["level"], "[\(index)].level"), recommendation: recommendation, basis: basis,
                        condition: try compile(reader, members["if"], "[\(index)].if"),
                        warnings: try statementWarnings(reader, members["warnings"], "[\(index)].warnings"), sources: try cited(reader, members["sources"])
                    ))
            }
            statements.append(list)
        }
        reader.rule = ""
        let without = try reader.object(document["without_statement"], "without_statement")
        return ThrombectomyProtocol(
            applicable: try compile(reader, document["applicable_if"], "applicable_if"),
            notApplicableText: try reader.string(document["not_applicable_text"], "not_applicable_text"),
            withTrialMet: try reader.string(without["trial_met"], "without_statement.trial_met"),
            otherwise: try reader.string(without["otherwise"], "without_statement.otherwise"),
            trials: trials, statements: statements
        )
    }

    private func occlusionSites(_ reader: ProtocolReader, _ value: JSONValue?) throws(ProtocolError) -> [String] {
        let sites = try reader.strings(value, "sites")
        for site in sites where !Fact.imagingOcclusionSite.vocabulary.contains(site) {
            throw reader.fail("sites", "\(site) is not a value of imaging.occlusion_site")
        }
        return sites
    }

    static let recommendations = ["recommended", "reasonable", "may_be_considered", "not_recommended"]

    func readDoses(_ document: [String: JSONValue]) throws(ProtocolError) -> DosingProtocol {
        var reader = ProtocolReader(file: "doses.json")
        reader.rule = "alteplase"
        let a = try reader.object(document["alteplase"], "alteplase")
        _ = try cited(reader, a["sources"])
        let alteplase = DosingProtocol.Alteplase(
            mgPerKg: try reader.number(a["mg_per_kg"], "mg_per_kg"), maxMg: try reader.number(a["max_mg"], "max_mg"),
            bolusFraction: try reader.number(a["bolus_fraction"], "bolus_fraction"),
            infusionMinutes: try reader.number(a["infusion_minutes"], "infusion_minutes"),
            vialMg: try reader.number(a["vial_mg"], "vial_mg"), concentration: try reader.number(a["concentration_mg_per_ml"], "concentration_mg_per_ml"),
            regimen: try reader.string(a["regimen"], "regimen"), option: try reader.string(a["option"], "option")
        )
        reader.rule = "tenecteplase"
        let t = try reader.object(document["tenecteplase"], "tenecteplase")
        _ = try cited(reader, t["sources"])
        var bands: [DosingProtocol.TenecteplaseBand] = []
        for (index, value) in try reader.array(t["bands"], "bands").enumerated() {
            let members = try reader.object(value, "bands[\(index)]")
            bands.append(
                .init(
                    label: try reader.string(members["label"], "bands[\(index)].label"),
                    belowKg: try reader.optionalNumber(members["below_kg"], "bands[\(index)].below_kg"),
                    doseMg: try reader.number(members["dose_mg"], "bands[\(index)].dose_mg")))
        }
        guard bands.last?.belowKg == nil else { throw reader.fail("bands", "the last band must be open (below_kg null)") }
        let perKg = try reader.object(t["per_kg_bands"], "per_kg_bands")
        let perKgBands = DosingProtocol.PerKgBands(
            belowKg: try reader.number(perKg["below_kg"], "per_kg_bands.below_kg"),
            widthKg: try reader.number(perKg["band_width_kg"], "per_kg_bands.band_width_kg"),
            label: try reader.string(perKg["label"], "per_kg_bands.label"), warning: try reader.string(perKg["warning"], "per_kg_bands.warning"),
            sources: try cited(reader, perKg["sources"], field: "per_kg_bands.sources")
        )
        guard perKgBands.widthKg > 0, let first = bands.first?.belowKg, perKgBands.belowKg <= first else {
            throw reader.fail("per_kg_bands", "needs a positive band width and below_kg no higher than the first band's")
        }
        let tenecteplase = DosingProtocol.Tenecteplase(
            mgPerKg: try reader.number(t["mg_per_kg"], "mg_per_kg"), maxMg: try reader.number(t["max_mg"], "max_mg"),
            concentration: try reader.number(t["concentration_mg_per_ml"], "concentration_mg_per_ml"),
            regimen: try reader.string(t["regimen"], "regimen"), option: try reader.string(t["option"], "option"),
            bandNote: try reader.string(t["band_note"], "band_note"), bands: bands, perKgBands: perKgBands
        )
        return DosingProtocol(alteplase: alteplase, tenecteplase: tenecteplase)
    }

    func readBloodPressure(_ document: [String: JSONValue]) throws(ProtocolError) -> BloodPressureProtocol {
        var reader = ProtocolReader(file: "blood-pressure.json")
        func section(_ key: String) throws(ProtocolError) -> [String: JSONValue] {
            reader.rule = key
            let members = try reader.object(document[key], key)
            _ = try cited(reader, members["sources"])
            return members
        }
        let before = try section("before_ivt")
        let none = try section("no_reperfusion")
        return BloodPressureProtocol(
            beforeIVT: (
                try reader.number(before["systolic_below"], "systolic_below"), try reader.number(before["diastolic_below"], "diastolic_below"),
                try reader.string(before["text"], "text")
            ),
            afterIVT: try reader.string(try section("after_ivt")["text"], "text"),
            beforeEVT: try reader.string(try section("before_evt")["text"], "text"),
            duringAfterEVT: try reader.string(try section("during_after_evt")["text"], "text"),
            afterReperfusion: try reader.string(try section("after_reperfusion")["text"], "text"),
            noReperfusion: (
                try reader.number(none["treat_at_or_above_systolic"], "treat_at_or_above_systolic"),
                try reader.number(none["treat_at_or_above_diastolic"], "treat_at_or_above_diastolic"),
                try reader.string(none["text"], "text")
            ),
            agents: try reader.string(document["lowering_agents"], "lowering_agents")
        )
    }

    func readScales(_ document: [String: JSONValue]) throws(ProtocolError) -> ScaleDefinitions {
        var reader = ProtocolReader(file: "scores.json")
        reader.rule = "nihss"
        let nihss = try reader.object(document["nihss"], "nihss")
        var items: [ScaleDefinitions.NIHSSItem] = []
        for (index, value) in try reader.array(nihss["items"], "items").enumerated() {
            let members = try reader.object(value, "items[\(index)]")
            items.append(
                .init(
                    id: try reader.string(members["id"], "items[\(index)].id"), label: try reader.string(members["label"], "items[\(index)].label"),
                    max: Int(try reader.number(members["max"], "items[\(index)].max")),
                    untestableAllowed: members["untestable"] == .bool(true)))
        }
        let nihssSources = try cited(reader, nihss["sources"])
        func regionScale(_ key: String) throws(ProtocolError) -> ScaleDefinitions.RegionScale {
            reader.rule = key
            let members = try reader.object(document[key], key)
            _ = try cited(reader, members["sources"])
            var regions: [ScaleDefinitions.RegionScale.Region] = []
            for (index, value) in try reader.array(members["regions"], "regions").enumerated() {
                let region = try reader.object(value, "regions[\(index)]")
                regions.append(
                    .init(
                        id: try reader.string(region["id"], "regions[\(index)].id"),
                        weight: Int(try reader.number(region["weight"], "regions[\(index)].weight"))))
            }
            return .init(start: Int(try reader.number(members["start"], "start")), regions: regions)
        }
        return ScaleDefinitions(nihss: (items, nihssSources), aspects: try regionScale("aspects"), pcAspects: try regionScale("pc_aspects"))
    }

    mutating func readScores(_ document: [String: JSONValue]) throws(ProtocolError) -> [ScoreDefinition] {
        var reader = ProtocolReader(file: "scores.json")
        var scores: [ScoreDefinition] = []
        for (index, value) in try reader.array(document["scores"], "scores").enumerated() {
            let members = try reader.object(value, "scores[\(index)]")
            let id = try reader.string(members["id"], "scores[\(index)].id")
            reader.rule = id
            var items: [ScoreDefinition.Item] = []
            for (position, element) in try reader.array(members["items"], "items").enumerated() {
                let item = try reader.object(element, "items[\(position)]")
                let key = try reader.string(item["key"], "items[\(position)].key")
                if let scaled = item["scaled"] {
                    let scale = try reader.object(scaled, "items[\(position)].scaled")
                    let name = try reader.string(scale["fact"], "items[\(position)].scaled.fact")
                    guard let fact = Fact.named(name) else { throw reader.fail("items[\(position)].scaled.fact", "\(name) is not a known fact") }
                    items.append(.scaled(key: key, fact: fact, divisor: try reader.number(scale["divide_by"], "items[\(position)].scaled.divide_by")))
                } else {
                    var bands: [(condition: ConditionArena.Ref, points: Int)] = []
                    for (bandIndex, band) in try reader.array(item["bands"], "items[\(position)].bands").enumerated() {
                        let field = "items[\(position)].bands[\(bandIndex)]"
                        let bandMembers = try reader.object(band, field)
                        bands.append((try compile(reader, bandMembers["if"], "\(field).if"), Int(try reader.number(bandMembers["points"], "\(field).points"))))
                    }
                    items.append(.bands(key: key, bands: bands, otherwise: Int(try reader.number(item["otherwise"], "items[\(position)].otherwise"))))
                }
            }
            let risk = try reader.object(members["risk"], "risk")
            var bands: [ScoreDefinition.RiskBand] = []
            for (position, element) in try reader.array(risk["by_total"], "risk.by_total").enumerated() {
                let band = try reader.object(element, "risk.by_total[\(position)]")
                var values: [(key: String, value: String)] = []
                for (key, text) in try reader.object(band["values"], "risk.by_total[\(position)].values").sorted(by: { $0.key < $1.key }) {
                    values.append((key, try reader.string(text, "risk.by_total[\(position)].values.\(key)")))
                }
                bands.append(.init(from: Int(try reader.number(band["from"], "from")), to: Int(try reader.number(band["to"], "to")), values: values))
            }
            let logistic = try members["logistic"].map { (value: JSONValue) throws(ProtocolError) -> ScoreDefinition.Logistic in
                let fit = try reader.object(value, "logistic")
                return .init(
                    key: try reader.string(fit["key"], "logistic.key"), intercept: try reader.number(fit["intercept"], "logistic.intercept"),
                    slope: try reader.number(fit["slope"], "logistic.slope"), decimals: Int(try reader.number(fit["decimals"], "logistic.decimals")))
            }
            var when: ConditionArena.Ref?
            if let condition = members["applies_when"] { when = try compile(reader, condition, "applies_when") }
            scores.append(
                ScoreDefinition(
                    id: id, title: try reader.string(members["title"], "title"), items: items, risk: bands,
                    riskSource: try reader.string(risk["source"], "risk.source"), anchor: try reader.optionalString(risk["anchor"], "risk.anchor"),
                    logistic: logistic, notes: try reader.optionalStrings(members["notes"], "notes"), sources: try cited(reader, members["sources"]),
                    when: when
                ))
        }
        return scores
    }

    func readOutcome(_ document: [String: JSONValue]) throws(ProtocolError) -> OutcomeTables {
        let reader = ProtocolReader(file: "outcome.json")
        _ = try cited(reader, document["sources"])
        let noEffect = try reader.object(document["no_effect_minutes"], "no_effect_minutes")
        var cumulative: [String: [Double]] = [:]
        for (name, value) in try reader.object(document["cumulative"], "cumulative") {
            let table = try reader.numbers(value, "cumulative.\(name)", count: 7)
            guard zip(table, table.dropFirst()).allSatisfy({ $0 <= $1 }), table.last == 1 else {
                throw reader.fail("cumulative.\(name)", "must rise to 1 (cumulative probabilities)")
            }
            cumulative[name] = table
        }
        for name in requiredOutcomeTables where cumulative[name] == nil {
            throw reader.fail("cumulative.\(name)", "is missing")
        }
        let utility = try reader.object(document["utility"], "utility")
        let nudge = try reader.number(document["probability_nudge"], "probability_nudge")
        func logits(_ table: [Double]) -> [Double] {
            table.prefix(6).map { probability in
                let p = probability >= 1 ? 1 - nudge : probability
                return log(p / (1 - p))
            }
        }
        func cohort(_ name: String) -> OutcomeTables.Cohort {
            let late = cumulative["no_effect_\(name)_deaths"] ?? []
            return .init(earlyLogits: logits(cumulative["t0_treatment_\(name)"] ?? []), lateLogits: logits(late), late: late)
        }
        var sites: [Int16] = []
        for site in try reader.strings(document["lvo_sites"], "lvo_sites") {
            guard let index = Fact.imagingOcclusionSite.vocabulary.firstIndex(of: site) else {
                throw reader.fail("lvo_sites", "\(site) is not an occlusion site")
            }
            sites.append(Int16(index))
        }
        let routing = try reader.object(document["routing"], "routing")
        _ = try cited(reader, routing["sources"])
        let scope = try readOutcomeScope(reader, try reader.object(document["estimable"], "estimable"))
        return OutcomeTables(
            model: try reader.string(document["model"], "model"),
            noEffectIVT: try reader.number(noEffect["ivt"], "no_effect_minutes.ivt"), noEffectMT: try reader.number(noEffect["mt"], "no_effect_minutes.mt"),
            nlvoIVT: cohort("nlvo_ivt"), lvoIVT: cohort("lvo_ivt"), lvoMT: cohort("lvo_mt"),
            untreatedLVO: cumulative["no_treatment_lvo"] ?? [], untreatedNLVO: cumulative["no_treatment_nlvo"] ?? [],
            utilityName: try reader.string(utility["name"], "utility.name"), utility: try reader.numbers(utility["weights"], "utility.weights", count: 7),
            lvoSites: sites,
            routingLVOProbability: (
                try reader.number(routing["default_lvo_probability_when_lvo_site"], "routing.default_lvo_probability_when_lvo_site"),
                try reader.number(routing["default_lvo_probability_when_no_lvo"], "routing.default_lvo_probability_when_no_lvo")
            ),
            routingNote: try reader.string(routing["note"], "routing.note"), scope: scope
        )
    }

    private func readOutcomeScope(_ reader: ProtocolReader, _ members: [String: JSONValue]) throws(ProtocolError) -> OutcomeScope {
        _ = try cited(reader, members["sources"], field: "estimable.sources")
        func sites(_ key: String) throws(ProtocolError) -> [Int16] {
            var codes: [Int16] = []
            for site in try reader.strings(members[key], "estimable.\(key)") {
                guard let index = Fact.imagingOcclusionSite.vocabulary.firstIndex(of: site) else {
                    throw reader.fail("estimable.\(key)", "\(site) is not an occlusion site")
                }
                codes.append(Int16(index))
            }
            return codes
        }
        var pathways: [Int] = []
        for id in try reader.strings(members["ivt_pathways_not_estimated"], "estimable.ivt_pathways_not_estimated") {
            guard let index = pathwayIDs.firstIndex(of: id) else {
                throw reader.fail("estimable.ivt_pathways_not_estimated", "\(id) is not a pathway of ivt.json")
            }
            pathways.append(index)
        }
        let texts = try reader.object(members["texts"], "estimable.texts")
        func text(_ key: String) throws(ProtocolError) -> String { try reader.string(texts[key], "estimable.texts.\(key)") }
        return OutcomeScope(
            evtSites: try sites("evt_sites"), sitesOutsideModel: try sites("sites_outside_model"),
            evtLateWindowAfter: try reader.number(members["evt_late_window_after_minutes"], "estimable.evt_late_window_after_minutes"),
            ivtPathwaysNotEstimated: pathways,
            texts: .init(
                pastNoEffectIVT: try text("past_no_effect_ivt"), pastNoEffectEVT: try text("past_no_effect_evt"),
                lateWindowEVT: try text("late_window_evt"), imagingSelectedIVT: try text("imaging_selected_ivt"), evtSite: try text("evt_site"),
                siteOutsideModel: try text("site_outside_model"))
        )
    }
}
