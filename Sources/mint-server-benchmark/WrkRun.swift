import Foundation
import TestHarness

/// One `wrk` run and the numbers it printed: requests per second, latency percentiles, and
/// the requests that got no 2xx answer.
struct WrkRun {
    var requestsPerSecond: Double
    var totalRequests: Int
    var p50: String
    var p99: String
    var non2xx: Int
    var output: String

    /// Runs `wrk --latency` with a Lua script against `url`.
    static func run(url: String, script: String, scriptArguments: [String] = [], threads: Int, connections: Int,
                    seconds: Int) throws -> WrkRun {
        let wrk = ["/usr/bin/wrk", "/usr/local/bin/wrk"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let wrk else { throw HarnessError("wrk is not installed (apt-get install wrk; scripts/bench-mint-server.sh does)") }
        var arguments = ["-t", String(threads), "-c", String(connections), "-d", "\(seconds)s", "--latency", "-s", script, url]
        if !scriptArguments.isEmpty { arguments += ["--"] + scriptArguments }
        let result = try ChildProcess.run(wrk, arguments, timeoutSeconds: Double(seconds) + 120)
        try result.requireSuccess("wrk")
        let text = result.stdout
        func line(_ prefix: String) -> String? {
            text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0.hasPrefix(prefix) }
        }
        let rate = line("Requests/sec:").flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        let total = line("").flatMap { _ in
            text.split(separator: "\n").first { $0.contains("requests in") }.flatMap { Int($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
        } ?? 0
        let p50 = line("50%").map { String($0.split(separator: " ").last ?? "") } ?? "?"
        let p99 = line("99%").map { String($0.split(separator: " ").last ?? "") } ?? "?"
        let non2xx = line("Non-2xx or 3xx responses:").flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        return WrkRun(requestsPerSecond: rate, totalRequests: total, p50: p50, p99: p99, non2xx: non2xx, output: text)
    }

    /// Unpaid POSTs with a JSON body: every answer is a 402.
    static let challengeScript = """
        wrk.method = "POST"
        wrk.body = '{"quantity":1}'
        wrk.headers["Content-Type"] = "application/json"
        """

    /// Paid POSTs: each thread sends its share of the pre-signed payment headers in the file
    /// (argument 1; argument 2 is the thread count) once, then stops.
    static let paidScript = """
        local threads = {}
        function setup(thread)
          thread:set("id", #threads)
          table.insert(threads, thread)
        end
        function init(args)
          headers = {}
          sent = 0
          answered = 0
          local n = tonumber(args[2])
          local i = 0
          for line in io.lines(args[1]) do
            if i % n == id then table.insert(headers, line) end
            i = i + 1
          end
        end
        function request()
          sent = sent + 1
          local header = headers[math.min(sent, #headers)]
          return wrk.format("POST", nil, {["Content-Type"] = "application/json", ["PAYMENT-SIGNATURE"] = header}, '{"quantity":1}')
        end
        function response(status, hdrs, body)
          answered = answered + 1
          if answered >= #headers then wrk.thread:stop() end
        end
        """
}
