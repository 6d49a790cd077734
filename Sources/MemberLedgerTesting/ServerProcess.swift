import Foundation

/// The built `memberledger serve` running as a child process on a free loopback port, for end-to-end
/// tests with real clients. The port is read from the server's first line of output (it listens on port
/// 0, so tests never collide); the access log goes to a file the test can search. Stopping sends SIGTERM
/// and waits; `kill()` sends SIGKILL, as a crash would.
public final class ServerProcess: @unchecked Sendable {
    /// The port the server listens on.
    public let port: Int
    /// The data folder.
    public let dataFolder: String
    /// The file the server's stderr (access log) goes to.
    public let logPath: String
    /// Everything the server printed on stdout before it was ready (the listening line and URLs).
    public let banner: String
    private let process: Process
    private let output: FileHandle

    /// Starts `memberledger serve --data DATA --port 0` plus `arguments`, with `MEMBERLEDGER_HANDSHAKE`.
    public init(data: String, handshake: String = "H4ndSh4k3H4ndSh4k3", arguments: [String] = [], logPath: String)
        throws
    {
        guard let executable = BuiltProduct.path("memberledger") else { throw CocoaError(.executableNotLoadable) }
        dataFolder = data
        self.logPath = logPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data", data, "--port", "0", "--password-iterations", "1000"] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["MEMBERLEDGER_HANDSHAKE"] = handshake
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        try process.run()
        var text = ""
        let reader = output.fileHandleForReading
        self.output = reader
        while !text.contains("site events:") {
            let chunk = reader.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        banner = text
        guard let range = text.range(of: "listening on http://127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            throw CocoaError(
                .fileReadCorruptFile, userInfo: [NSLocalizedDescriptionKey: "server did not start: \(text)"])
        }
        self.port = port
    }

    /// SIGTERM, then wait for the exit status. (The server takes SIGTERM with sigwait, so this works even
    /// though a child spawned from a test thread inherits that thread's blocked signals.)
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: the process dies at once, wherever it was.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// What the server printed on stdout after its banner, read to the end (call after it exited).
    public func remainingOutput() -> String {
        String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
    }

    /// The access log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        if process.isRunning { kill() }
    }
}

/// Sends raw HTTP requests with Python's socket and http.client: a real client, outside this process.
public enum PythonClient {
    /// One answer.
    public struct Response: Sendable {
        /// The status code (0 when the connection failed).
        public var status: Int
        /// The response headers.
        public var headers: [String: String]
        /// The body as text.
        public var body: String

        /// Creates a response record.
        public init(status: Int, headers: [String: String], body: String) {
            self.status = status
            self.headers = headers
            self.body = body
        }
    }

    static let script = """
        import base64, http.client, json, socket, sys
        port = int(sys.argv[1])
        out = []
        for raw in json.load(sys.stdin):
            try:
                sock = socket.create_connection(("127.0.0.1", port), timeout=30)
                sock.sendall(base64.b64decode(raw))
                response = http.client.HTTPResponse(sock)
                response.begin()
                body = response.read()
                out.append({"status": response.status, "headers": dict(response.getheaders()), "body": body.decode("utf-8", "replace")})
                sock.close()
            except Exception as error:
                out.append({"status": 0, "headers": {}, "body": str(error)})
        json.dump(out, sys.stdout)
        """

    /// Sends each request on its own connection and returns the answers in order.
    public static func send(_ requests: [[UInt8]], port: Int) throws -> [Response] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, String(port)]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let payload = try JSONSerialization.data(withJSONObject: requests.map { Data($0).base64EncodedString() })
        input.fileHandleForWriting.write(payload)
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else { return [] }
        return list.map {
            Response(
                status: $0["status"] as? Int ?? 0, headers: $0["headers"] as? [String: String] ?? [:],
                body: $0["body"] as? String ?? "")
        }
    }

    /// A request's wire bytes from its parts (Content-Length added).
    public static func request(
        _ method: String, _ target: String, headers: [(String, String)] = [], body: String = ""
    ) -> [UInt8] {
        var head = "\(method) \(target) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.utf8.count)\r\n\r\n"
        return Array((head + body).utf8)
    }
}
