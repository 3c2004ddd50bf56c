/// The daemon's version text, as `--version` and the protocol's `version` command report it.
enum PaymentdVersion {
    static let string = "0.1.0"
}
