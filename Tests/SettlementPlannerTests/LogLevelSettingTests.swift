import Logging
import PaymentModel
import SettlementEngine
import XCTest

/// `log_level`: a level, or `default` (the configuration's), parsed like every other key; a
/// typo is refused by `settings set` and, stored by SQL, keeps the configuration's level.
final class LogLevelSettingTests: XCTestCase {
    func testUnsetAndDefaultMeanTheConfigurationsLevel() {
        XCTAssertNil(EngineSettings.parse([:]).settings.logLevel)
        let (settings, problems) = EngineSettings.parse(["log_level": "default"])
        XCTAssertEqual(problems, [])
        XCTAssertNil(settings.logLevel)
    }

    func testEveryLevelParsesWhateverItsCase() {
        for level in Logger.Level.allCases {
            let (settings, problems) = EngineSettings.parse(["log_level": " \(level.rawValue.uppercased()) "])
            XCTAssertEqual(problems, [], "\(level)")
            XCTAssertEqual(settings.logLevel, level)
        }
    }

    func testATypoIsRefusedAndAStoredOneKeepsTheConfigurationsLevel() throws {
        let refusal = try XCTUnwrap(EngineSettings.validate(key: "log_level", value: "verbose"))
        XCTAssertTrue("\(refusal)".contains("default"), "the refusal names the values it takes: \(refusal)")
        let (settings, problems) = EngineSettings.parse(["log_level": "warn"])
        XCTAssertNil(settings.logLevel)
        XCTAssertEqual(problems.count, 1)
    }
}
