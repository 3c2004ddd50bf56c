import PaymentModel
import SettlementEngine
import XCTest

/// The two settings that let the replaced system's pacing run on this engine (for the
/// benchmark's comparison): parsed, defaulted and refused like every other key.
final class PacingSettingsTests: XCTestCase {
    func testDefaultsAreEagerAndEverySentPaymentChecked() {
        let settings = EngineSettings.parse([:]).settings
        XCTAssertEqual(settings.sendPacing, .eager)
        XCTAssertEqual(settings.confirmBatchSize, 0)
    }

    func testIntervalPacingAndAConfirmBatchParse() {
        let (settings, problems) = EngineSettings.parse(["send_pacing": " Interval ", "confirm_batch_size": "20"])
        XCTAssertEqual(problems, [])
        XCTAssertEqual(settings.sendPacing, .interval)
        XCTAssertEqual(settings.confirmBatchSize, 20)
    }

    func testUnknownPacingAndNegativeBatchAreRefused() {
        XCTAssertNotNil(EngineSettings.validate(key: "send_pacing", value: "lazy"))
        XCTAssertNotNil(EngineSettings.validate(key: "confirm_batch_size", value: "-1"))
        XCTAssertNil(EngineSettings.validate(key: "send_pacing", value: "eager"))
        let (settings, problems) = EngineSettings.parse(["send_pacing": "sometimes"])
        XCTAssertEqual(settings.sendPacing, .eager, "an invalid stored value keeps the default")
        XCTAssertEqual(problems.count, 1)
    }
}
