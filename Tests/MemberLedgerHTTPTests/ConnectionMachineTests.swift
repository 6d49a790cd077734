import Foundation
import Testing

@testable import MemberLedgerHTTP

/// The connection's protocol without sockets: bytes in, actions and bytes out, time as a number.
@Suite("Connection state machine")
struct ConnectionMachineTests {
    static let second: UInt64 = 1_000_000_000

    /// A machine with a 5 s read timeout and a 10 s request deadline.
    static func machine(pipelined: Int = 1) -> ConnectionMachine {
        var limits = ConnectionMachine.Limits(HTTPServerConfiguration())
        limits.maxPipelined = pipelined
        return ConnectionMachine(limits: limits, remoteAddress: "test:1", now: 0)
    }

    /// Feeds bytes as the loop would and returns the actions.
    static func feed(_ machine: inout ConnectionMachine, _ text: String, at now: UInt64 = 0)
        -> [ConnectionMachine.Action]
    {
        machine.received.append(Array(text.utf8)[...])
        return machine.bytesReceived(now: now)
    }

    /// The ids of the requests handed over.
    static func handed(_ actions: [ConnectionMachine.Action]) -> [(String, UInt64)] {
        actions.compactMap { if case .handle(let request, let id) = $0 { (request.target, id) } else { nil } }
    }

    static func closes(_ actions: [ConnectionMachine.Action]) -> Bool {
        actions.contains { if case .close = $0 { true } else { false } }
    }

    /// Takes every queued byte as sent and returns them as text.
    static func drain(_ machine: inout ConnectionMachine, at now: UInt64 = 0) -> (String, [ConnectionMachine.Action]) {
        let bytes = Array(machine.unsent)
        let actions = machine.sent(bytes.count, now: now)
        return (String(decoding: bytes, as: UTF8.self), actions)
    }

    @Test("pipelined requests: one handed over at a time, answers written in request order")
    func pipelinedInOrder() {
        var machine = Self.machine()
        let two = "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"
        #expect(Self.handed(Self.feed(&machine, two)).map(\.0) == ["/a"])
        #expect(!machine.interest.read, "no read while an answer is owed")
        let next = machine.answered(id: 0, .text(200, "A"), now: 0)
        #expect(Self.handed(next).map(\.0) == ["/b"])
        _ = machine.answered(id: 1, .text(200, "B"), now: 0)
        let (out, _) = Self.drain(&machine)
        #expect(out.components(separatedBy: "HTTP/1.1 200").count == 3)
        #expect(out.range(of: "A")!.lowerBound < out.range(of: "\r\n\r\nB")!.lowerBound)
        #expect(machine.interest == .init(read: true, write: false))
    }

    @Test("with several in flight, an answer that arrives early waits for the ones before it")
    func outOfOrderAnswers() {
        var machine = Self.machine(pipelined: 4)
        let three = (1...3).map { "GET /\($0) HTTP/1.1\r\nHost: t\r\n\r\n" }.joined()
        #expect(Self.handed(Self.feed(&machine, three)).map(\.1) == [0, 1, 2])
        _ = machine.answered(id: 2, .text(200, "third"), now: 0)
        _ = machine.answered(id: 1, .text(200, "second"), now: 0)
        #expect(machine.unsent.isEmpty, "nothing may overtake the first answer")
        _ = machine.answered(id: 0, .text(200, "first"), now: 0)
        let (out, _) = Self.drain(&machine)
        let order = ["first", "second", "third"].map { out.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
    }

    @Test("unsent answers over the bound stop reading until the peer takes them")
    func backpressureOnUnsent() {
        var machine = Self.machine()
        _ = Self.feed(&machine, "GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = machine.answered(id: 0, .text(200, String(repeating: "x", count: 300 * 1024)), now: 0)
        #expect(machine.interest == .init(read: false, write: true))
        _ = machine.sent(machine.unsent.count - 10, now: 0)
        #expect(machine.interest == .init(read: true, write: true))
    }

    @Test("Connection: close: the answer says so, nothing after it is read, the write side shuts")
    func clientAsksToClose() {
        var machine = Self.machine()
        let actions = Self.feed(&machine, "GET /a HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\nGET /b HTTP/1.1\r\n")
        #expect(Self.handed(actions).map(\.0) == ["/a"])
        _ = machine.answered(id: 0, .text(200, "ok"), now: 0)
        let (out, after) = Self.drain(&machine)
        #expect(out.contains("Connection: close"))
        #expect(after.contains { if case .shutdownWrite = $0 { true } else { false } })
        #expect(machine.isLingering)
        #expect(Self.closes(machine.peerClosedInput()))
    }

    @Test("a malformed request is refused after the answers owed, then the connection ends")
    func refusalAfterOwedAnswers() {
        var machine = Self.machine(pipelined: 4)
        let actions = Self.feed(&machine, "GET /ok HTTP/1.1\r\nHost: t\r\n\r\nBAD\u{1}REQUEST\r\n\r\n")
        #expect(Self.handed(actions).map(\.0) == ["/ok"])
        #expect(actions.contains { if case .rejected(let r) = $0 { r.status == 400 } else { false } })
        #expect(machine.unsent.isEmpty, "the 400 waits for the first answer")
        _ = machine.answered(id: 0, .text(200, "fine"), now: 0)
        let (out, _) = Self.drain(&machine)
        #expect(out.hasPrefix("HTTP/1.1 200"))
        #expect(out.contains("HTTP/1.1 400"))
    }

    @Test("timeouts cost a tick: idle closes quietly, a stalled request gets 408, a deadline holds")
    func timeouts() {
        var idle = Self.machine()
        #expect(idle.tick(now: 4 * Self.second).isEmpty)
        #expect(Self.closes(idle.tick(now: 5 * Self.second)))

        var stalled = Self.machine()
        _ = Self.feed(&stalled, "GET / HTTP/1.1\r\nHo", at: Self.second)
        let late = stalled.tick(now: 6 * Self.second)
        #expect(late.contains { if case .rejected(let r) = $0 { r.status == 408 } else { false } })

        // A header line a second keeps the read timeout at bay, but not the request deadline.
        var slow = Self.machine()
        var refused = false
        for second in 0..<12 where !refused {
            let now = UInt64(second) * Self.second
            _ = Self.feed(
                &slow, "X-\(second): y\r\n".replacingOccurrences(of: "X-0", with: "GET / HTTP/1.1\r\nX-0"), at: now)
            refused = slow.tick(now: now).contains { if case .rejected(let r) = $0 { r.status == 408 } else { false } }
            if refused { #expect(second == 10) }
        }
        #expect(refused)
    }

    @Test("shutdown: an idle connection closes at once; a busy one answers with Connection: close first")
    func shutdown() {
        var idle = Self.machine()
        #expect(Self.closes(idle.stop(now: 0)))
        var busy = Self.machine()
        _ = Self.feed(&busy, "GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(!Self.closes(busy.stop(now: 0)))
        _ = busy.answered(id: 0, .text(200, "ok"), now: 0)
        let (out, _) = Self.drain(&busy)
        #expect(out.contains("Connection: close"))
    }

    @Test("over the cap: 503 with Retry-After before anything is read, then the connection ends")
    func refusedAtOnce() {
        var machine = Self.machine()
        _ = machine.refuseAtOnce(HTTPServer.overloadedAnswer, now: 0)
        let (out, after) = Self.drain(&machine)
        #expect(out.hasPrefix("HTTP/1.1 503") && out.contains("Retry-After: 1"))
        #expect(after.contains { if case .shutdownWrite = $0 { true } else { false } })
        #expect(Self.handed(Self.feed(&machine, "GET / HTTP/1.1\r\nHost: t\r\n\r\n")).isEmpty)
    }

    /// A streamed answer's head as a handler makes it (`HTTPResponder.respondStreaming` sets `streams`).
    static func streamHead() -> HTTPResponse {
        var head = HTTPResponse(
            status: 200, headers: [("Content-Type", "text/event-stream")], body: Array(": hi\n\n".utf8))
        head.streams = true
        return head
    }

    @Test("a streamed answer: no Content-Length, more bytes as they come, no idle timeout, input only read for EOF")
    func streamGoesOn() {
        var machine = Self.machine()
        _ = Self.feed(&machine, "GET /api/stream HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(machine.answered(id: 0, Self.streamHead(), now: 0).isEmpty)
        let (head, _) = Self.drain(&machine)
        #expect(
            head.hasPrefix("HTTP/1.1 200") && !head.contains("Content-Length") && head.contains("Connection: close"))
        #expect(head.hasSuffix("\r\n\r\n: hi\n\n"))
        _ = machine.streamed(id: 0, Array("data: 1\n\n".utf8), now: 0)
        _ = machine.streamed(id: 0, Array("data: 2\n\n".utf8), now: 0)
        #expect(Self.drain(&machine).0 == "data: 1\n\ndata: 2\n\n")
        // Idle far past the read timeout: a stream stays open; what the peer sends is never a request.
        #expect(machine.tick(now: 60 * Self.second).isEmpty)
        #expect(machine.interest.read, "read kept to learn that the peer has gone")
        #expect(Self.handed(Self.feed(&machine, "GET /more HTTP/1.1\r\nHost: t\r\n\r\n", at: 61 * Self.second)).isEmpty)
        #expect(Self.closes(machine.peerClosedInput()))
    }

    @Test("a stream ends by its sender, by shutdown (after what was sent), or when the peer reads nothing")
    func streamEnds() {
        func streaming() -> ConnectionMachine {
            var machine = Self.machine()
            _ = Self.feed(&machine, "GET /api/stream HTTP/1.1\r\nHost: t\r\n\r\n")
            _ = machine.answered(id: 0, Self.streamHead(), now: 0)
            return machine
        }
        var finished = streaming()
        _ = finished.streamed(id: 0, Array("data: last\n\n".utf8), now: 0)
        #expect(finished.endStream(id: 0).isEmpty, "not before the bytes owed are out")
        let (out, after) = Self.drain(&finished)
        #expect(out.hasSuffix("data: last\n\n"))
        #expect(after.contains { if case .shutdownWrite = $0 { true } else { false } })
        #expect(finished.streamed(id: 0, Array("late".utf8), now: 0).isEmpty && finished.unsent.isEmpty)

        var stopped = streaming()
        _ = Self.drain(&stopped)
        #expect(stopped.stop(now: 0).contains { if case .shutdownWrite = $0 { true } else { false } })

        var stuck = streaming()
        _ = stuck.streamed(id: 0, Array("data: x\n\n".utf8), now: Self.second)
        #expect(Self.closes(stuck.tick(now: 20 * Self.second)), "a peer that takes nothing is closed")

        var behind = streaming()
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1024 * 1024)
        var closed = false
        for _ in 0..<5 { closed = closed || Self.closes(behind.streamed(id: 0, chunk, now: 0)) }
        #expect(closed, "a peer more than maxStreamBacklog behind is closed")
    }
}
