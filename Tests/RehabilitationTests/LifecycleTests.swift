import Rehabilitation
import Testing

/// The plan's and the waitlist entry's lives, as the stores' guarded updates take them:
/// every arrow allowed, every other move refused, without a database.
@Suite struct LifecycleTests {
    @Test func aPlanIsSolvedThenPublishedOrDiscardedOnce() {
        #expect(PlanStatus.queued.after(.progress) == .running)
        #expect(PlanStatus.running.after(.progress) == .running)
        #expect(PlanStatus.running.after(.finish) == .done)
        #expect(PlanStatus.queued.after(.fail) == .failed, "a plan interrupted before it ran fails")
        #expect(PlanStatus.done.after(.publish) == .published)
        #expect(PlanStatus.done.after(.discard) == .discarded)
        #expect(PlanStatus.failed.after(.discard) == .discarded)
        #expect(PlanStatus.published.after(.publish) == nil, "a plan is published once")
        #expect(PlanStatus.published.after(.discard) == nil, "a published plan is booked: it is not discarded")
        #expect(PlanStatus.running.after(.publish) == nil, "only a finished plan is published")
        #expect(PlanStatus.failed.after(.publish) == nil)
        #expect(PlanStatus.done.after(.progress) == nil && PlanStatus.done.after(.fail) == nil, "a late report cannot reopen a finished plan")
        #expect(PlanStatus.discarded.after(.discard) == nil)
    }

    @Test func theGuardedUpdatesTakeTheirStatusesFromTheArrows() {
        #expect(PlanStatus.names(from: .progress) == ["queued", "running"])
        #expect(PlanStatus.names(from: .finish) == ["queued", "running"])
        #expect(PlanStatus.names(from: .fail) == ["queued", "running"])
        #expect(PlanStatus.names(from: .publish) == ["done"])
        #expect(PlanStatus.names(from: .discard) == ["done", "failed"])
        #expect(PlanStatus.allCases.filter(\.isSolving) == [.queued, .running])
        // No status is a dead end by accident: the end states are exactly published and discarded.
        let ends = PlanStatus.allCases.filter { status in PlanStatus.Event.allCases.allSatisfy { status.after($0) == nil } }
        #expect(ends == [.published, .discarded])
    }

    @Test func aWaitlistEntryIsOfferedThenBookedOrWaitsAgain() {
        #expect(WaitlistStatus.waiting.after(.offer) == .offered)
        #expect(WaitlistStatus.offered.after(.accept) == .booked)
        #expect(WaitlistStatus.offered.after(.decline) == .waiting)
        #expect(WaitlistStatus.offered.after(.lapse) == .waiting)
        #expect(WaitlistStatus.waiting.after(.expire) == .expired)
        #expect(WaitlistStatus.waiting.after(.accept) == nil, "nothing to accept without an offer")
        #expect(WaitlistStatus.offered.after(.offer) == nil, "one offer at a time")
        #expect(WaitlistStatus.offered.after(.expire) == nil, "an open offer is not expired under the patient")
        #expect(WaitlistStatus.booked.after(.decline) == nil)
        #expect(WaitlistStatus.expired.after(.offer) == nil)
        #expect(WaitlistStatus.names(from: .offer) == ["waiting"])
        #expect(WaitlistStatus.names(from: .lapse) == ["offered"])
        let ends = WaitlistStatus.allCases.filter { status in WaitlistStatus.Event.allCases.allSatisfy { status.after($0) == nil } }
        #expect(ends == [.booked, .expired])
    }
}
