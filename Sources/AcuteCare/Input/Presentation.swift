public import Clinical

/// A patient's presentation as the acute team sends it: times relative to last known well,
/// severity, vitals, labs, medication, history and imaging. Absent values stay unknown —
/// the evaluation names what it needs instead of assuming.
public struct Presentation: Sendable, Equatable {
    public var facts: Facts
    /// NIHSS item scores when sent item by item (nil for an item scored "UN", untestable).
    public var nihssItems: [String: Int?]?
    /// ASPECTS and pc-ASPECTS regions with early ischaemic change, when sent region by region.
    public var aspectsRegions: [String]?
    public var pcAspectsRegions: [String]?
    /// Travel and process times, to compare drip-and-ship with mothership.
    public var routing: RoutingTimes?
    /// Request members this version does not read (listed in the answer, never silently used).
    public var ignoredFields: [String]

    public init(
        facts: Facts, nihssItems: [String: Int?]? = nil, aspectsRegions: [String]? = nil,
        pcAspectsRegions: [String]? = nil, routing: RoutingTimes? = nil, ignoredFields: [String] = []
    ) {
        self.facts = facts
        self.nihssItems = nihssItems
        self.aspectsRegions = aspectsRegions
        self.pcAspectsRegions = pcAspectsRegions
        self.routing = routing
        self.ignoredFields = ignoredFields
    }
}

/// Reads a presentation from JSON, checking every field against `Fact`'s schema and the
/// protocol's scale definitions; throws `InputProblems` naming each bad field.
public struct PresentationReader: Sendable {
    let scales: ScaleDefinitions
    let units: UnitConventions

    public init(protocol acute: AcuteProtocol) {
        scales = acute.scales
        units = acute.units
    }

    static let extraMembers: Set<String> = ["nihss_items", "aspects_regions", "pc_aspects_regions", "routing"]

    /// Below this a DOAC-calibrated level (ng/mL) is not reported: a value under it, other than
    /// 0, is a heparin-calibrated anti-Xa in IU/mL (a plausibility limit of the unit, not a clinical threshold).
    static let lowestDOACLevelNgMl = 5.0

    /// Each input fact's place in the document, worked out once.
    private struct Input {
        var fact: Fact
        var parents: [String]
        var parent: String
        var key: String
        var required: Bool
    }

    private static let inputs: [Input] = Fact.allCases.compactMap { fact in
        guard case .input(let required) = fact.definition.origin else { return nil }
        let path = fact.definition.name.split(separator: ".").map(String.init)
        return Input(
            fact: fact, parents: Array(path.dropLast()), parent: path.dropLast().joined(separator: "."),
            key: path.last ?? fact.definition.name, required: required)
    }

    /// The member names the reader knows under each object path ("" for the top level).
    private static let known: [String: Set<String>] = {
        var known: [String: Set<String>] = ["": extraMembers]
        for input in inputs {
            let path = input.parents + [input.key]
            for depth in path.indices {
                known[path[..<depth].joined(separator: "."), default: []].insert(path[depth])
            }
        }
        return known
    }()

    public func read(_ json: JSONValue) throws(InputProblems) -> Presentation {
        guard let root = json.object else {
            throw InputProblems([InputProblem(field: "(body)", .notPresentation)])
        }
        var reader = InputReader()
        var facts = Facts()
        for input in Self.inputs {
            var object: [String: JSONValue]? = root
            for (depth, key) in input.parents.enumerated() {
                object = reader.object(object, key, path: input.parents[..<depth].joined(separator: "."), required: input.required)
            }
            switch input.fact.definition.kind {
            case .number(let range, let unit):
                facts[input.fact] = reader.number(object, input.key, path: input.parent, in: range, required: input.required, unit: unit).map(FactValue.number)
            case .integer(let range):
                facts[input.fact] = reader.integer(object, input.key, path: input.parent, in: range, required: input.required).map { .number(Double($0)) }
            case .flag:
                facts[input.fact] = reader.bool(object, input.key, path: input.parent, required: input.required).map(FactValue.flag)
            case .choice(let allowed):
                facts[input.fact] = choice(&reader, object, input.key, path: input.parent, allowed: allowed, required: input.required)
            }
        }
        let items = nihssItems(&reader, root["nihss_items"])
        let regions = readRegions(&reader, root["aspects_regions"], field: "aspects_regions", allowed: scales.aspects.regions.map(\.id))
        let pcRegions = readRegions(&reader, root["pc_aspects_regions"], field: "pc_aspects_regions", allowed: scales.pcAspects.regions.map(\.id))
        let routing = RoutingTimes.read(root["routing"], into: &reader)
        reconcile(&facts, &reader, nihssItems: items, aspectsRegions: regions, pcAspectsRegions: pcRegions)
        if let systolic = facts.number(.bpSystolic), let diastolic = facts.number(.bpDiastolic), diastolic >= systolic {
            reader.report("bp.diastolic", .diastolicNotBelowSystolic)
        }
        if let level = facts.number(.labsAntiXaLevel), level > 0, level < Self.lowestDOACLevelNgMl {
            reader.report("labs.anti_xa_level", .antiXaLooksLikeHeparin, ["level": TextTemplate.describe(level)])
        }
        if let mgdl = facts.number(.glucoseMgDl), let mmol = facts.number(.glucoseMmolL),
            abs(mgdl / units.glucoseMgDlPerMmolL - mmol) > units.glucoseAgreementMmolL + 1e-9
        {
            let converted = TextTemplate.describe((mgdl / units.glucoseMgDlPerMmolL * 10).rounded() / 10)
            reader.report(
                "glucose_mmol_l", .glucoseUnitsDisagree,
                ["mmol": TextTemplate.describe(mmol), "mgdl": TextTemplate.describe(mgdl), "converted": converted])
        }
        guard reader.problems.isEmpty else { throw InputProblems(reader.problems.uniqued()) }
        facts.derive(units)
        return Presentation(
            facts: facts, nihssItems: items, aspectsRegions: regions, pcAspectsRegions: pcRegions, routing: routing,
            ignoredFields: ignored(root, known: Self.known)
        )
    }

    private func choice(
        _ reader: inout InputReader, _ object: [String: JSONValue]?, _ key: String, path: String, allowed: [String], required: Bool
    ) -> FactValue? {
        let field = reader.join(path, key)
        switch object?[key] {
        case .string(let text)?:
            if let index = allowed.firstIndex(of: text) { return .code(Int16(index)) }
            reader.report(field, .notOneOf, ["allowed": allowed.joined(separator: ", ")])
            return nil
        case nil, .null?:
            if required { reader.report(field, .requiredOneOf, ["allowed": allowed.joined(separator: ", ")]) }
            return nil
        default:
            reader.report(field, .notOneOf, ["allowed": allowed.joined(separator: ", ")])
            return nil
        }
    }

    private func nihssItems(_ reader: inout InputReader, _ value: JSONValue?) -> [String: Int?]? {
        guard let value, value != .null else { return nil }
        guard let members = value.object else {
            reader.report("nihss_items", .nihssItemsNotObject)
            return nil
        }
        var items: [String: Int?] = [:]
        for item in scales.nihss.items {
            let field = "nihss_items.\(item.id)"
            switch members[item.id] {
            case .number(let points)? where points == points.rounded() && (0...Double(item.max)).contains(points):
                items[item.id] = Int(points)
            case .string("UN")? where item.untestableAllowed:
                items[item.id] = .some(nil)
            case nil, .null?:
                reader.report(field, item.untestableAllowed ? .nihssItemRequiredOrUntestable : .nihssItemRequired, ["max": "\(item.max)"])
            default:
                reader.report(field, item.untestableAllowed ? .nihssItemScoreOrUntestable : .nihssItemScore, ["max": "\(item.max)"])
            }
        }
        for key in members.keys where !scales.nihss.items.contains(where: { $0.id == key }) {
            reader.report("nihss_items.\(key)", .notNihssItem)
        }
        return items
    }

    private func readRegions(_ reader: inout InputReader, _ value: JSONValue?, field: String, allowed: [String]) -> [String]? {
        guard let value, value != .null else { return nil }
        guard case .array(let elements) = value else {
            reader.report(field, .notRegionList, ["allowed": allowed.joined(separator: ", ")])
            return nil
        }
        var regions: [String] = []
        for (index, element) in elements.enumerated() {
            guard case .string(let region) = element, allowed.contains(region) else {
                reader.report("\(field)[\(index)]", .notOneOf, ["allowed": allowed.joined(separator: ", ")])
                continue
            }
            if regions.contains(region) { reader.report("\(field)[\(index)]", .regionListedTwice, ["region": region]) }
            regions.append(region)
        }
        return regions
    }

    /// Item-level NIHSS and region-level ASPECTS give the totals; a total sent as well must agree.
    private func reconcile(
        _ facts: inout Facts, _ reader: inout InputReader,
        nihssItems: [String: Int?]?, aspectsRegions: [String]?, pcAspectsRegions: [String]?
    ) {
        if let nihssItems, nihssItems.count == scales.nihss.items.count {
            let total = nihssItems.values.reduce(0) { $0 + ($1 ?? 0) }
            if let given = facts.number(.nihss), Int(given) != total {
                reader.report("nihss", .nihssDisagreesWithItems, ["given": "\(Int(given))", "total": "\(total)"])
            }
            facts[.nihss] = .number(Double(total))
        }
        for (regions, scale, fact, name) in [
            (aspectsRegions, scales.aspects, Fact.imagingAspects, "imaging.aspects"),
            (pcAspectsRegions, scales.pcAspects, Fact.imagingPcAspects, "imaging.pc_aspects"),
        ] {
            guard let regions else { continue }
            let score = scale.score(affected: regions)
            if let given = facts.number(fact), Int(given) != score {
                reader.report(name, .aspectsDisagreesWithRegions, ["given": "\(Int(given))", "score": "\(score)"])
            }
            facts[fact] = .number(Double(score))
        }
    }

    /// Members this version does not read, as JSON paths (sorted).
    private func ignored(_ object: [String: JSONValue], known: [String: Set<String>], path: String = "") -> [String] {
        let names = known[path] ?? []
        var ignored: [String] = []
        for (key, value) in object {
            guard names.contains(key) else {
                ignored.append(path.isEmpty ? key : "\(path).\(key)")
                continue
            }
            if path.isEmpty, Self.extraMembers.contains(key) { continue }
            if case .object(let members) = value { ignored += self.ignored(members, known: known, path: path.isEmpty ? key : "\(path).\(key)") }
        }
        return ignored.sorted()
    }
}
