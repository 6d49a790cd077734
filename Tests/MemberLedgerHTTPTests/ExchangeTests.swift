import Foundation
import MemberLedgerHTTP
import Testing

@Suite("Requests and responses with real clients")
struct ExchangeTests {
    @Test("GET and POST through Python's http.client")
    func getAndPost() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let body = bytes(#"{"event":"member.joined","id":7}"#)
        let responses = try await LibraryClient.send(
            port: server.port,
            [
                .init(method: "GET", target: "/?aal_genpass=abc&teamId=3"),
                .init(
                    method: "POST", target: "/hooks/ledger", headers: ["Content-Type": "application/json"], body: body),
            ])
        try #require(responses.count == 2)

        let get = try JSONDecoder().decode(Echo.self, from: responses[0].body)
        #expect(responses[0].status == 200)
        #expect(get.method == "GET")
        #expect(get.target == "/?aal_genpass=abc&teamId=3")
        #expect(get.path == "/")
        #expect(get.query == "aal_genpass=abc&teamId=3")
        #expect(get.host == "127.0.0.1:\(server.port)")
        #expect(get.bodyLength == 0)
        #expect(get.remoteAddress.hasPrefix("127.0.0.1:"))

        let post = try JSONDecoder().decode(Echo.self, from: responses[1].body)
        #expect(post.method == "POST")
        #expect(post.path == "/hooks/ledger")
        #expect(post.query == nil)
        #expect([UInt8](post.body) == body)
        #expect(responses[1].header("Content-Type") == "application/json")
        #expect(responses[1].header("Content-Length") == "\(responses[1].body.count)")
        let date = try #require(responses[1].header("Date"))
        #expect(date.wholeMatch(of: /[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT/) != nil)
    }

    @Test("keep-alive: several requests share one connection")
    func keepAlive() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let requests = (1...5).map { index in
            LibraryClient.Request(
                method: index.isMultiple(of: 2) ? "POST" : "GET", target: "/\(index)",
                body: index.isMultiple(of: 2) ? [UInt8](repeating: UInt8(index), count: index * 100) : nil)
        }
        let responses = try await LibraryClient.send(port: server.port, requests)
        #expect(responses.map(\.status) == [200, 200, 200, 200, 200])
        #expect(Set(responses.map(\.localPort)).count == 1)
        let handled = server.handled.all
        #expect(handled.map(\.target) == ["/1", "/2", "/3", "/4", "/5"])
        #expect(Set(handled.map(\.remoteAddress)).count == 1)
        #expect(handled.map(\.body.count) == [0, 200, 0, 400, 0])
        #expect(responses.allSatisfy { $0.header("Connection") == nil })
    }

    @Test("pipelining: three requests in one send are answered in order")
    func pipelining() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let batch =
            "GET /first HTTP/1.1\r\nHost: t\r\n\r\n"
            + "POST /second HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"
            + "GET /third?x=1 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        let exchange = try await RawClient.exchange(port: server.port, [.send(bytes(batch))])
        let responses = try exchange.responses()
        try #require(responses.count == 3)
        let echoes = try responses.map { try JSONDecoder().decode(Echo.self, from: Data($0.body)) }
        #expect(echoes.map(\.target) == ["/first", "/second", "/third?x=1"])
        #expect(echoes[1].body == Data("hello".utf8))
        #expect(responses[2].header("Connection") == "close")
        #expect(exchange.eof)
    }

    @Test("a chunked body with extensions and trailers is de-chunked")
    func chunkedRaw() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let request =
            "POST /chunked HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n" + "1\r\n \r\n" + "A\r\n0123456789\r\n" + "0\r\nX-Checksum: abc\r\n\r\n"
            + "GET /after HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
        let exchange = try await RawClient.exchange(port: server.port, [.send(bytes(request))])
        let responses = try exchange.responses()
        try #require(responses.count == 2)
        let echo = try JSONDecoder().decode(Echo.self, from: Data(responses[0].body))
        #expect(echo.body == Data("hello 0123456789".utf8))
        #expect(responses[1].status == 200)
    }

    @Test("a chunked body from http.client")
    func chunkedLibrary() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let body = (0..<25_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let responses = try await LibraryClient.send(
            port: server.port, [.init(method: "PUT", target: "/upload", body: body, chunked: true)])
        let echo = try JSONDecoder().decode(Echo.self, from: try #require(responses.first).body)
        #expect(echo.bodyLength == body.count)
        #expect([UInt8](echo.body) == body)
        #expect(server.handled.all.first?.headers["Transfer-Encoding"] == "chunked")
    }

    @Test("HEAD gets the Content-Length of the body but no body")
    func head() async throws {
        let server = try TestServer { _ in .text(200, "twelve bytes") }
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(
            port: server.port,
            [.send(bytes("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\nGET /y HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"))]
        )
        let text = String(decoding: exchange.received, as: UTF8.self)
        let heads = text.components(separatedBy: "\r\n\r\n")
        try #require(heads.count == 3)
        let headResponse = try ParsedResponse.parseAll(Array((heads[0] + "\r\n\r\n").utf8), headRequest: true)
        #expect(headResponse.first?.header("Content-Length") == "12")
        #expect(heads[1].hasPrefix("HTTP/1.1 200 OK\r\n"), "the GET response follows the HEAD head directly")
        #expect(heads[2] == "twelve bytes")
    }

    @Test(
        "HTTP/1.0 closes after the response unless it asks for keep-alive",
        arguments: [(header: "", keepsOpen: false), (header: "Connection: keep-alive\r\n", keepsOpen: true)])
    func http10(header: String, keepsOpen: Bool) async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(
            port: server.port,
            [
                .send(bytes("GET /one HTTP/1.0\r\n\(header)\r\n")), .await(bytes("}")),
                .send(bytes("GET /two HTTP/1.0\r\n\r\n")),
            ])
        let responses = try exchange.responses()
        #expect(exchange.eof)
        if keepsOpen {
            #expect(responses.map(\.status) == [200, 200])
            #expect(responses.first?.header("Connection") == "keep-alive")
        } else {
            #expect(responses.map(\.status) == [200])
            #expect(responses.first?.header("Connection") == "close")
        }
    }

    @Test(
        "Connection: close is honoured from the client and from the handler",
        arguments: ["/client-asks", "/handler-asks", "/handler-header"])
    func connectionClose(target: String) async throws {
        let server = try TestServer { request in
            switch request.path {
            case "/handler-asks": HTTPResponse(status: 200, body: bytes("bye"), closeConnection: true)
            case "/handler-header": HTTPResponse(status: 200, headers: [(name: "connection", value: "Close")])
            default: .text(200, "ok")
            }
        }
        defer { server.server.shutdown() }
        let header = target == "/client-asks" ? "Connection: close\r\n" : ""
        let exchange = try await RawClient.exchange(
            port: server.port,
            [.send(bytes("GET \(target) HTTP/1.1\r\nHost: t\r\n\(header)\r\nGET /never HTTP/1.1\r\nHost: t\r\n\r\n"))])
        let response = try exchange.response()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(response.count(of: "Connection") == 1)
        #expect(exchange.eof)
        #expect(server.handled.all.map(\.path) == [target])
    }

    @Test("a handler cannot split the response or override its framing")
    func responseBuilderRefusesInjection() async throws {
        let server = try TestServer { request in
            if request.path == "/bad-status" { return HTTPResponse(status: 42) }
            return HTTPResponse(
                status: 201,
                headers: [
                    (name: "X-Injected", value: "a\r\nSet-Cookie: evil=1"), (name: "X-Null", value: "a\u{0}b"),
                    (name: "Bad Name", value: "x"), (name: "Content-Length", value: "999"),
                    (name: "Transfer-Encoding", value: "chunked"), (name: "X-Fine", value: "yes\tindeed"),
                ], body: bytes("created"))
        }
        defer { server.server.shutdown() }
        let exchange = try await RawClient.exchange(
            port: server.port,
            [
                .send(
                    bytes(
                        "GET / HTTP/1.1\r\nHost: t\r\n\r\nGET /bad-status HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                    ))
            ])
        let responses = try exchange.responses()
        try #require(responses.count == 2)
        #expect(responses[0].status == 201)
        #expect(responses[0].reason == "Created")
        #expect(responses[0].text == "created")
        #expect(responses[0].header("Content-Length") == "7")
        #expect(responses[0].count(of: "Content-Length") == 1)
        #expect(responses[0].header("Set-Cookie") == nil)
        #expect(responses[0].header("X-Injected") == nil)
        #expect(responses[0].header("X-Null") == nil)
        #expect(responses[0].header("Transfer-Encoding") == nil)
        #expect(responses[0].header("X-Fine") == "yes\tindeed")
        #expect(responses[1].status == 500)
    }

    @Test("curl: GET, and a chunked upload", .enabled(if: Subprocess.curl != nil, "curl is not installed"))
    func curl() async throws {
        let server = try TestServer()
        defer { server.server.shutdown() }
        let curl = try #require(Subprocess.curl)
        let get = try await Subprocess.run(
            curl, ["-sS", "--max-time", "10", "http://127.0.0.1:\(server.port)/path?q=%20x"])
        #expect(get.status == 0, "\(get.stderr)")
        let echo = try JSONDecoder().decode(Echo.self, from: get.stdout)
        #expect(echo.target == "/path?q=%20x")
        #expect(echo.query == "q=%20x")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("http-curl-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let body = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0) })
        try body.write(to: folder)
        let upload = try await Subprocess.run(
            curl,
            [
                "-sS", "--max-time", "10", "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(folder.path)",
                "http://127.0.0.1:\(server.port)/upload",
            ])
        #expect(upload.status == 0, "\(upload.stderr)")
        let uploaded = try JSONDecoder().decode(Echo.self, from: upload.stdout)
        #expect(uploaded.body == body)
    }
}
