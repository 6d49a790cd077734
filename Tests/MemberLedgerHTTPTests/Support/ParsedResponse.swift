import Foundation

/// An HTTP/1.1 response read back from raw bytes, strictly enough that a framing bug in the server
/// (a missing CRLF, a wrong Content-Length) shows up as a parse failure.
struct ParsedResponse: Sendable {
    var status: Int
    var reason: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    enum Failure: Error, CustomStringConvertible {
        case malformed(String, [UInt8])
        case unexpectedCount(Int, [UInt8])

        var description: String {
            switch self {
            case .malformed(let why, let bytes):
                "malformed response (\(why)): \(String(decoding: bytes, as: UTF8.self))"
            case .unexpectedCount(let count, let bytes):
                "expected one response, got \(count): \(String(decoding: bytes, as: UTF8.self))"
            }
        }
    }

    /// The first header of this name, ignoring case.
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// How many headers have this name.
    func count(of name: String) -> Int {
        headers.filter { $0.name.lowercased() == name.lowercased() }.count
    }

    /// The body as text.
    var text: String { String(decoding: body, as: UTF8.self) }

    /// Every response in `bytes`, interim ones (1xx) included. With `headRequest`, bodies are empty
    /// whatever Content-Length says.
    static func parseAll(_ bytes: [UInt8], headRequest: Bool = false) throws -> [ParsedResponse] {
        var responses: [ParsedResponse] = []
        var index = 0
        let terminator: [UInt8] = [13, 10, 13, 10]
        while index < bytes.count {
            guard let headEnd = find(terminator, in: bytes, from: index) else {
                throw Failure.malformed("no blank line after the head", Array(bytes[index...]))
            }
            let head = String(decoding: bytes[index..<headEnd], as: UTF8.self)
            var lines = head.components(separatedBy: "\r\n")
            let statusLine = lines.removeFirst()
            let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
                throw Failure.malformed("status line \(statusLine)", bytes)
            }
            var headers: [(name: String, value: String)] = []
            for line in lines {
                guard let colon = line.firstIndex(of: ":") else { throw Failure.malformed("header \(line)", bytes) }
                headers.append(
                    (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            index = headEnd + 4
            var response = ParsedResponse(
                status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers, body: [])
            if status >= 200 && status != 204 && status != 304 && !headRequest {
                guard let lengthText = response.header("Content-Length"), let length = Int(lengthText) else {
                    throw Failure.malformed("no Content-Length", bytes)
                }
                guard index + length <= bytes.count else { throw Failure.malformed("body cut short", bytes) }
                response.body = Array(bytes[index..<index + length])
                index += length
            }
            responses.append(response)
        }
        return responses
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
