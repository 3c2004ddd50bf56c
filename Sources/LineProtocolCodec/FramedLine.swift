/// One unit of input after framing: a complete line's content, or the fact that a line
/// exceeded the limit (after which the connection must be closed: the next line's start is
/// unknown).
public enum FramedLine: Sendable, Hashable {
    case line([UInt8])
    case tooLong
}
