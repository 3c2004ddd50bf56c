import Foundation
import LineProtocolCodec
import XCTest

final class RFC3339TimeTests: XCTestCase {
    func testFormatsUTCWithMilliseconds() {
        XCTAssertEqual(RFC3339Time.format(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(RFC3339Time.format(Date(timeIntervalSince1970: 1_735_689_600.25)), "2025-01-01T00:00:00.250Z")
        XCTAssertEqual(RFC3339Time.format(Date(timeIntervalSince1970: 951_782_400)), "2000-02-29T00:00:00.000Z")
        XCTAssertEqual(RFC3339Time.format(Date(timeIntervalSince1970: -0.001)), "1969-12-31T23:59:59.999Z")
    }

    func testParsesFractionsAndOffsets() {
        XCTAssertEqual(RFC3339Time.parse("2025-01-01T00:00:00.250Z"), Date(timeIntervalSince1970: 1_735_689_600.25))
        XCTAssertEqual(RFC3339Time.parse("2025-01-01T01:30:00+01:30"), Date(timeIntervalSince1970: 1_735_689_600))
        XCTAssertEqual(RFC3339Time.parse("2024-12-31t19:00:00-05:00"), Date(timeIntervalSince1970: 1_735_689_600))
        XCTAssertEqual(RFC3339Time.parse("2000-02-29 00:00:00Z"), Date(timeIntervalSince1970: 951_782_400))
    }

    func testRefusesWhatIsNotATime() {
        for text in ["", "2025-01-01", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
                     "2025-01-01T24:00:00Z", "2025-01-01T00:00:00", "2025-01-01T00:00:00.Z", "2025-01-01T00:00:00Zjunk",
                     "2025-01-01T00:00:00+0100", "x025-01-01T00:00:00Z"] {
            XCTAssertNil(RFC3339Time.parse(text), text)
        }
    }

    func testRoundTripsAcrossCenturies() {
        for seconds in stride(from: -2_208_988_800.0, to: 4_102_444_800.0, by: 86_399_937.123) {
            let date = Date(timeIntervalSince1970: (seconds * 1000).rounded(.down) / 1000)
            let text = RFC3339Time.format(date)
            XCTAssertEqual(RFC3339Time.parse(text).map { ($0.timeIntervalSince1970 * 1000).rounded() },
                           (date.timeIntervalSince1970 * 1000).rounded(), text)
        }
    }
}
