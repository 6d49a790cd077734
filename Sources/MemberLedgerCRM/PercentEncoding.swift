/// Percent-encoding of what a client puts into a URL: contact ids, tag names, emails, cursors (the CRM
/// clients' requests, the read API's `next` links).
///
/// Everything but RFC 3986's unreserved letters, digits, `-`, `.`, `_` and `~` is encoded, so an id
/// such as `a/b` or `x?y` stays inside its path segment, and `&`, `=`, `+` and `#` in a query value stay
/// data (a tag named `A&B`, an email with `+`).
public enum PercentEncoding {
    /// `text` as one path segment. A segment of only dots is encoded whole: `.` and `..` would otherwise
    /// be read as "this folder" and "the folder above" and move the request to another endpoint.
    public static func segment(_ text: String) -> String {
        if text == "." || text == ".." { return String(repeating: "%2E", count: text.count) }
        return encode(text)
    }

    /// `pairs` as a query string with its leading `?`; empty when there are no pairs.
    public static func query(_ pairs: [(name: String, value: String)]) -> String {
        guard !pairs.isEmpty else { return "" }
        return "?" + pairs.map { encode($0.name) + "=" + encode($0.value) }.joined(separator: "&")
    }

    private static func encode(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
