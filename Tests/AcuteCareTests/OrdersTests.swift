import AcuteCare
import Foundation
import Testing

/// Post-thrombolysis orders (issue 18, item 4): with IVT on the table, what to do during and
/// after the infusion and for its emergencies; an estimated weight near a tenecteplase band
/// edge is a warning.
@Suite struct OrdersTests {
    @Test func eligibleAnswersCarryTheOrders() throws {
        let evaluation = try Support.evaluate(["weight_measured": true])
        let orders = try #require(evaluation.orders)
        #expect(orders.orders.map(\.id) == ["monitoring", "sich_protocol", "angioedema_protocol", "no_antithrombotics_24h", "no_invasive_24h"])
        let sich = try #require(orders.orders.first { $0.id == "sich_protocol" })
        #expect(sich.text.contains("stop the infusion") && sich.text.contains("cryoprecipitate") && sich.text.contains("tranexamic acid"))
        #expect(orders.orders.first { $0.id == "angioedema_protocol" }?.text.contains("methylprednisolone") == true)
        #expect(orders.weightWarning == nil)
        #expect(try Support.evaluate(["imaging.hemorrhage": true]).orders == nil, "no orders where IVT is not on the table")
    }

    /// The tenecteplase bands change at 50 (the per-kg bands below), 60, 70, 80 and 90 kg: an
    /// estimate within 2.5 kg of an edge is a warning; a measured weight or one farther is not.
    @Test(arguments: [(61.0, false, "60"), (88.0, false, "90"), (52.0, false, "50"), (75.0, false, nil), (57.5, false, nil), (61.0, true, nil)])
    func estimatedWeightNearABandEdge(weight: Double, measured: Bool, edge: String?) throws {
        let orders = try #require(try Support.evaluate(["weight_kg": weight, "weight_measured": measured]).orders)
        if let edge {
            #expect(orders.weightWarning?.contains("band edge at \(edge) kg") == true, "\(orders.weightWarning ?? "none")")
        } else {
            #expect(orders.weightWarning == nil)
        }
    }

    @Test func anUnsaidWeightSourceIsAskedFor() throws {
        let evaluation = try Support.evaluate()
        #expect(evaluation.orders?.weightWarning?.contains("measured or estimated") == true)
        #expect(evaluation.missingData.contains { $0.field == "weight_measured" && !$0.blocking })
    }
}
