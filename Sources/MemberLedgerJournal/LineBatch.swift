import Dispatch
import Foundation

/// Lines of a journal copied out of the reader's buffer, to be checked on every core at once before the
/// scanner takes them in order (`JournalReader.scan`).
struct LineBatch {
    /// The lines' bytes, one after another.
    var bytes: [UInt8] = []
    /// Each line: its range in `bytes`, its offset in the journal, whether it ends with a newline.
    var lines: [(start: Int, end: Int, offset: Int64, complete: Bool)] = []

    /// Enough lines to share out: about 8 MiB or 4,096 lines.
    var isFull: Bool { lines.count >= 4_096 || bytes.count >= 8 << 20 }

    mutating func append(_ line: UnsafeRawBufferPointer, at offset: Int64, complete: Bool) {
        let start = bytes.count
        bytes.append(contentsOf: line)
        lines.append((start, bytes.count, offset, complete))
    }

    mutating func clear() {
        bytes.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
    }

    /// Every line checked by `scanner.check`, in order, the work shared by the cores.
    func check(with scanner: JournalScanner) -> [Result<JournalLine, JournalLine.Defect>] {
        let count = lines.count
        guard count > 0 else { return [] }
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, count / 64))
        return [Result<JournalLine, JournalLine.Defect>](unsafeUninitializedCapacity: count) { results, initialized in
            bytes.withUnsafeBytes { buffer in
                let shared = SharedResults(results, bytes: buffer)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    for index in Swift.stride(from: worker, to: count, by: workers) {
                        let line = lines[index]
                        let slice = UnsafeRawBufferPointer(rebasing: shared.bytes[line.start..<line.end])
                        (shared.base + index).initialize(to: scanner.check(slice, complete: line.complete))
                    }
                }
            }
            initialized = count
        }
    }
}

/// The lines' bytes, read by several workers, and the results buffer, which they write at distinct
/// indices (never the same one twice), both alive for the whole `concurrentPerform`.
private struct SharedResults: @unchecked Sendable {
    let base: UnsafeMutablePointer<Result<JournalLine, JournalLine.Defect>>
    let bytes: UnsafeRawBufferPointer

    init(_ buffer: UnsafeMutableBufferPointer<Result<JournalLine, JournalLine.Defect>>, bytes: UnsafeRawBufferPointer) {
        base = buffer.baseAddress!
        self.bytes = bytes
    }
}
