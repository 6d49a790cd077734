/// Reads a request line and header section as bytes arrive, one complete line at a time, strictly after
/// RFC 9112 and llhttp's defaults.
///
/// Every line must end in CRLF: a bare LF or a CR not followed by LF is refused as soon as it is seen,
/// because lenient line endings are how request smuggling splits one message into two. Empty lines before
/// the request line are skipped (RFC 9112 §2.2). The limit counts every byte, CRLFs and skipped lines
/// included, and is checked on partial lines too, so a line that never ends cannot grow the buffer.
struct RequestHeadParser {
    /// The most bytes the request line and header section may take.
    let limit: Int

    private var headBytes = 0
    /// Bytes of the current partial line already checked, so a slow sender's line is scanned once.
    private var scannedInLine = 0
    /// Whether the space after the method has been seen on the current line, while the request line is
    /// still arriving; until then every byte must be a token byte, so garbage is refused at its first
    /// byte rather than after a whole head's worth.
    private var methodEnded = false
    private var requestLine: (method: String, target: String, minorVersion: Int)?
    private var fields = HTTPHeaders()

    /// Creates a parser for one request.
    init(limit: Int) {
        self.limit = limit
    }

    /// Whether any byte of a request has been taken (a request line or header begun or complete).
    var hasStarted: Bool { headBytes > 0 || scannedInLine > 0 }

    /// Consumes the complete lines at the front of `bytes`.
    ///
    /// - Returns: How many bytes were consumed (the caller drops them), and the head once its empty
    ///   line has arrived; the bytes after it are left for the body.
    /// - Throws: `.malformed` for broken syntax, `.headerSectionTooLarge` over the limit,
    ///   `.versionNotSupported` for a well-formed version other than 1.0 or 1.1.
    mutating func parse(_ bytes: ArraySlice<UInt8>) throws(HTTPRequestError) -> (consumed: Int, head: RequestHead?) {
        var lineStart = bytes.startIndex
        var index = lineStart + scannedInLine
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == HTTPSyntax.cr {
                guard index + 1 < bytes.endIndex else { break }
                guard bytes[index + 1] == HTTPSyntax.lf else { throw .malformed("CR not followed by LF") }
                let lineLength = index + 2 - lineStart
                headBytes += lineLength
                if headBytes > limit { throw .headerSectionTooLarge(limit: limit) }
                let line = bytes[lineStart..<index]
                index += 2
                lineStart = index
                scannedInLine = 0
                methodEnded = false
                if let head = try take(line) {
                    return (lineStart - bytes.startIndex, head)
                }
                continue
            }
            if byte == HTTPSyntax.lf { throw .malformed("line ends in a bare LF, not CRLF") }
            if requestLine == nil && !methodEnded {
                if byte == HTTPSyntax.space {
                    methodEnded = true
                } else if !HTTPSyntax.isTokenByte(byte) {
                    throw .malformed("method is not a token")
                }
            }
            index += 1
        }
        scannedInLine = index - lineStart
        if headBytes + (bytes.endIndex - lineStart) > limit { throw .headerSectionTooLarge(limit: limit) }
        return (lineStart - bytes.startIndex, nil)
    }

    /// Handles one complete line (without its CRLF); returns the head when the line ends the section.
    private mutating func take(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> RequestHead? {
        guard let requestLine else {
            if !line.isEmpty { self.requestLine = try Self.parseRequestLine(line) }
            return nil
        }
        if line.isEmpty {
            return RequestHead(
                method: requestLine.method, target: requestLine.target, minorVersion: requestLine.minorVersion,
                headers: fields)
        }
        let field = try Self.parseField(line, place: "header \(fields.count + 1)")
        fields.append(name: field.name, value: field.value)
        return nil
    }

    /// `method SP request-target SP HTTP-version`, with exactly one space between the parts.
    static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPRequestError) -> (
        method: String, target: String, minorVersion: Int
    ) {
        guard let firstSpace = line.firstIndex(of: HTTPSyntax.space) else {
            throw .malformed("request line is not METHOD SP TARGET SP VERSION")
        }
        let method = line[line.startIndex..<firstSpace]
        guard HTTPSyntax.isToken(method) else { throw .malformed("method is not a token") }
        let rest = line[(firstSpace + 1)...]
        guard let secondSpace = rest.firstIndex(of: HTTPSyntax.space) else {
            throw .malformed("request line is not METHOD SP TARGET SP VERSION")
        }
        let target = rest[rest.startIndex..<secondSpace]
        guard !target.isEmpty else { throw .malformed("empty request target (or two spaces after the method)") }
        guard target.allSatisfy(HTTPSyntax.isTargetByte) else {
            throw .malformed("request target has a byte outside visible ASCII")
        }
        let version = rest[(secondSpace + 1)...]
        let at = version.startIndex
        guard version.count == 8, version.starts(with: "HTTP/".utf8), isDigit(version[at + 5]),
            version[at + 6] == UInt8(ascii: "."), isDigit(version[at + 7])
        else {
            throw .malformed("request line does not end in HTTP/<digit>.<digit>")
        }
        let (major, minor) = (version[at + 5] - UInt8(ascii: "0"), version[at + 7] - UInt8(ascii: "0"))
        guard major == 1, minor <= 1 else { throw .versionNotSupported(major: Int(major), minor: Int(minor)) }
        return (String(decoding: method, as: UTF8.self), String(decoding: target, as: UTF8.self), Int(minor))
    }

    /// `field-name ":" OWS field-value OWS`. A line starting with whitespace is obs-fold (or whitespace
    /// before the first field), refused as RFC 9112 §5.2 allows; whitespace before the colon is refused as
    /// §5.1 requires. Values are decoded as UTF-8, invalid sequences replaced.
    ///
    /// `place` says which field this is (`header 3`, `trailer field 1`): an error names the field by it,
    /// never by the name or value sent, so a rejection never reflects the client's bytes.
    static func parseField(
        _ line: ArraySlice<UInt8>, place: @autoclosure () -> String
    ) throws(HTTPRequestError) -> (name: String, value: String) {
        guard let first = line.first, first != HTTPSyntax.space, first != HTTPSyntax.tab else {
            throw .malformed("\(place()): line starts with whitespace (obs-fold)")
        }
        guard let colon = line.firstIndex(of: HTTPSyntax.colon) else { throw .malformed("\(place()): no colon") }
        let name = line[line.startIndex..<colon]
        if let last = name.last, last == HTTPSyntax.space || last == HTTPSyntax.tab {
            throw .malformed("\(place()): whitespace between the name and the colon")
        }
        guard HTTPSyntax.isToken(name) else { throw .malformed("\(place()): name is not a token") }
        var value = line[(colon + 1)...]
        while let byte = value.first, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { value.removeFirst() }
        while let byte = value.last, byte == HTTPSyntax.space || byte == HTTPSyntax.tab { value.removeLast() }
        guard value.allSatisfy(HTTPSyntax.isFieldValueByte) else {
            throw .malformed("\(place()): control byte in the value")
        }
        return (String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self))
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
