#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads a file from an offset as lines, in 1 MiB chunks, so memory stays flat however long the file is.
///
/// Each line is handed over without its newline, with its byte offset and whether it ended in a newline
/// (only the last line of a file may not). A run of more than `maxLineLength` bytes without a newline is
/// handed over as one incomplete line and skipped to the next newline: trailing garbage or zeros cannot
/// make the reader buffer the whole file.
struct LineReader {
    static let chunkSize = 1 << 20
    static let maxLineLength = 16 << 20

    /// Fills the buffer with bytes from an offset; returns how many (fewer only at the end).
    let read: (_ into: UnsafeMutableRawBufferPointer, _ offset: Int64) throws -> Int

    /// Lines of an open file.
    init(file: FileDescriptor) {
        read = { buffer, offset in try file.read(into: buffer, at: offset) }
    }

    /// Lines of bytes in memory.
    init(bytes: [UInt8]) {
        read = { buffer, offset in
            let start = Int(min(offset, Int64(bytes.count)))
            let count = min(buffer.count, bytes.count - start)
            bytes.withUnsafeBytes { source in
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + count]))
            }
            return count
        }
    }

    /// Calls `body` for each line from `offset` until it returns false or the file ends.
    ///
    /// One buffer serves the whole read: each chunk lands after the unfinished line the previous one left,
    /// so nothing is allocated per chunk (fresh megabyte allocations made glibc consolidate its free lists
    /// on every chunk).
    func forEachLine(
        from offset: Int64 = 0,
        _ body: (_ line: UnsafeRawBufferPointer, _ offset: Int64, _ complete: Bool) throws -> Bool
    ) throws {
        var storage = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * Self.chunkSize, alignment: 16)
        defer { storage.deallocate() }
        var filled = 0
        var bufferOffset = offset
        var readOffset = offset
        var skippingOversized = false
        while true {
            if storage.count - filled < Self.chunkSize {
                // Only a line longer than a chunk gets here; it is skipped past `maxLineLength`.
                let larger = UnsafeMutableRawBufferPointer.allocate(
                    byteCount: filled + 2 * Self.chunkSize, alignment: 16)
                larger.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[0..<filled]))
                storage.deallocate()
                storage = larger
            }
            let got = try read(
                UnsafeMutableRawBufferPointer(rebasing: storage[filled..<filled + Self.chunkSize]), readOffset)
            readOffset += Int64(got)
            filled += got
            let bytes = UnsafeRawBufferPointer(rebasing: storage[0..<filled])
            var start = 0
            var keepGoing = true
            while let newline = Self.newline(in: bytes, from: start) {
                defer { start = newline + 1 }
                if skippingOversized {
                    skippingOversized = false
                    continue
                }
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<newline])
                if try !body(line, bufferOffset + Int64(start), true) {
                    keepGoing = false
                    break
                }
            }
            if !keepGoing { return }
            if bytes.count - start > Self.maxLineLength && !skippingOversized {
                let line = UnsafeRawBufferPointer(rebasing: bytes[start...])
                if try !body(line, bufferOffset + Int64(start), false) { return }
                skippingOversized = true
            }
            if skippingOversized {
                bufferOffset += Int64(filled)
                filled = 0
            } else {
                // The unfinished line moves to the front.
                if start > 0 {
                    storage.baseAddress!.copyMemory(from: storage.baseAddress! + start, byteCount: filled - start)
                }
                filled -= start
                bufferOffset += Int64(start)
            }
            if got == 0 {
                if filled > 0 && !skippingOversized {
                    _ = try body(UnsafeRawBufferPointer(rebasing: storage[0..<filled]), bufferOffset, false)
                }
                return
            }
        }
    }

    /// The index of the first newline at or after `start`.
    private static func newline(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count,
            let found = memchr(bytes.baseAddress! + start, Int32(UInt8(ascii: "\n")), bytes.count - start)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress!)
    }
}
