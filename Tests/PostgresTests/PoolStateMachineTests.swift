import Testing

@testable import Postgres

@Suite struct PoolStateMachineTests {
    final class Connection {}
    typealias Machine = PoolStateMachine<Connection, String>

    @Test func opensUpToTheLimitThenQueues() {
        var machine = Machine(maximumConnections: 2)
        guard case .open = machine.lease(id: 1, waiter: "a") else {
            Issue.record("expected open")
            return
        }
        guard case .open = machine.lease(id: 2, waiter: "b") else {
            Issue.record("expected open")
            return
        }
        guard case .wait = machine.lease(id: 3, waiter: "c") else {
            Issue.record("expected wait")
            return
        }
        #expect(machine.total == 2)
        #expect(machine.waiters.map(\.waiter) == ["c"])
    }

    @Test func releaseHandsOverToTheFirstWaiter() {
        var machine = Machine(maximumConnections: 1)
        let connection = Connection()
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        _ = machine.lease(id: 3, waiter: "c")
        guard case .handOver(let given, let waiter) = machine.release(connection, reusable: true, now: .now) else {
            Issue.record("expected hand-over")
            return
        }
        #expect(given === connection)
        #expect(waiter == "b")
        #expect(machine.total == 1)
    }

    @Test func urgentWaiterIsServedBeforeThoseAlreadyWaiting() {
        var machine = Machine(maximumConnections: 1)
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        _ = machine.lease(id: 3, waiter: "c")
        guard case .wait = machine.lease(id: 4, waiter: "audit", ahead: true) else {
            Issue.record("expected wait")
            return
        }
        #expect(machine.waiters.map(\.waiter) == ["audit", "b", "c"])
        guard case .handOver(_, let waiter) = machine.release(Connection(), reusable: true, now: .now) else {
            Issue.record("expected hand-over")
            return
        }
        #expect(waiter == "audit")
    }

    @Test func brokenConnectionIsReplacedForAWaiter() {
        var machine = Machine(maximumConnections: 1)
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        guard case .closeAndOpen(_, let waiter) = machine.release(Connection(), reusable: false, now: .now) else {
            Issue.record("expected close and open")
            return
        }
        #expect(waiter == "b")
        #expect(machine.total == 1)
    }

    @Test func idleConnectionsAreReusedLastInFirstOut() {
        var machine = Machine(maximumConnections: 3)
        let first = Connection()
        let second = Connection()
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        _ = machine.release(first, reusable: true, now: .now)
        _ = machine.release(second, reusable: true, now: .now)
        guard case .use(let used) = machine.lease(id: 3, waiter: "c") else {
            Issue.record("expected use")
            return
        }
        #expect(used === second)
    }

    @Test func failedOpenFreesItsSlotAndTriesForAWaiter() {
        var machine = Machine(maximumConnections: 1)
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        #expect(machine.openFailed() == "b")
        #expect(machine.total == 1)
        #expect(machine.openFailed() == nil)
        #expect(machine.total == 0)
    }

    @Test func idleConnectionsPastTheCutoffAreRemovedOldestFirst() {
        var machine = Machine(maximumConnections: 3)
        let start = ContinuousClock.now
        let old = Connection()
        let recent = Connection()
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        _ = machine.release(old, reusable: true, now: start)
        _ = machine.release(recent, reusable: true, now: start + .seconds(50))
        let removed = machine.removeIdle(since: start + .seconds(10))
        #expect(removed.count == 1 && removed.first === old)
        #expect(machine.total == 1)
        #expect(machine.idle.count == 1)
    }

    @Test func timedOutWaiterIsRemovedOnce() {
        var machine = Machine(maximumConnections: 1)
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        #expect(machine.removeWaiter(id: 2) == "b")
        #expect(machine.removeWaiter(id: 2) == nil)
    }

    @Test func closingFailsWaitersAndClosesReturningConnections() {
        var machine = Machine(maximumConnections: 1)
        let connection = Connection()
        _ = machine.lease(id: 1, waiter: "a")
        _ = machine.lease(id: 2, waiter: "b")
        let closing = machine.close()
        #expect(closing.waiters == ["b"])
        guard case .fail = machine.lease(id: 3, waiter: "c") else {
            Issue.record("expected fail")
            return
        }
        guard case .close = machine.release(connection, reusable: true, now: .now) else {
            Issue.record("expected close")
            return
        }
        #expect(machine.total == 0)
    }
}
