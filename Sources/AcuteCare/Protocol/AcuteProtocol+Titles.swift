extension AcuteProtocol {
    /// What each rule, pathway and trial is called in words, by the code or id an answer names
    /// it by (a rule's code and id: its text; a pathway's and a trial's id: its title): what the
    /// pages show people instead of the identifiers.
    public var titles: [String: String] {
        var titles: [String: String] = [:]
        for pathway in book.ivt.pathways { titles[pathway.id] = pathway.title }
        for rule in book.ivt.rules {
            titles[rule.code] = rule.text
            titles[rule.id] = rule.text
        }
        for trial in book.evt.trials { titles[trial.id] = trial.title }
        return titles
    }
}

extension AcuteProtocol {
    /// An NIHSS item as a form asks for it: its id (`1a` … `11`), label, highest score, and
    /// whether it may be untestable (`UN`).
    public struct NIHSSItemForm: Sendable, Equatable {
        public var id: String
        public var label: String
        public var max: Int
        public var untestableAllowed: Bool
    }

    /// The NIHSS items of scores.json, in order.
    public var nihssItems: [NIHSSItemForm] {
        scales.nihss.items.map { NIHSSItemForm(id: $0.id, label: $0.label, max: $0.max, untestableAllowed: $0.untestableAllowed) }
    }
}
