/// Reads strict RFC 8259 JSON into a `JSONValue`, or names the first byte where the input went wrong.
///
/// The input is exactly one value with optional whitespace (space, tab, LF, CR) around it and nothing
/// else: no byte order mark, comments, trailing commas, leading zeros, `NaN`/`Infinity` or single quotes.
/// Strings must be well-formed UTF-8 with control characters escaped, and `\u` escapes must form Unicode
/// scalars (surrogates only as a high–low pair). A key repeated in one object is an error, because
/// readers disagree on which copy wins. Nesting is limited to `maxDepth` arrays and objects, which bounds
/// the recursion on hostile input.
///
/// All entry points parse over contiguous bytes; a collection without contiguous storage is copied once.
public struct JSONParser: Sendable {
    /// The nesting limit used when none is given: far deeper than any record we store, far shallower
    /// than what would strain a thread's stack.
    public static let defaultMaxDepth = 64

    private init() {}

    /// Parses a document from UTF-8 bytes, e.g. `[UInt8]`, `ArraySlice<UInt8>` or `Data`.
    ///
    /// Contiguous collections are read in place; others are copied first. Error offsets count from the
    /// collection's first byte. `maxDepth` is the most arrays and objects that may be open at once.
    public static func parse(
        _ bytes: some Collection<UInt8>,
        maxDepth: Int = defaultMaxDepth
    ) throws(JSONError) -> JSONValue {
        let inPlace = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONError) in try parse(UnsafeRawBufferPointer(buffer), maxDepth: maxDepth) }
        }
        if let inPlace { return try inPlace.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { buffer in
            Result { () throws(JSONError) in try parse(buffer, maxDepth: maxDepth) }
        }.get()
    }

    /// Parses a document from a string's UTF-8 encoding; offsets in errors count its UTF-8 bytes.
    /// `maxDepth` is the most arrays and objects that may be open at once.
    public static func parse(_ text: String, maxDepth: Int = defaultMaxDepth) throws(JSONError) -> JSONValue {
        try parse(text.utf8, maxDepth: maxDepth)
    }

    /// Parses a document from raw bytes, which must stay valid for the duration of the call.
    /// `maxDepth` is the most arrays and objects that may be open at once.
    public static func parse(
        _ buffer: UnsafeRawBufferPointer,
        maxDepth: Int = defaultMaxDepth
    ) throws(JSONError) -> JSONValue {
        guard let base = buffer.baseAddress, !buffer.isEmpty else {
            throw JSONError(reason: .unexpectedEnd, offset: 0)
        }
        // Reading the bytes as UInt8 is always sound: every bit pattern is a valid UInt8.
        var reader = Reader(bytes: base.assumingMemoryBound(to: UInt8.self), end: buffer.count, maxDepth: maxDepth)
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        guard reader.pos == reader.end else {
            throw JSONError(reason: .trailingData, offset: reader.pos)
        }
        return value
    }

    /// Whether `text` is exactly one JSON number literal, which is what `JSONValue.number` must hold.
    static func isNumberLiteral(_ text: String) -> Bool {
        guard case .number(let parsed)? = try? parse(text) else { return false }
        return parsed.utf8.count == text.utf8.count
    }
}

/// The parse state over one input buffer. Recursion mirrors nesting; `maxDepth` bounds it.
private struct Reader: ~Copyable {
    let bytes: UnsafePointer<UInt8>
    let end: Int
    let maxDepth: Int
    var pos = 0
    /// Reused for strings with escapes, so decoding one costs no allocation beyond the result.
    var scratch: [UInt8] = []
    /// The elements and members of the containers still open, innermost last. A container moves its
    /// own off the top when it closes, so its array is allocated once at its final size instead of
    /// regrown by appends.
    var openElements = Stack<JSONValue>()
    var openMembers = Stack<(key: String, value: JSONValue)>()
    /// The keys of the open objects, for duplicate checks; one ahead of `openMembers` while a member's
    /// value is being read.
    var openKeys = Stack<KeyPrint>()

    /// From this many keys on, an object's duplicate check hashes instead of comparing with every key.
    static let hashingThreshold = 16

    init(bytes: UnsafePointer<UInt8>, end: Int, maxDepth: Int) {
        self.bytes = bytes
        self.end = end
        self.maxDepth = maxDepth
    }

    mutating func skipWhitespace() {
        while pos < end {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    /// The error for the byte at `index` not fitting the grammar, or for the input ending there.
    func unexpected(at index: Int) -> JSONError {
        index < end
            ? JSONError(reason: .unexpectedByte(bytes[index]), offset: index)
            : JSONError(reason: .unexpectedEnd, offset: end)
    }

    /// Parses the value starting at or after `pos`; `depth` counts the containers already open.
    mutating func parseValue(depth: Int) throws(JSONError) -> JSONValue {
        skipWhitespace()
        guard pos < end else { throw unexpected(at: pos) }
        switch bytes[pos] {
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "{"):
            return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["):
            return try parseArray(depth: depth + 1)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        default:
            throw unexpected(at: pos)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONError) {
        let count = literal.utf8CodeUnitCount
        let expected = literal.utf8Start
        for k in 0..<count where pos + k >= end || bytes[pos + k] != expected[k] {
            throw unexpected(at: pos + k)
        }
        pos += count
    }

    mutating func parseArray(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONError(reason: .tooDeep(limit: maxDepth), offset: pos) }
        pos += 1
        skipWhitespace()
        if pos < end && bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            return .array([])
        }
        let base = openElements.count
        while true {
            let element = try parseValue(depth: depth)
            openElements.push(element)
            skipWhitespace()
            guard pos < end else { throw unexpected(at: pos) }
            switch bytes[pos] {
            case UInt8(ascii: ","):
                pos += 1
            case UInt8(ascii: "]"):
                pos += 1
                return .array(openElements.popArray(from: base))
            default:
                throw unexpected(at: pos)
            }
        }
    }

    mutating func parseObject(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maxDepth else { throw JSONError(reason: .tooDeep(limit: maxDepth), offset: pos) }
        pos += 1
        skipWhitespace()
        if pos < end && bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            return .object([])
        }
        let memberBase = openMembers.count
        let keyBase = openKeys.count
        var seenKeys = SeenKeys()
        while true {
            guard pos < end, bytes[pos] == UInt8(ascii: "\"") else { throw unexpected(at: pos) }
            let keyOffset = pos
            let key = try parseString()
            let print = keyPrint(of: key, from: keyOffset + 1, to: pos - 1)
            if isRepeated(key, print, keyBase: keyBase, memberBase: memberBase, seen: &seenKeys) {
                throw JSONError(reason: .duplicateKey(key), offset: keyOffset)
            }
            openKeys.push(print)
            skipWhitespace()
            guard pos < end, bytes[pos] == UInt8(ascii: ":") else { throw unexpected(at: pos) }
            pos += 1
            let value = try parseValue(depth: depth)
            openMembers.push((key, value))
            skipWhitespace()
            guard pos < end else { throw unexpected(at: pos) }
            switch bytes[pos] {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
            case UInt8(ascii: "}"):
                pos += 1
                openKeys.removeAll(from: keyBase)
                return .object(openMembers.popArray(from: memberBase))
            default:
                throw unexpected(at: pos)
            }
        }
    }

    /// The fingerprint of `key`, whose text without quotes is the input's `start..<stop`.
    func keyPrint(of key: String, from start: Int, to stop: Int) -> KeyPrint {
        let rawCount = stop - start
        let decodedCount = key.utf8.count
        guard rawCount == decodedCount else {
            return KeyPrint(start: start, rawCount: rawCount, decodedCount: decodedCount, prefix: 0)
        }
        var prefix: UInt64 = 0
        if start + 8 <= end {
            prefix = loadWord(at: start)
            if rawCount < 8 { prefix &= (1 << (rawCount * 8)) - 1 }
        } else {
            for k in 0..<rawCount { prefix |= UInt64(bytes[start + k]) << (k * 8) }
        }
        return KeyPrint(start: start, rawCount: rawCount, decodedCount: decodedCount, prefix: prefix)
    }

    /// Whether `key` repeats a key of the object whose earlier keys start at `keyBase` in `openKeys` and
    /// at `memberBase` in `openMembers`.
    ///
    /// Small objects, the records we store, are checked against a one-word Bloom filter of fingerprints,
    /// which clears most keys at once, and otherwise searched linearly, comparing fingerprints and input
    /// bytes when neither key had escapes. From `hashingThreshold` keys on, a set takes over so that a
    /// hostile object with many keys costs linear time, not quadratic.
    func isRepeated(_ key: String, _ print: KeyPrint, keyBase: Int, memberBase: Int, seen: inout SeenKeys) -> Bool {
        if openKeys.count - keyBase >= Self.hashingThreshold {
            if seen.hashed == nil {
                seen.hashed = Set((memberBase..<openMembers.count).map { ExactKey(text: openMembers[$0].key) })
            }
            return !seen.hashed!.insert(ExactKey(text: key)).inserted
        }
        let filterBit = print.filterBit
        let filtered = seen.allPlain && print.isPlain && seen.filter & filterBit == 0
        seen.filter |= filterBit
        seen.allPlain = seen.allPlain && print.isPlain
        if filtered { return false }
        for index in keyBase..<openKeys.count {
            let other = openKeys[index]
            guard other.decodedCount == print.decodedCount else { continue }
            if print.isPlain && other.isPlain {
                if other.prefix == print.prefix
                    && (print.rawCount <= 8 || sameBytes(other.start + 8, print.start + 8, count: print.rawCount - 8))
                {
                    return true
                }
            } else if openMembers[memberBase + index - keyBase].key.hasSameScalars(as: key) {
                return true
            }
        }
        return false
    }

    func sameBytes(_ a: Int, _ b: Int, count: Int) -> Bool {
        for k in 0..<count where bytes[a + k] != bytes[b + k] { return false }
        return true
    }

    /// The eight input bytes at `index` (which must all exist), first byte lowest on every platform.
    func loadWord(at index: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self))
    }

    /// Scans `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?` and returns its text unchanged.
    mutating func parseNumber() throws(JSONError) -> String {
        let start = pos
        var i = pos
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { throw unexpected(at: i) }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < end && isDigit(bytes[i]) { throw JSONError(reason: .invalidNumber, offset: i) }
        } else {
            i = try digits(from: i)
        }
        if i < end && bytes[i] == UInt8(ascii: ".") {
            i = try digits(from: i + 1)
        }
        if i < end && bytes[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            if i < end && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            i = try digits(from: i)
        }
        pos = i
        return string(from: start, to: i)
    }

    /// Consumes one or more digits starting at `i` and returns the index after them.
    func digits(from start: Int) throws(JSONError) -> Int {
        guard start < end else { throw JSONError(reason: .unexpectedEnd, offset: end) }
        guard isDigit(bytes[start]) else { throw JSONError(reason: .invalidNumber, offset: start) }
        var i = start + 1
        while i < end && isDigit(bytes[i]) { i += 1 }
        return i
    }

    func isDigit(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "0") < 10
    }

    /// Parses the string whose opening quote is at `pos`.
    ///
    /// The common case, no escapes, becomes a `String` straight from the input bytes, and UTF-8 is
    /// checked only when a byte above 0x7F was seen, so ASCII text is scanned once.
    mutating func parseString() throws(JSONError) -> String {
        let start = pos + 1
        var highBits: UInt64 = 0
        let i = findSpecialByte(from: start, highBits: &highBits)
        let sawNonASCII = highBits & 0x8080_8080_8080_8080 != 0
        guard i < end else {
            if sawNonASCII { try checkUTF8(from: start, to: end, atEndOfInput: true) }
            throw JSONError(reason: .unexpectedEnd, offset: end)
        }
        switch bytes[i] {
        case UInt8(ascii: "\""):
            pos = i + 1
            if sawNonASCII { try checkUTF8(from: start, to: i, atEndOfInput: false) }
            return string(from: start, to: i)
        case UInt8(ascii: "\\"):
            return try parseEscapedString(start: start, firstEscape: i, sawNonASCII: sawNonASCII)
        default:
            if sawNonASCII { try checkUTF8(from: start, to: i, atEndOfInput: false) }
            throw JSONError(reason: .controlCharacterInString, offset: i)
        }
    }

    /// The input bytes `start..<stop`, already known to be valid UTF-8, as a `String`.
    ///
    /// Built in place rather than with `String(decoding:as:)`: for up to 15 ASCII bytes, most keys and
    /// many values, the stdlib then skips its own validation and allocation entirely.
    func string(from start: Int, to stop: Int) -> String {
        let source = bytes + start
        return String(unsafeUninitializedCapacity: stop - start) { buffer in
            guard let target = buffer.baseAddress else { return 0 }
            target.initialize(from: source, count: stop - start)
            return stop - start
        }
    }

    /// The index of the first quote, backslash or control byte at or after `start`, or `end`.
    ///
    /// Works eight bytes at a time, since string bodies are most of a document. Every word looked at is
    /// OR-ed into `highBits`, so a byte above 0x7F before the result sets a bit of 0x8080…80 there (bytes
    /// past the result may too, which only costs an unneeded UTF-8 check).
    func findSpecialByte(from start: Int, highBits: inout UInt64) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        var i = start
        while i + 8 <= end {
            let word = loadWord(at: i)
            highBits |= word
            // Per byte, the high bit ends up set for 0x22, 0x5C and anything below 0x20 (the classic
            // has-zero and has-less-than tests). Borrows can only add false hits above a true one, so the
            // lowest set bit is exact.
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special = ((quote &- ones) | (backslash &- ones) | (word &- ones &* 0x20)) & ~word & (ones &* 0x80)
            if special != 0 { return i + special.trailingZeroBitCount / 8 }
            i += 8
        }
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { return i }
            highBits |= UInt64(byte)
            i += 1
        }
        return end
    }

    /// The slow path for strings with escapes: raw runs are checked and copied, escapes decoded, all into
    /// `scratch`, whose bytes are then valid UTF-8 by construction.
    mutating func parseEscapedString(start: Int, firstEscape: Int, sawNonASCII: Bool) throws(JSONError) -> String {
        scratch.removeAll(keepingCapacity: true)
        var runStart = start
        var runNonASCII = sawNonASCII
        var i = firstEscape
        while i < end {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                if runNonASCII { try checkUTF8(from: runStart, to: i, atEndOfInput: false) }
                scratch.append(contentsOf: UnsafeBufferPointer(start: bytes + runStart, count: i - runStart))
                if byte == UInt8(ascii: "\"") {
                    pos = i + 1
                    return String(decoding: scratch, as: UTF8.self)
                }
                i = try decodeEscape(at: i)
                runStart = i
                runNonASCII = false
                continue
            }
            if byte < 0x20 {
                if runNonASCII { try checkUTF8(from: runStart, to: i, atEndOfInput: false) }
                throw JSONError(reason: .controlCharacterInString, offset: i)
            }
            runNonASCII = runNonASCII || byte >= 0x80
            i += 1
        }
        if runNonASCII { try checkUTF8(from: runStart, to: end, atEndOfInput: true) }
        throw JSONError(reason: .unexpectedEnd, offset: end)
    }

    /// Decodes the escape whose backslash is at `i` into `scratch`; returns the index after it.
    mutating func decodeEscape(at i: Int) throws(JSONError) -> Int {
        guard i + 1 < end else { throw JSONError(reason: .unexpectedEnd, offset: end) }
        let simple: UInt8
        switch bytes[i + 1] {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5C
        case UInt8(ascii: "/"): simple = 0x2F
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"):
            let unit = try hexUnit(at: i)
            switch unit {
            case 0xD800...0xDBFF:
                // A high surrogate means nothing alone: the very next thing must be a low surrogate escape.
                let j = i + 6
                let unpaired = JSONError(reason: .invalidUnicodeScalar, offset: i)
                guard j < end else { throw JSONError(reason: .unexpectedEnd, offset: end) }
                guard bytes[j] == UInt8(ascii: "\\") else { throw unpaired }
                guard j + 1 < end else { throw JSONError(reason: .unexpectedEnd, offset: end) }
                guard bytes[j + 1] == UInt8(ascii: "u") else { throw unpaired }
                let low = try hexUnit(at: j)
                guard (0xDC00...0xDFFF).contains(low) else { throw unpaired }
                appendUTF8(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                return j + 6
            case 0xDC00...0xDFFF:
                throw JSONError(reason: .invalidUnicodeScalar, offset: i)
            default:
                appendUTF8(unit)
                return i + 6
            }
        default:
            throw JSONError(reason: .invalidEscape, offset: i)
        }
        scratch.append(simple)
        return i + 2
    }

    /// The 16-bit value of the `\uXXXX` escape whose backslash is at `i`.
    func hexUnit(at i: Int) throws(JSONError) -> UInt32 {
        var value: UInt32 = 0
        for k in 2..<6 {
            guard i + k < end else { throw JSONError(reason: .unexpectedEnd, offset: end) }
            let byte = bytes[i + k]
            let nibble: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
            default: throw JSONError(reason: .invalidEscape, offset: i)
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }

    /// Appends a scalar (never a surrogate; callers ensure that) to `scratch` as UTF-8.
    mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case ..<0x80:
            scratch.append(UInt8(scalar))
        case ..<0x800:
            scratch.append(UInt8(0xC0 | scalar >> 6))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        case ..<0x10000:
            scratch.append(UInt8(0xE0 | scalar >> 12))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        default:
            scratch.append(UInt8(0xF0 | scalar >> 18))
            scratch.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            scratch.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            scratch.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    func checkUTF8(from start: Int, to stop: Int, atEndOfInput: Bool) throws(JSONError) {
        if let offset = firstIllFormedUTF8(from: start, to: stop, cutByEnd: atEndOfInput) {
            throw JSONError(reason: .invalidUTF8, offset: offset)
        }
    }

    /// The offset of the first ill-formed UTF-8 sequence in `start..<stop`, by the Unicode table of
    /// well-formed byte sequences (Table 3-7), which excludes overlong forms, surrogates and values above
    /// U+10FFFF. When `cutByEnd`, `stop` is the end of input and a sequence it cuts short is not counted:
    /// the input merely ended, which the caller reports as such.
    func firstIllFormedUTF8(from start: Int, to stop: Int, cutByEnd: Bool) -> Int? {
        var i = start
        while i < stop {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            let trailing: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: trailing = 1
            case 0xE0: (trailing, low) = (2, 0xA0)
            case 0xE1...0xEC, 0xEE...0xEF: trailing = 2
            case 0xED: (trailing, high) = (2, 0x9F)
            case 0xF0: (trailing, low) = (3, 0x90)
            case 0xF1...0xF3: trailing = 3
            case 0xF4: (trailing, high) = (3, 0x8F)
            default: return i
            }
            for k in 1...trailing {
                guard i + k < stop else { return cutByEnd ? nil : i }
                let byte = bytes[i + k]
                guard k == 1 ? (low...high).contains(byte) : byte & 0xC0 == 0x80 else { return i }
            }
            i += trailing + 1
        }
        return nil
    }
}

/// A key's length and first bytes, which tell most keys of an object apart in one comparison.
///
/// A key is plain when its raw and decoded lengths match: escapes only ever shorten text when decoded,
/// so such a key had none, its input bytes are its UTF-8, and `prefix` holds up to eight of them.
private struct KeyPrint {
    let start: Int
    let rawCount: Int
    let decodedCount: Int
    let prefix: UInt64

    var isPlain: Bool { rawCount == decodedCount }

    /// One of 64 bits chosen by the fingerprint of a plain key; equal keys always choose the same bit.
    var filterBit: UInt64 {
        1 << (((prefix ^ UInt64(rawCount)) &* 0x9E37_79B9_7F4A_7C15) >> 58)
    }
}

/// What one object's duplicate check knows about the keys read so far.
private struct SeenKeys {
    /// The `filterBit`s of the keys so far; a plain key whose bit is clear is new. Sound only while
    /// every key so far was plain, since an escaped key's raw bytes say nothing about its bit.
    var filter: UInt64 = 0
    var allPlain = true
    /// All keys so far, once the object is large enough for hashing to beat comparison.
    var hashed: Set<ExactKey>? = nil
}

/// A stack in storage managed by hand, so that the top elements can be moved out into a new array: a
/// plain `Array` could only copy them out and then destroy the originals. It grows and never shrinks
/// during one parse, and releases whatever is left, e.g. after an error, when the reader goes away.
private struct Stack<Element>: ~Copyable {
    private var base: UnsafeMutablePointer<Element>? = nil
    private(set) var count = 0
    private var capacity = 0

    init() {}

    deinit {
        base?.deinitialize(count: count)
        base?.deallocate()
    }

    subscript(index: Int) -> Element {
        base![index]
    }

    mutating func push(_ element: consuming Element) {
        if count == capacity {
            let newCapacity = Swift.max(16, capacity * 2)
            let newBase = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
            if let base {
                newBase.moveInitialize(from: base, count: count)
                base.deallocate()
            }
            base = newBase
            capacity = newCapacity
        }
        (base! + count).initialize(to: element)
        count += 1
    }

    /// Moves the elements from index `start` on, at least one, into a new array.
    ///
    /// Filled by `reserveCapacity` and `append`, which the compiler specialises, rather than by
    /// `Array(unsafeUninitializedCapacity:)`, which runs as unspecialised generic code in the runtime at
    /// several hundred instructions per call.
    mutating func popArray(from start: Int) -> [Element] {
        let source = base! + start
        var array: [Element] = []
        array.reserveCapacity(count - start)
        for index in 0..<(count - start) { array.append((source + index).move()) }
        count = start
        return array
    }

    mutating func removeAll(from start: Int) {
        base?.advanced(by: start).deinitialize(count: count - start)
        count = start
    }
}

/// A string hashed and compared by its exact UTF-8 bytes, unlike `String`, which folds canonically
/// equivalent spellings together.
private struct ExactKey: Hashable {
    let text: String

    static func == (lhs: ExactKey, rhs: ExactKey) -> Bool {
        lhs.text.hasSameScalars(as: rhs.text)
    }

    func hash(into hasher: inout Hasher) {
        let utf8 = text.utf8
        let hashedInPlace: Void? = utf8.withContiguousStorageIfAvailable {
            hasher.combine(bytes: UnsafeRawBufferPointer($0))
        }
        if hashedInPlace == nil {
            for byte in utf8 { hasher.combine(byte) }
        }
    }
}
