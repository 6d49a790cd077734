/// Turns a handler's response into the bytes on the wire, owning every part that frames the message.
///
/// The status line is always `HTTP/1.1`; `Content-Length` is always written (except for 204 and 304,
/// which cannot have a body, and a streamed body, which the connection's close ends) and no response is
/// ever chunked; `Date` and `Connection` come from the
/// server. Handler fields named `Content-Length`, `Transfer-Encoding`, `Connection` or `Date` are left
/// out, as is any field whose name is not a token or whose value holds a control byte, so nothing a
/// handler returns can split the response.
enum ResponseEncoder {
    /// What the connection needs to know to encode a response.
    struct Framing {
        /// The request was HEAD: write the headers of the body, not the body.
        var headOnly = false
        /// Write `Connection: close`; the connection closes after this response.
        var close = false
        /// Write `Connection: keep-alive` (for an HTTP/1.0 client that asked to keep the connection).
        var keepAlive = false
    }

    private static let serverOwned = ["Content-Length", "Transfer-Encoding", "Connection", "Date"]

    /// The complete response: status line, fields, blank line, body.
    static func encode(_ response: HTTPResponse, _ framing: Framing) -> [UInt8] {
        var response = response
        if !(200...599).contains(response.status) {
            response = .text(500, "handler returned status \(response.status)\n")
        }
        let bodyAllowed = response.status != 204 && response.status != 304
        var head = "HTTP/1.1 \(response.status) \(HTTPStatusReason.phrase(for: response.status))\r\n"
        head += "Date: \(HTTPDate.now())\r\n"
        for field in response.headers where isWritable(field) {
            head += "\(field.name): \(field.value)\r\n"
        }
        if bodyAllowed && !response.streams { head += "Content-Length: \(response.body.count)\r\n" }
        if framing.close || response.streams {
            head += "Connection: close\r\n"
        } else if framing.keepAlive {
            head += "Connection: keep-alive\r\n"
        }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if bodyAllowed && !framing.headOnly { bytes += response.body }
        return bytes
    }

    /// Whether the handler's response asks to close, by flag or by a `Connection: close` field.
    static func asksToClose(_ response: HTTPResponse) -> Bool {
        response.closeConnection
            || response.headers.contains { field in
                HTTPSyntax.equalsIgnoringCase(field.name, "Connection")
                    && HTTPSyntax.listElements(field.value).contains { HTTPSyntax.equalsIgnoringCase($0, "close") }
            }
    }

    /// The answer the server gives by itself for a request it refuses, always closing.
    static func rejection(status: Int, reason: String, extraHeaders: [(name: String, value: String)] = []) -> [UInt8] {
        var response = HTTPResponse.text(status, "\(HTTPStatusReason.phrase(for: status)): \(reason)\n")
        response.headers += extraHeaders
        return encode(response, Framing(close: true))
    }

    private static func isWritable(_ field: (name: String, value: String)) -> Bool {
        HTTPSyntax.isToken(field.name.utf8)
            && field.value.utf8.allSatisfy(HTTPSyntax.isFieldValueByte)
            && !serverOwned.contains { HTTPSyntax.equalsIgnoringCase($0, field.name) }
    }
}
