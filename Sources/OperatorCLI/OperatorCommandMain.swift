import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// How both operator programs run their root command, because argument-parser's own `main`
/// exits 64 on a usage error and 1 on any failure, while each program has an exit-status
/// contract of its own (payctl: 2 for usage; paymentd-health: 3 UNKNOWN). A command ends with
/// `PayctlFailure` or `ExitCode` after printing what it has to say; help and completion
/// scripts are argument-parser's as usual; any other error goes to `failure`, which prints it
/// and returns the status to exit with.
public enum OperatorCommandMain {
    public static func run<Root: AsyncParsableCommand>(_ root: Root.Type, failure: @Sendable (_ error: any Error, _ usage: Bool) -> Int32) async -> Never {
        do {
            var command = try await root.asyncParseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            exit(0)
        } catch let failed as PayctlFailure {
            exit(failed.status.rawValue)
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = root.exitCode(for: error)
            if code == .success { root.exit(withError: error) }
            exit(failure(error, code == .validationFailure))
        }
    }
}
