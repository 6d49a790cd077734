import Foundation
import MemberLedgerSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real headless Chromium driven over the Chrome DevTools Protocol on `--remote-debugging-pipe`: the
/// browser reads NUL-separated JSON commands on its descriptor 3 and answers on 4, so no WebSocket and no
/// third-party package is needed. One page (a flattened target session); every protocol event is kept,
/// so a test can ask afterwards which requests the page made and whether any script threw.
public final class Chromium: @unchecked Sendable {
    /// The browser binary (Debian's `chromium`), if installed.
    public static var executable: String? {
        ChildProcess.find("chromium") ?? ChildProcess.find("chromium-browser") ?? ChildProcess.find("google-chrome")
    }

    /// A protocol error or a wait that ran out, with what was asked.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private let child: ChildProcess
    private let commands: Int32
    private let answers: Int32
    private let profile: TemporaryFolder
    private var pending: [UInt8] = []
    private var nextID = 1
    private var session = ""
    /// Every protocol event received so far, oldest first: `(method, params)`.
    public private(set) var events: [(method: String, params: [String: Any])] = []

    /// Starts the browser and opens one blank page with the Page, Runtime, Network and Log domains on.
    public init(width: Int = 1280, height: Int = 900) throws {
        guard let executable = Self.executable else { throw Failure(description: "chromium is not installed") }
        profile = TemporaryFolder("memberledger-chromium")
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure(description: "pipe failed") }
        for descriptor in toBrowser + fromBrowser { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        do {
            child = try ChildProcess(
                executable,
                [
                    "--headless=new", "--remote-debugging-pipe", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                    "--disable-extensions", "--disable-background-networking", "--disable-sync",
                    "--disable-component-update", "--mute-audio", "--user-data-dir=\(profile.path)",
                    "--window-size=\(width),\(height)", "about:blank",
                ], error: .file(profile.appending("stderr")), inherited: [toBrowser[0], fromBrowser[1]])
        } catch {
            for descriptor in toBrowser + fromBrowser { close(descriptor) }
            throw Failure(description: "\(error)")
        }
        close(toBrowser[0])
        close(fromBrowser[1])
        commands = toBrowser[1]
        answers = fromBrowser[0]
        let target = try call("Target.createTarget", ["url": "about:blank"], inSession: false)
        let attached = try call(
            "Target.attachToTarget", ["targetId": target["targetId"] as? String ?? "", "flatten": true],
            inSession: false)
        session = attached["sessionId"] as? String ?? ""
        for domain in ["Page", "Runtime", "Network", "Log"] { _ = try call("\(domain).enable") }
        _ = try call(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700])
    }

    deinit {
        close(commands)
        close(answers)
        child.send(SIGKILL)
        child.wait()
    }

    /// Sends a command (to the page unless `inSession` is false) and returns its result.
    @discardableResult
    public func call(
        _ method: String, _ params: [String: Any] = [:], inSession: Bool = true, timeout: Double = 30
    ) throws -> [String: Any] {
        let id = nextID
        nextID += 1
        var message: [String: Any] = ["id": id, "method": method, "params": params]
        if inSession { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure(description: "the browser closed its pipe (\(method))") }
            written += count
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let message = try nextMessage(until: deadline, waitingFor: method)
            guard message["id"] as? Int == id else { continue }
            if let error = message["error"] as? [String: Any] {
                throw Failure(description: "\(method): \(error["message"] as? String ?? "\(error)")")
            }
            return message["result"] as? [String: Any] ?? [:]
        }
    }

    /// Loads `url` and returns once its load event fired.
    public func navigate(_ url: String, timeout: Double = 30) throws {
        try loading(timeout: timeout) {
            let result = try call("Page.navigate", ["url": url])
            if let error = result["errorText"] as? String { throw Failure(description: "\(url): \(error)") }
        }
    }

    /// Runs `action` (a click, a form submitted) and returns once the page it leads to has loaded.
    public func loading(timeout: Double = 30, _ action: () throws -> Void) throws {
        let before = events.count
        try action()
        let deadline = Date().addingTimeInterval(timeout)
        while !events[before...].contains(where: { $0.method == "Page.loadEventFired" }) {
            _ = try nextMessage(until: deadline, waitingFor: "a page load")
        }
    }

    /// The value of a JavaScript expression in the page (a promise is awaited).
    @discardableResult
    public func evaluate(_ expression: String, timeout: Double = 30) throws -> Any? {
        let result = try call(
            "Runtime.evaluate", ["expression": expression, "awaitPromise": true, "returnByValue": true],
            timeout: timeout)
        if let thrown = result["exceptionDetails"] as? [String: Any] {
            let text = (thrown["exception"] as? [String: Any])?["description"] as? String ?? "\(thrown)"
            throw Failure(description: "\(expression): \(text)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Waits in the page (rechecking on each animation frame, not by sleeping here) until `expression`
    /// is truthy, and returns its value.
    @discardableResult
    public func waitFor(_ expression: String, timeout: Double = 15) throws -> Any? {
        let script = """
            new Promise((resolve, reject) => {
              const end = Date.now() + \(Int(timeout * 1000));
              const check = () => {
                let value;
                try { value = (\(expression)); } catch (error) { value = undefined; }
                if (value) resolve(value);
                else if (Date.now() > end) reject(new Error("timed out waiting for: " + \(Self.quoted(expression))));
                else requestAnimationFrame(check);
              };
              check();
            })
            """
        return try evaluate(script, timeout: timeout + 5)
    }

    /// Saves a PNG of the page (or a JPEG at `quality`, for pictures small enough to commit).
    public func screenshot(to path: String, jpegQuality quality: Int? = nil) throws {
        var parameters: [String: Any] = ["format": "png", "captureBeyondViewport": true]
        if let quality { parameters = ["format": "jpeg", "quality": quality, "captureBeyondViewport": false] }
        let result = try call("Page.captureScreenshot", parameters)
        guard let data = Data(base64Encoded: result["data"] as? String ?? "") else {
            throw Failure(description: "no screenshot data")
        }
        try data.write(to: URL(fileURLWithPath: path))
    }

    /// Uncaught JavaScript exceptions and console errors seen so far (a failed request is not one: see
    /// `failedRequests`).
    public var scriptErrors: [String] {
        events.compactMap { event in
            switch event.method {
            case "Runtime.exceptionThrown":
                let details = event.params["exceptionDetails"] as? [String: Any] ?? [:]
                return (details["exception"] as? [String: Any])?["description"] as? String ?? "\(details)"
            case "Log.entryAdded":
                let entry = event.params["entry"] as? [String: Any] ?? [:]
                guard entry["level"] as? String == "error", entry["source"] as? String != "network" else { return nil }
                return "\(entry["source"] ?? ""): \(entry["text"] ?? "") \(entry["url"] ?? "")"
            default:
                return nil
            }
        }
    }

    /// Requests answered with an error status or that failed, as the browser logged them.
    public var failedRequests: [String] {
        events.compactMap { event in
            guard event.method == "Log.entryAdded" else { return nil }
            let entry = event.params["entry"] as? [String: Any] ?? [:]
            guard entry["source"] as? String == "network" else { return nil }
            return "\(entry["text"] ?? "") \(entry["url"] ?? "")"
        }
    }

    /// The URLs of every request the page made so far.
    public var requestedURLs: [String] {
        events.compactMap { event in
            guard event.method == "Network.requestWillBeSent" else { return nil }
            return (event.params["request"] as? [String: Any])?["url"] as? String
        }
    }

    /// Reads the next whole message, keeping events.
    private func nextMessage(until deadline: Date, waitingFor what: String) throws -> [String: Any] {
        while true {
            if let end = pending.firstIndex(of: 0) {
                let bytes = Array(pending[..<end])
                pending.removeSubrange(...end)
                guard let message = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
                    continue
                }
                if let method = message["method"] as? String {
                    events.append((method, message["params"] as? [String: Any] ?? [:]))
                }
                return message
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw Failure(description: "timed out waiting for \(what)") }
            var descriptor = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            guard case .success(let ready) = Syscall.run({ poll(&descriptor, 1, Int32(min(remaining, 1) * 1000)) }),
                ready > 0
            else { continue }
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            let pipe = FileDescriptor(adopting: answers, path: "the browser's pipe")
            let count =
                (try? buffer.withUnsafeMutableBytes { raw throws(SystemError) in try pipe.readSome(into: raw) }) ?? 0
            guard count > 0 else {
                throw Failure(description: "the browser closed its pipe (waiting for \(what))")
            }
            pending += buffer[..<count]
        }
    }

    private static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
    }
}
