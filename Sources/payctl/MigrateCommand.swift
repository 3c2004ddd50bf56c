import ArgumentParser
import OperatorCLI
import PaymentStore
import SchemaUpgrade

struct MigrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Apply the schema migrations to a database (the daemon's own runner), or show what would be applied.",
        discussion: """
            Examples:
              payctl migrate --database-url postgresql://paymentd@localhost/paymentd --dry-run
              payctl migrate --database-url postgresql://paymentd@localhost/paymentd

            paymentd applies the same migrations when it starts; this runs them ahead of an upgrade.
            Each migration runs in its own transaction with its record; an edited or unknown applied
            migration stops it (exit status 1) as it would stop the daemon. Run `payctl check-upgrade`
            first on a database of the replaced system to see what happens to its rows.
            """)

    @OptionGroup var database: DatabaseOptions

    @Flag(name: .customLong("dry-run"), help: "Only show which migrations would be applied; write nothing.")
    var dryRun = false

    func run() throws {
        let migrations = try database.migrations()
        let conn = try database.connect()
        defer { conn.close() }
        if dryRun {
            let plan: MigrationPlan
            do {
                plan = try MigrationPlan.read(migrations, on: conn)
            } catch {
                throw DatabaseOptions.fail(.migrations(error))
            }
            StandardOutput.out(plan.pending.isEmpty
                ? "up to date: all \(plan.applied.count) migrations applied; nothing would be done\n"
                : "would apply \(plan.pending.count) migration(s), in order:\n" + plan.pending.map { "  \($0)\n" }.joined()
                    + "(dry run: nothing was written)\n")
            return
        }
        let applied: [String]
        do {
            applied = try MigrationRunner(migrations: migrations).apply(on: conn)
        } catch {
            throw DatabaseOptions.fail(.migrations(error))
        }
        StandardOutput.out(applied.isEmpty
            ? "up to date: all \(migrations.count) migrations were already applied\n"
            : "applied \(applied.count) migration(s):\n" + applied.map { "  \($0)\n" }.joined())
    }
}
