/// A payctl command ended without success; its message is already printed. Carries the exit
/// status (`PayctlExitStatus`) the executable ends with.
public struct PayctlFailure: Error, Sendable, Equatable {
    public var status: PayctlExitStatus

    public init(_ status: PayctlExitStatus) {
        self.status = status
    }
}
