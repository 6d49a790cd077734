import Dispatch
import MemberLedgerCore
import Synchronization

/// The console's logins: opaque session ids handed out for the admin token, each with its CSRF token,
/// forgotten after 12 hours without use or at logout; and the count of wrong tokens per address, so that
/// more than five a minute from one address are answered 429 whatever they hold.
///
/// Sessions live in memory only: a restart logs every admin out, and a session id is worth nothing
/// outside this process.
final class ConsoleSessions: Sendable {
    /// A session idle this long is forgotten.
    static let idleLimit: UInt64 = 12 * 3600 * 1_000_000_000
    /// Wrong tokens allowed per address in `attemptWindow` before logins from it are refused.
    static let wrongTokensAllowed = 5
    /// The window wrong tokens are counted in.
    static let attemptWindow: UInt64 = 60 * 1_000_000_000

    struct Session: Sendable {
        /// Sent with every state-changing request, in a header or a form field.
        let csrf: String
        var lastUsed: UInt64
    }

    private struct Book {
        var sessions: [String: Session] = [:]
        var wrongTokens: [String: [UInt64]] = [:]
    }

    private let book = Mutex(Book())
    private let now: @Sendable () -> UInt64

    /// Sessions timed by `now` (monotonic nanoseconds).
    init(now: @escaping @Sendable () -> UInt64 = { DispatchTime.now().uptimeNanoseconds }) {
        self.now = now
    }

    /// Whether logins from `address` are refused for now (too many wrong tokens within the minute).
    func isLimited(_ address: String) -> Bool {
        let time = now()
        return book.withLock { book in
            let recent = (book.wrongTokens[address] ?? []).filter { time &- $0 < Self.attemptWindow }
            book.wrongTokens[address] = recent.isEmpty ? nil : recent
            return recent.count >= Self.wrongTokensAllowed
        }
    }

    /// Counts a wrong token from `address`. Addresses whose wrong tokens are all older than the window are
    /// forgotten once many are kept, so that tries from many addresses cannot grow the book without end.
    func wrongToken(from address: String) {
        let time = now()
        book.withLock { book in
            if book.wrongTokens.count >= 10_000 {
                book.wrongTokens = book.wrongTokens.filter { time &- ($0.value.last ?? 0) < Self.attemptWindow }
            }
            book.wrongTokens[address, default: []].append(time)
        }
    }

    /// A new session: its id (for the cookie) and its CSRF token.
    func open() -> (id: String, csrf: String) {
        let id = Self.randomHex()
        let csrf = Self.randomHex()
        let time = now()
        book.withLock { book in
            book.sessions = book.sessions.filter { time &- $0.value.lastUsed < Self.idleLimit }
            book.sessions[id] = Session(csrf: csrf, lastUsed: time)
        }
        return (id, csrf)
    }

    /// The live session with this id, marked as used now; nil for none or an expired one.
    func use(_ id: String) -> Session? {
        let time = now()
        return book.withLock { book in
            guard var session = book.sessions[id] else { return nil }
            guard time &- session.lastUsed < Self.idleLimit else {
                book.sessions[id] = nil
                return nil
            }
            session.lastUsed = time
            book.sessions[id] = session
            return session
        }
    }

    /// Whether the session is live, without counting this as a use: an open feed does not keep a
    /// forgotten console alive.
    func isOpen(_ id: String) -> Bool {
        let time = now()
        return book.withLock { book in book.sessions[id].map { time &- $0.lastUsed < Self.idleLimit } ?? false }
    }

    /// Forgets a session (logout).
    func close(_ id: String) {
        _ = book.withLock { $0.sessions.removeValue(forKey: id) }
    }

    /// 32 bytes from the system CSPRNG, in hex.
    private static func randomHex() -> String {
        var generator = SystemRandomNumberGenerator()
        return Hex.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
