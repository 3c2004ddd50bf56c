import ArgumentParser

/// A duration typed on the command line of either program: `90`, `90s`, `5m`, `1h30m`.
public struct DurationArgument: ExpressibleByArgument, Sendable, Equatable {
    public var seconds: Double

    public init(seconds: Double) {
        self.seconds = seconds
    }

    public init?(argument: String) {
        guard let seconds = DurationText.parse(argument) else { return nil }
        self.seconds = seconds
    }

    public var defaultValueDescription: String { DurationText.format(seconds) }
}
