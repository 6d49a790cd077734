/// De-chunks a `Transfer-Encoding: chunked` body (RFC 9112 §7.1) as its bytes arrive.
///
/// Strict like llhttp: the size is hex digits with nothing before them and nothing but `;` (an extension)
/// or CRLF after; chunk data must be followed by exactly CRLF; every line ends in CRLF. Extensions are
/// skipped (up to 4 KiB per line), and trailer fields are checked like header fields and then ignored
/// (up to the header limit in total). The body limit applies to the running total and is checked when
/// a chunk's size is read, before its data arrives.
struct ChunkedBodyDecoder {
    /// The most body bytes in total.
    let maxBodyBytes: Int
    /// The most bytes of trailer section.
    let maxTrailerBytes: Int

    /// The de-chunked body so far.
    private(set) var body: [UInt8] = []
    private var state = State.size(value: 0, digits: 0)
    private var trailerBytes = 0
    private var trailerLine: [UInt8] = []
    /// Trailer fields read so far, to name a bad one by position.
    private var trailerFields = 0

    private static let maxExtensionBytes = 4096

    private enum State {
        case size(value: Int, digits: Int)
        case sizeExtension(size: Int, length: Int)
        case sizeLineFeed(size: Int)
        case data(remaining: Int)
        case dataCarriageReturn
        case dataLineFeed
        case trailer(sawCarriageReturn: Bool)
        case done
    }

    /// Creates a decoder for one body.
    init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    /// Whether the last chunk and the trailer section have been read.
    var isComplete: Bool {
        if case .done = state { return true }
        return false
    }

    /// Consumes bytes from the front of `bytes`, stopping at the end of the body.
    ///
    /// - Returns: How many bytes were consumed; the bytes after the body belong to the next request.
    /// - Throws: `.malformed` for broken framing or a size that overflows, `.bodyTooLarge` once the total
    ///   would pass the limit, `.headerSectionTooLarge` for an oversized trailer section.
    mutating func decode(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if case .done = state { break }
            if case .data(let remaining) = state {
                let count = min(remaining, bytes.endIndex - index)
                body.append(contentsOf: bytes[index..<index + count])
                index += count
                state = remaining == count ? .dataCarriageReturn : .data(remaining: remaining - count)
                continue
            }
            try step(bytes[index])
            index += 1
        }
        return index - bytes.startIndex
    }

    /// Advances the framing state machine by one byte outside chunk data.
    private mutating func step(_ byte: UInt8) throws(HTTPRequestError) {
        switch state {
        case .size(let value, let digits):
            if let digit = Self.hexValue(byte) {
                guard value <= (Int.max - digit) >> 4 else { throw .malformed("chunk size overflows") }
                state = .size(value: value << 4 | digit, digits: digits + 1)
            } else if digits > 0 && byte == UInt8(ascii: ";") {
                state = .sizeExtension(size: value, length: 0)
            } else if digits > 0 && byte == HTTPSyntax.cr {
                state = .sizeLineFeed(size: value)
            } else {
                throw .malformed("invalid character in chunk size")
            }
        case .sizeExtension(let size, let length):
            if byte == HTTPSyntax.cr {
                state = .sizeLineFeed(size: size)
            } else if !HTTPSyntax.isFieldValueByte(byte) {
                throw .malformed("control byte in chunk extension")
            } else if length >= Self.maxExtensionBytes {
                throw .malformed("chunk extension longer than \(Self.maxExtensionBytes) bytes")
            } else {
                state = .sizeExtension(size: size, length: length + 1)
            }
        case .sizeLineFeed(let size):
            guard byte == HTTPSyntax.lf else { throw .malformed("chunk size line does not end in CRLF") }
            if size == 0 {
                state = .trailer(sawCarriageReturn: false)
            } else {
                guard size <= maxBodyBytes - body.count else { throw .bodyTooLarge(limit: maxBodyBytes) }
                body.reserveCapacity(body.count + size)
                state = .data(remaining: size)
            }
        case .dataCarriageReturn:
            guard byte == HTTPSyntax.cr else { throw .malformed("chunk data not followed by CRLF") }
            state = .dataLineFeed
        case .dataLineFeed:
            guard byte == HTTPSyntax.lf else { throw .malformed("chunk data not followed by CRLF") }
            state = .size(value: 0, digits: 0)
        case .trailer(let sawCarriageReturn):
            try stepTrailer(byte, sawCarriageReturn: sawCarriageReturn)
        case .data, .done:
            preconditionFailure("chunk data and the end are handled by decode")
        }
    }

    /// Collects a trailer line; an empty line ends the body.
    private mutating func stepTrailer(_ byte: UInt8, sawCarriageReturn: Bool) throws(HTTPRequestError) {
        if sawCarriageReturn {
            guard byte == HTTPSyntax.lf else { throw .malformed("CR not followed by LF in trailer") }
            if trailerLine.isEmpty {
                state = .done
                return
            }
            trailerFields += 1
            _ = try RequestHeadParser.parseField(trailerLine[...], place: "trailer field \(trailerFields)")
            trailerLine.removeAll(keepingCapacity: true)
            state = .trailer(sawCarriageReturn: false)
            return
        }
        trailerBytes += 1
        if trailerBytes > maxTrailerBytes { throw .headerSectionTooLarge(limit: maxTrailerBytes) }
        switch byte {
        case HTTPSyntax.cr: state = .trailer(sawCarriageReturn: true)
        case HTTPSyntax.lf: throw .malformed("trailer line ends in a bare LF, not CRLF")
        default: trailerLine.append(byte)
        }
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): Int(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): Int(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
