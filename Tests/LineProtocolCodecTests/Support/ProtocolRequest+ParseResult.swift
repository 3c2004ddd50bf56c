import Foundation
import JSON
import LineProtocolCodec

extension ProtocolRequest {
    /// `parse(line:)` as a `Result`, for tests that switch over both outcomes.
    static func parseResult(_ bytes: [UInt8]) -> Result<ProtocolRequest?, RejectedRequest> {
        do throws(RejectedRequest) {
            return .success(try ProtocolRequest.parse(line: bytes))
        } catch {
            return .failure(error)
        }
    }
}
