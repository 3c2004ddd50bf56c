/// One RLP value: a byte string or a list of values. Integers are byte strings holding their
/// minimal big-endian form (zero is the empty string).
public enum RLPItem: Sendable, Hashable {
    case bytes([UInt8])
    case list([RLPItem])
}
