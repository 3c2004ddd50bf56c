import CCurl
import CCurlShim

/// One reusable curl easy handle that POSTs bodies to one URL and keeps the TCP connection
/// alive between calls.
///
/// Used from one thread at a time (not `Sendable`); `HTTPPostClient` pins it to a thread of
/// its own. It owns the handle, the header list and the response buffer; callers get Swift
/// values only.
public final class HTTPPostConnection {
    private let handle: UnsafeMutableRawPointer
    private var headers: UnsafeMutablePointer<curl_slist>?
    private let buffer = ResponseBuffer()
    public let url: String
    public let timeoutMilliseconds: Int

    public init(url: String, contentType: String = "application/json", timeoutMilliseconds: Int = 10_000) throws(HTTPPostError) {
        CurlGlobal.initializeOnce()
        guard let handle = curl_easy_init() else { throw .setup("curl_easy_init returned NULL") }
        self.handle = handle
        self.url = url
        self.timeoutMilliseconds = timeoutMilliseconds
        headers = curl_slist_append(nil, "Content-Type: \(contentType)")
        headers = curl_slist_append(headers, "Accept: application/json")
        // An empty Expect header stops curl from waiting for "100 Continue" on larger bodies.
        headers = curl_slist_append(headers, "Expect:")
        try check(paymentd_curl_setopt_pointer(handle, CURLOPT_URL, url), "URL")
        try check(paymentd_curl_setopt_pointer(handle, CURLOPT_HTTPHEADER, headers), "HTTPHEADER")
        try check(paymentd_curl_setopt_long(handle, CURLOPT_POST, 1), "POST")
        try check(paymentd_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try check(paymentd_curl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1), "TCP_NODELAY")
        try check(paymentd_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "TCP_KEEPALIVE")
        try check(paymentd_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, timeoutMilliseconds), "TIMEOUT_MS")
        try check(paymentd_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(timeoutMilliseconds, 5_000)), "CONNECTTIMEOUT_MS")
        try check(paymentd_curl_setopt_write_callback(handle, collectResponseBytes), "WRITEFUNCTION")
        try check(paymentd_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(buffer).toOpaque()), "WRITEDATA")
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headers)
    }

    /// POSTs `body` and returns the response body of a 2xx answer.
    public func post(_ body: [UInt8]) throws(HTTPPostError) -> [UInt8] {
        buffer.bytes.removeAll(keepingCapacity: true)
        let code: CURLcode = body.withUnsafeBufferPointer { bytes in
            _ = paymentd_curl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, bytes.count)
            _ = paymentd_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
            defer { _ = paymentd_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil) }
            return curl_easy_perform(handle)
        }
        guard code == CURLE_OK else {
            if code == CURLE_OPERATION_TIMEDOUT { throw .timedOut(milliseconds: timeoutMilliseconds) }
            throw .transport(curlCode: Int32(code.rawValue), message: String(cString: curl_easy_strerror(code)))
        }
        var status = 0
        _ = paymentd_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        guard (200..<300).contains(status) else {
            throw .status(status, body: String(decoding: buffer.bytes, as: UTF8.self))
        }
        return buffer.bytes
    }

    private func check(_ code: CURLcode, _ option: String) throws(HTTPPostError) {
        guard code == CURLE_OK else {
            throw .setup("CURLOPT_\(option): \(String(cString: curl_easy_strerror(code)))")
        }
    }
}

/// Where curl's write callback appends the response body.
private final class ResponseBuffer {
    var bytes: [UInt8] = []
}

private func collectResponseBytes(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    let length = size * count
    guard let data, let context else { return 0 }
    let buffer = Unmanaged<ResponseBuffer>.fromOpaque(context).takeUnretainedValue()
    data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
        buffer.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
    }
    return length
}

/// `curl_global_init` must run once before any handle exists and is not thread-safe itself.
private enum CurlGlobal {
    private static let initialized: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        return true
    }()

    static func initializeOnce() { _ = initialized }
}
