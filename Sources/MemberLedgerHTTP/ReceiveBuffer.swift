/// The bytes received on a connection and not yet parsed.
///
/// Reads go straight into free space at the end, 64 KiB at a time, never a byte per syscall; parsed
/// bytes are dropped from the front. Bytes after a request stay for the next one, which is what makes
/// pipelining work. The server reads only when the parser needs more, so the buffer never holds more
/// than the request being parsed plus one read.
struct ReceiveBuffer {
    /// How much one receive asks for.
    static let readSize = 64 * 1024

    private var storage: [UInt8]
    private var start = 0
    private var end = 0

    /// Creates an empty buffer with room for one read.
    init() {
        storage = [UInt8](repeating: 0, count: Self.readSize)
    }

    /// How many unparsed bytes there are.
    var count: Int { end - start }

    /// Whether every received byte has been parsed.
    var isEmpty: Bool { start == end }

    /// The unparsed bytes.
    var unread: ArraySlice<UInt8> { storage[start..<end] }

    /// Drops `count` parsed bytes from the front.
    mutating func consume(_ count: Int) {
        precondition(count <= self.count)
        start += count
        if start == end {
            start = 0
            end = 0
        }
    }

    /// Removes and returns the first `count` bytes.
    mutating func take(_ count: Int) -> [UInt8] {
        let bytes = Array(storage[start..<start + count])
        consume(count)
        return bytes
    }

    /// Appends bytes already in memory (the in-memory parser's whole input).
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        storage.replaceSubrange(end..<storage.count, with: bytes)
        end += bytes.count
        if storage.count < end + Self.readSize {
            storage += [UInt8](repeating: 0, count: end + Self.readSize - storage.count)
        }
    }

    /// Receives once from `socket` into the free space, making room for a full read first.
    mutating func receive(from socket: Socket) -> Socket.Received {
        makeRoom()
        let offset = end
        let received = storage.withUnsafeMutableBytes { raw in
            socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[offset..<offset + Self.readSize]))
        }
        if case .bytes(let count) = received { end += count }
        return received
    }

    /// Gives back the memory of a large body once it has been parsed, so an idle keep-alive connection
    /// holds one read's worth, not its largest request's.
    mutating func shrink() {
        guard storage.count > 2 * Self.readSize, count <= Self.readSize else { return }
        var smaller = [UInt8](repeating: 0, count: Self.readSize * 2)
        smaller.withUnsafeMutableBytes { target in
            storage.withUnsafeBytes { source in
                target.baseAddress!.copyMemory(from: source.baseAddress! + start, byteCount: count)
            }
        }
        end = count
        start = 0
        storage = smaller
    }

    /// Moves the unparsed bytes to the front when that frees a read's worth, else grows the storage.
    private mutating func makeRoom() {
        if storage.count - end >= Self.readSize { return }
        if start > 0 {
            let unparsed = count
            let from = start
            storage.withUnsafeMutableBytes { raw in
                raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: unparsed)
            }
            start = 0
            end = unparsed
        }
        if storage.count - end < Self.readSize {
            storage.append(contentsOf: repeatElement(0, count: end + Self.readSize - storage.count))
        }
    }
}
