/// Antiplatelet therapy now (antiplatelet.json): rules in order, the first whose condition
/// holds giving the recommendation (dual, single, none or needs_data), its regimen and sources.
struct AntiplateletProtocol: Sendable {
    struct Rule: Sendable {
        var id: String
        var when: ConditionArena.Ref
        var recommendation: String
        var regimen: String?
        /// For a needs_data rule: the facts to ask for.
        var asksFor: [Fact]
        var text: String
        var sources: [String]
    }

    static let recommendations = ["dual", "single", "none", "needs_data"]

    var rules: [Rule]
}
