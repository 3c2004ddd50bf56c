import ErrorCoding

/// Why mint-server could not start: an unusable configuration or a listener it could not open.
public enum MintServerError: CodedError, Equatable {
    case configuration(String)

    public var code: String {
        switch self {
        case .configuration: "invalid_configuration"
        }
    }

    public var description: String {
        switch self {
        case .configuration(let problem): "mint-server configuration: \(problem)"
        }
    }
}
