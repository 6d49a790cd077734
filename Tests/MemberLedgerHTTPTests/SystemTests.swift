import Dispatch
import MemberLedgerSystem
import MemberLedgerTesting
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The System module's own rules: the bounded pool, the wake-up, the poller.
@Suite("System: work pool, wake-up, poller")
struct SystemTests {
    @Test("a full work pool refuses at once; what it took runs, and stop waits for it")
    func workPoolIsBounded() {
        let pool = WorkPool(threads: 2, queueLimit: 3, name: "test-pool")
        // Threads start with the first jobs, never before, and never beyond the bound.
        #expect(pool.startedThreads == 0)
        let release = DispatchSemaphore(value: 0)
        let ran = Atomic<Int>(0)
        var accepted = 0
        for _ in 0..<10 {
            let taken = pool.submit {
                release.wait()
                ran.add(1, ordering: .relaxed)
            }
            if taken { accepted += 1 }
        }
        // Two running (or about to), three waiting; the rest refused without blocking the caller.
        #expect(accepted == 5)
        #expect(pool.startedThreads == 2)
        for _ in 0..<accepted { release.signal() }
        pool.stop()
        #expect(ran.load(ordering: .relaxed) == 5)
        #expect(!pool.submit {})
    }

    @Test("an idle work pool thread takes the next job instead of a new thread starting")
    func workPoolReusesIdleThreads() {
        let pool = WorkPool(threads: 4, queueLimit: 0, name: "test-pool")
        defer { pool.stop() }
        for round in 0..<20 {
            let done = DispatchSemaphore(value: 0)
            #expect(pool.submit { done.signal() }, "round \(round)")
            done.wait()
            #expect(waitUntil { pool.idleThreads == 1 }, "round \(round)")
        }
        #expect(pool.startedThreads == 1)
    }

    @Test("signals before a wait wake the poller once; after a drain it waits again")
    func wakeupCoalesces() throws {
        let poller = try Poller()
        let wakeup = try Wakeup()
        try poller.add(wakeup.descriptor, token: 7, interest: .readable)
        for _ in 0..<5 { wakeup.signal() }
        var tokens: [UInt64] = []
        poller.wait(milliseconds: 1000) { tokens.append($0.token) }
        #expect(tokens == [7])
        wakeup.drain()
        tokens = []
        poller.wait(milliseconds: 50) { tokens.append($0.token) }
        #expect(tokens.isEmpty)
    }

    @Test("an interrupted or failing call is its errno; Syscall.checked names the operation")
    func syscallErrors() {
        #expect(throws: SystemError.self) { try Syscall.checked("close", "descriptor -1") { close(-1) } }
        if case .failure(let code) = Syscall.run({ close(-1) }) {
            #expect(code.rawValue == EBADF && !code.isWouldBlock)
        } else {
            Issue.record("close(-1) succeeded")
        }
    }
}
