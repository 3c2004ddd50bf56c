import ArgumentParser
import Foundation
import OperatorCLI
import PaymentStore
import Postgres
import SchemaUpgrade

/// The database and migrations `payctl migrate` and `check-upgrade` work on.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .customLong("database-url"),
            help: ArgumentHelp("PostgreSQL connection URL or conninfo (default: $PAYMENTD_DATABASE_URL, as the daemon reads it).",
                               valueName: "url"))
    var databaseURL: String?

    @Option(name: .customLong("migrations-dir"), help: ArgumentHelp("The release's migrations.", valueName: "path"))
    var migrationsDirectory = "/usr/share/paymentd/migrations"

    func validate() throws {
        if resolvedURL == nil {
            throw ValidationError("Give --database-url (or set PAYMENTD_DATABASE_URL), e.g. --database-url postgresql://paymentd@localhost/paymentd")
        }
    }

    var resolvedURL: String? {
        databaseURL ?? ProcessInfo.processInfo.environment["PAYMENTD_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func migrations() throws(PayctlFailure) -> [Migration] {
        do {
            return try Migration.load(directory: migrationsDirectory)
        } catch {
            StandardOutput.error("payctl: \(error.code): \(error.description) (--migrations-dir)\n")
            throw PayctlFailure(.usage)
        }
    }

    func connect() throws(PayctlFailure) -> PostgresConnection {
        do {
            return try PostgresConnection(conninfo: resolvedURL ?? "")
        } catch {
            throw Self.fail(.database(error))
        }
    }

    static func fail(_ error: SchemaUpgradeError) -> PayctlFailure {
        StandardOutput.error("payctl: \(error.code): \(error.description)\n")
        return PayctlFailure(.refused)
    }
}
