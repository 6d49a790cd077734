import Foundation

/// A progress line on stderr for long work (replay, verify, rebuild, import): percent, rate and time
/// left, redrawn at most ten times a second, and only when stderr is a terminal (nothing on a pipe).
final class Progress {
    private let label: String
    private let total: Int64
    private let unit: String
    private let enabled = isatty(2) == 1
    private let started = Date()
    private var lastDraw = Date.distantPast
    private var count: Int64 = 0

    init(_ label: String, total: Int64, unit: String = "events") {
        self.label = label
        self.total = max(total, 1)
        self.unit = unit
    }

    /// Reports work done so far: `done` out of `total`, and how many items that was.
    func update(done: Int64, items: Int64) {
        count = items
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = Date()
        let elapsed = max(Date().timeIntervalSince(started), 0.001)
        let fraction = min(1, Double(done) / Double(total))
        let rate = Double(items) / elapsed
        let left = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let bar =
            String(repeating: "█", count: Int(fraction * 24)) + String(repeating: "·", count: 24 - Int(fraction * 24))
        let line = String(
            format: "\r%@ %@ %3.0f%%  %.0f %@/s  ETA %.0fs ", label, bar, fraction * 100, rate, unit, left)
        emit(2, line)
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        emit(2, "\r\u{1B}[K")
    }
}
