import Foundation

/// Waits (polling every 5 ms) until `condition` holds or `seconds` pass, and says whether it held: for
/// effects that happen on other threads or processes after the test's own step is done (a connection
/// count dropping, an outbox item reaching a fake CRM). A test whose timing matters is written
/// synchronously: once started it never waits for one of the cooperative pool's few threads, which
/// other suites' blocking work may hold for seconds.
public func waitUntil(within seconds: Double = 30, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.005)
    }
    return condition()
}
