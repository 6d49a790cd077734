/// The bytes received on a connection and not yet decoded.
///
/// It holds only what arrived: the event loop reads into one scratch buffer of its own and appends what
/// came, so an idle keep-alive connection holds no read buffer at all (10,000 of them must fit in a few
/// tens of MiB). Decoded bytes are dropped from the front; bytes after a request stay for the next one,
/// which is what makes pipelining work.
struct ReceiveBuffer {
    /// Capacity kept after the buffer empties; a larger one (a big body's) is given back.
    static let keptCapacity = 16 * 1024
    private var storage: [UInt8] = []
    private var start = 0

    /// An empty buffer.
    init() {}

    /// How many undecoded bytes there are.
    var count: Int { storage.count - start }
    /// Whether every received byte has been decoded.
    var isEmpty: Bool { start == storage.count }
    /// The undecoded bytes.
    var unread: ArraySlice<UInt8> { storage[start...] }

    /// Drops `count` decoded bytes from the front.
    mutating func consume(_ count: Int) {
        precondition(count <= self.count, "consumed more than was received")
        start += count
        if start == storage.count {
            storage.removeAll(keepingCapacity: storage.capacity <= Self.keptCapacity)
            start = 0
        }
    }

    /// Removes and returns the first `count` bytes.
    mutating func take(_ count: Int) -> [UInt8] {
        let bytes = Array(storage[start..<start + count])
        consume(count)
        return bytes
    }

    /// Appends bytes that arrived, first moving undecoded ones to the front when most of the storage is
    /// already decoded.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start >= storage.count / 2 {
            storage.removeSubrange(0..<start)
            start = 0
        }
        storage.append(contentsOf: bytes)
    }

    /// Appends bytes already in memory (the in-memory parser's whole input).
    mutating func append(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { append($0) }
    }
}
