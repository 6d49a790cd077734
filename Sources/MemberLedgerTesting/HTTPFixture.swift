import Foundation

/// A CRM request kept in `Fixtures/webhooks/NAME.http`: a request line, headers, a blank line and the
/// body, byte for byte (a body's trailing newline is part of it). Lines are written with LF for
/// readability; `wireBytes` is the request as a client sends it, with CRLF and a Content-Length.
public struct HTTPFixture: Sendable {
    /// The fixture's name (file name without `.http`).
    public var name: String
    /// The method.
    public var method: String
    /// The request target.
    public var target: String
    /// The headers, without Content-Length.
    public var headers: [(name: String, value: String)]
    /// The body bytes.
    public var body: [UInt8]

    /// Reads a fixture file.
    public init(url: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        let separator = Array("\n\n".utf8)
        guard let split = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let head = String(decoding: bytes[..<split], as: UTF8.self).split(separator: "\n").map(String.init)
        let requestLine = head[0].split(separator: " ")
        name = url.deletingPathExtension().lastPathComponent
        method = String(requestLine[0])
        target = String(requestLine[1])
        headers = head.dropFirst().map { line in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        body = Array(bytes[(split + 2)...])
    }

    /// Every fixture in `Fixtures/webhooks`, by name.
    public static func all() throws -> [HTTPFixture] {
        let folder = ScenarioFile.fixturesFolder().deletingLastPathComponent().appendingPathComponent("webhooks")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "http" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
            .map(HTTPFixture.init(url:))
    }

    /// The fixture with this name.
    public static func named(_ name: String) throws -> HTTPFixture {
        guard let fixture = try all().first(where: { $0.name == name }) else { throw CocoaError(.fileNoSuchFile) }
        return fixture
    }

    /// The request as sent on the wire.
    public var wireBytes: [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}
