import Dispatch
import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The production transport: Foundation's `URLSession`, used synchronously (the outbox worker and the
/// command line call clients from plain threads, never from async code, so blocking is what they want).
///
/// The session is ephemeral and keeps nothing between requests: no cookies (a CRM's session cookie must
/// not stand in for the key), no cache (a cached read would hide a change), and redirects are followed
/// only to the same scheme, host and port, so the key in the headers never travels to a host the
/// connection did not name; another redirect comes back as the 3xx answer it is.
public final class URLSessionTransport: CRMTransport {
    /// Seconds a request may take in all before it fails with `.timedOut`.
    public let timeout: Double
    private let session: URLSession

    /// A transport whose requests fail after `timeout` seconds without a complete answer.
    public init(timeout: Double = 10) {
        self.timeout = timeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.httpCookieStorage = nil
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        session = URLSession(configuration: configuration, delegate: SameOriginRedirects(), delegateQueue: nil)
    }

    deinit {
        // A session holds its delegate until invalidated; without this every transport would leak one.
        session.finishTasksAndInvalidate()
    }

    /// Sends `request` and blocks until the answer is complete, the timeout passes, or the connection
    /// fails.
    public func send(_ request: CRMRequest) throws(CRMError) -> CRMResponse {
        guard let url = URL(string: request.url), url.host != nil else {
            throw .unreachable("not a usable URL: \(request.url)")
        }
        var urlRequest = URLRequest(
            url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
        urlRequest.httpMethod = request.method
        for header in request.headers { urlRequest.addValue(header.value, forHTTPHeaderField: header.name) }
        urlRequest.httpBody = request.body.map { Data($0) }

        let completion = Completion()
        let timeout = self.timeout
        let task = session.dataTask(with: urlRequest) { data, response, error in
            completion.finish(Self.outcome(data: data, response: response, error: error, url: url, timeout: timeout))
        }
        task.resume()
        // URLSession enforces the timeout itself; this longer wait only guards against a task that never
        // calls back, so a stuck request cannot hold the calling thread forever.
        guard let outcome = completion.wait(seconds: timeout + 5) else {
            task.cancel()
            throw .timedOut(seconds: timeout)
        }
        return try outcome.get()
    }

    /// What a finished task means: an HTTP answer, whatever its status, or why there was none.
    private static func outcome(
        data: Data?, response: URLResponse?, error: (any Error)?, url: URL, timeout: Double
    ) -> Result<CRMResponse, CRMError> {
        if let error {
            if let urlError = error as? URLError, urlError.code == .timedOut {
                return .failure(.timedOut(seconds: timeout))
            }
            return .failure(.unreachable(describe(error, url: url)))
        }
        guard let http = response as? HTTPURLResponse else {
            return .failure(.unreachable("\(origin(url)): the answer was not HTTP"))
        }
        var headers: [(name: String, value: String)] = []
        for (name, value) in http.allHeaderFields {
            headers.append((name: String(describing: name), value: String(describing: value)))
        }
        headers.sort { $0.name < $1.name }
        return .success(CRMResponse(status: http.statusCode, headers: headers, body: data.map { Array($0) } ?? []))
    }

    /// A transport failure in words an admin can act on, naming the host but never the request's
    /// headers (where the key is).
    private static func describe(_ error: any Error, url: URL) -> String {
        guard let urlError = error as? URLError else { return "\(origin(url)): \(error.localizedDescription)" }
        let what: String
        switch urlError.code {
        case .cannotConnectToHost: what = "connection refused"
        case .cannotFindHost, .dnsLookupFailed: what = "host not found"
        case .networkConnectionLost: what = "connection lost before the answer was complete"
        case .notConnectedToInternet: what = "no network"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot, .clientCertificateRejected:
            what = "TLS failed"
        case .badServerResponse, .cannotParseResponse: what = "the answer was not valid HTTP"
        case .httpTooManyRedirects, .redirectToNonExistentLocation: what = "too many or broken redirects"
        case .cancelled: what = "request cancelled"
        default: what = urlError.localizedDescription
        }
        return "\(origin(url)): \(what) (URLError \(urlError.code.rawValue))"
    }

    /// `scheme://host:port`, the part of a URL an error may name.
    private static func origin(_ url: URL) -> String {
        let port = url.port.map { ":\($0)" } ?? ""
        return "\(url.scheme ?? "?")://\(url.host ?? "?")\(port)"
    }
}

/// The result of one task, handed from URLSession's delegate queue to the thread waiting in `send`.
private final class Completion: Sendable {
    private let result = Mutex<Result<CRMResponse, CRMError>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ outcome: Result<CRMResponse, CRMError>) {
        result.withLock { $0 = outcome }
        done.signal()
    }

    /// The outcome, or nil when none came within `seconds`.
    func wait(seconds: Double) -> Result<CRMResponse, CRMError>? {
        guard done.wait(timeout: .now() + seconds) == .success else { return nil }
        return result.withLock { $0 }
    }
}

/// Follows a redirect only to the same scheme, host and port as the request it answers.
private final class SameOriginRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        let from = task.originalRequest?.url
        let to = request.url
        let sameOrigin =
            from != nil && from?.scheme?.lowercased() == to?.scheme?.lowercased()
            && from?.host?.lowercased() == to?.host?.lowercased() && from?.port == to?.port
        completionHandler(sameOrigin ? request : nil)
    }
}
