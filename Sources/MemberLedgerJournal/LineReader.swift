/// Reads a file from an offset as lines, in 1 MiB chunks, so memory stays flat however long the file is.
///
/// Each line is handed over without its newline, with its byte offset and whether it ended in a newline
/// (only the last line of a file may not). A run of more than `maxLineLength` bytes without a newline is
/// handed over as one incomplete line and skipped to the next newline: trailing garbage or zeros cannot
/// make the reader buffer the whole file.
struct LineReader {
    static let chunkSize = 1 << 20
    static let maxLineLength = 16 << 20

    /// Reads up to `count` bytes at an offset; fewer only at the end.
    let read: (_ count: Int, _ offset: Int64) throws -> [UInt8]

    /// Lines of an open file.
    init(file: FileDescriptor) {
        read = { count, offset in try file.read(count: count, at: offset) }
    }

    /// Lines of bytes in memory.
    init(bytes: [UInt8]) {
        read = { count, offset in
            let start = Int(min(offset, Int64(bytes.count)))
            return Array(bytes[start..<min(start + count, bytes.count)])
        }
    }

    /// Calls `body` for each line from `offset` until it returns false or the file ends.
    func forEachLine(
        from offset: Int64 = 0,
        _ body: (_ line: UnsafeRawBufferPointer, _ offset: Int64, _ complete: Bool) throws -> Bool
    ) throws {
        var buffer: [UInt8] = []
        var bufferOffset = offset
        var readOffset = offset
        var skippingOversized = false
        while true {
            let chunk = try read(Self.chunkSize, readOffset)
            readOffset += Int64(chunk.count)
            buffer += chunk
            var start = 0
            let keepGoing: Bool = try buffer.withUnsafeBytes { bytes in
                while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    defer { start = newline + 1 }
                    if skippingOversized {
                        skippingOversized = false
                        continue
                    }
                    let line = UnsafeRawBufferPointer(rebasing: bytes[start..<newline])
                    if try !body(line, bufferOffset + Int64(start), true) { return false }
                }
                if bytes.count - start > Self.maxLineLength && !skippingOversized {
                    let line = UnsafeRawBufferPointer(rebasing: bytes[start...])
                    if try !body(line, bufferOffset + Int64(start), false) { return false }
                    skippingOversized = true
                }
                return true
            }
            if !keepGoing { return }
            if skippingOversized {
                bufferOffset += Int64(buffer.count)
                buffer.removeAll(keepingCapacity: true)
            } else {
                buffer.removeFirst(start)
                bufferOffset += Int64(start)
            }
            if chunk.isEmpty {
                if !buffer.isEmpty && !skippingOversized {
                    _ = try buffer.withUnsafeBytes { try body($0, bufferOffset, false) }
                }
                return
            }
        }
    }
}
