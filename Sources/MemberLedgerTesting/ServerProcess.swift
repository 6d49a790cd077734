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
    private let child: ChildProcess

    /// The server's process id.
    public var pid: Int32 { child.pid }

    /// Whether it is still running.
    public var isRunning: Bool { child.isRunning && !hasExited }

    /// Whether it has exited (reaped or a zombie), without waiting.
    private var hasExited: Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8) else {
            return false
        }
        return status.contains("State:\tZ")
    }

    /// Starts `memberledger serve --data DATA --port 0` plus `arguments`, with `MEMBERLEDGER_HANDSHAKE`;
    /// with `fileLimit`, under that many file descriptors at most (`ulimit -n`), to test running out.
    public init(
        data: String, handshake: String = "H4ndSh4k3H4ndSh4k3", arguments: [String] = [], logPath: String,
        fileLimit: Int? = nil
    )
        throws
    {
        guard let executable = BuiltProduct.path("memberledger") else {
            throw ChildProcess.LaunchError(executable: "memberledger", code: ENOENT)
        }
        dataFolder = data
        self.logPath = logPath
        var environment = ProcessInfo.processInfo.environment
        environment["MEMBERLEDGER_HANDSHAKE"] = handshake
        let serve = ["serve", "--data", data, "--port", "0", "--password-iterations", "1000"] + arguments
        child = try ChildProcess(
            fileLimit == nil ? executable : "/bin/sh",
            fileLimit.map { ["-c", "ulimit -n \($0) && exec \"$0\" \"$@\"", executable] + serve } ?? serve,
            environment: environment, output: .pipe, error: .file(logPath))
        let text = child.readOutput(until: "site events:")
        banner = text
        guard let range = text.range(of: "listening on http://127.0.0.1:"),
            let port = Int(text[range.upperBound...].prefix { $0.isNumber })
        else {
            child.send(SIGKILL)
            child.wait()
            throw ServerDidNotStart(output: text)
        }
        self.port = port
    }

    /// The server printed no listening line: it failed to start, and this is what it said.
    public struct ServerDidNotStart: Error, CustomStringConvertible {
        /// Its stdout up to its exit.
        public var output: String
        /// For the test failure.
        public var description: String { "server did not start: \(output)" }
    }

    /// SIGTERM, then wait for the exit status.
    @discardableResult
    public func stop() -> Int32 {
        child.send(SIGTERM)
        return child.wait().status
    }

    /// SIGKILL: the process dies at once, wherever it was.
    public func kill() {
        child.send(SIGKILL)
        child.wait()
    }

    /// What the server printed on stdout after its banner, read to the end (call after it exited).
    public func remainingOutput() -> String {
        String(decoding: child.readAllOutput(), as: UTF8.self)
    }

    /// The access log so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    deinit {
        kill()
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
        guard let python = ChildProcess.python else {
            throw ChildProcess.LaunchError(executable: "python3", code: ENOENT)
        }
        let payload = try JSONSerialization.data(withJSONObject: requests.map { Data($0).base64EncodedString() })
        let output = try ChildProcess.run(python, ["-c", script, String(port)], input: [UInt8](payload))
        guard let list = try JSONSerialization.jsonObject(with: Data(output.stdout)) as? [[String: Any]] else {
            return []
        }
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
