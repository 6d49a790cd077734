extension String {
    /// Whether this text holds `secret`: byte for byte, or, when either is not ASCII, as canonically
    /// equivalent text too (so no spelling of a non-ASCII secret slips through a redaction).
    public func mentions(_ secret: String) -> Bool {
        if ByteSearch.contains(utf8, secret.utf8) { return true }
        return !(ByteSearch.isASCII(utf8) && ByteSearch.isASCII(secret.utf8)) && contains(secret)
    }

    /// Every occurrence of `target` replaced (standard library only): byte for byte, then, when either is
    /// not ASCII, as canonically equivalent text too. Returns at once when there is nothing to replace,
    /// which is every request's case for the handshake sweep.
    public func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty, mentions(target) else { return self }
        // Bytes first: a valid UTF-8 needle inside valid UTF-8 text always sits on scalar boundaries, so
        // this catches even an occurrence that shares a grapheme with what follows it (a combining mark).
        var result: [UInt8] = []
        var rest = Array(utf8)[...]
        let needle = Array(target.utf8)
        while let offset = rest.withUnsafeBufferPointer({ haystack in
            needle.withUnsafeBufferPointer { ByteSearch.firstOffset(of: $0, in: haystack) }
        }) {
            result += rest.prefix(offset)
            result += replacement.utf8
            rest = rest.dropFirst(offset + needle.count)
        }
        let replaced = String(decoding: result + rest, as: UTF8.self)
        guard !(ByteSearch.isASCII(replaced.utf8) && ByteSearch.isASCII(target.utf8)) else { return replaced }
        // Then as text, for spellings that are canonically equivalent but differ in bytes.
        var text = ""
        var remaining = replaced[...]
        while let range = remaining.firstRange(of: target) {
            text += remaining[..<range.lowerBound]
            text += replacement
            remaining = remaining[range.upperBound...]
        }
        return text + remaining
    }
}
