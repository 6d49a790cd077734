import Foundation
import MemberLedgerTesting
import Testing

/// Python's `http.client` as a real, well-behaved client: one connection, several requests in turn.
enum LibraryClient {
    /// A request to send.
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String] = [:]
        var body: [UInt8]?
        /// Send the body with `Transfer-Encoding: chunked`, in 1000-byte chunks.
        var chunked = false
    }

    /// A response as `http.client` read it.
    struct Response: Decodable, Sendable {
        var status: Int
        var headers: [[String]]
        var body: Data
        /// The client's local port, which stays the same while the connection is reused.
        var localPort: Int

        /// The first header of this name, ignoring case.
        func header(_ name: String) -> String? {
            headers.first { $0[0].lowercased() == name.lowercased() }?[1]
        }
    }

    /// Sends the requests in order on one `HTTPConnection` to the server on `port`.
    static func send(port: Int, _ requests: [Request]) async throws -> [Response] {
        try responses(from: await start(port: port, requests).finished())
    }

    /// `send` for synchronous tests: blocks this thread.
    static func sendNow(port: Int, _ requests: [Request]) throws -> [Response] {
        try responses(from: start(port: port, requests).finish())
    }

    private static func start(port: Int, _ requests: [Request]) throws -> ChildProcess.Run {
        let python = try #require(Subprocess.python)
        let spec: [String: Any] = [
            "port": port,
            "requests": requests.map { request in
                [
                    "method": request.method, "target": request.target, "headers": request.headers,
                    "body": request.body.map { Data($0).base64EncodedString() } ?? NSNull(),
                    "chunked": request.chunked,
                ] as [String: Any]
            },
        ]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: spec), as: UTF8.self)
        return try ChildProcess.Run(python, ["-c", script, text], timeout: 20)
    }

    private static func responses(from output: ChildProcess.Output) throws -> [Response] {
        guard output.status == 0 else {
            throw ClientFailure(output: output)
        }
        return try JSONDecoder().decode([Response].self, from: output.stdout)
    }

    private static let script = #"""
        import base64, http.client, json, sys

        spec = json.loads(sys.argv[1])
        connection = http.client.HTTPConnection("127.0.0.1", spec["port"], timeout=10)
        results = []
        for request in spec["requests"]:
            body = base64.b64decode(request["body"]) if request["body"] is not None else None
            if request["chunked"]:
                pieces = [body[i:i + 1000] for i in range(0, len(body), 1000)]
                connection.request(request["method"], request["target"], body=iter(pieces),
                                   headers=request["headers"], encode_chunked=True)
            else:
                connection.request(request["method"], request["target"], body=body, headers=request["headers"])
            local_port = connection.sock.getsockname()[1]
            response = connection.getresponse()
            data = response.read()
            results.append({"status": response.status, "headers": [list(h) for h in response.getheaders()],
                            "body": base64.b64encode(data).decode(), "localPort": local_port})
        connection.close()
        print(json.dumps(results))
        """#
}
