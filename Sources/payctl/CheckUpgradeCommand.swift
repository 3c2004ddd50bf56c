import ArgumentParser
import OperatorCLI
import SchemaUpgrade

struct CheckUpgradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-upgrade",
        abstract: "Say what the migrations will do to a database of the replaced TypeScript system, without writing.",
        discussion: """
            Example:
              payctl check-upgrade --database-url postgresql://mint@db.internal/mint

            Reads in one read-only transaction: payments per status now and after the migrations, the
            waiting duplicates of an authorization that migration 007 fails, rows that cannot be keyed,
            sent rows stuck for more than 5 minutes, mint jobs and settings, and what paymentd will do
            with each kind of row. Nothing is written; apply with `payctl migrate`.
            """)

    @OptionGroup var database: DatabaseOptions

    func run() throws {
        let migrations = try database.migrations()
        let conn = try database.connect()
        defer { conn.close() }
        do {
            StandardOutput.out(LegacySurveyReport.render(try LegacySurvey.read(migrations, on: conn)))
        } catch {
            throw DatabaseOptions.fail(error)
        }
    }
}
