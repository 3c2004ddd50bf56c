/// A value of one of the Solidity ABI types paymentd sends to contracts.
public enum ABIValue: Sendable, Hashable {
    case address(Address)
    case uint256(UInt256)
    case uint8(UInt8)
    case bytes32(Bytes32)
    case bool(Bool)
    case addressArray([Address])
    case bytes32Array([Bytes32])

    /// Dynamic values live in the tail and are referenced from the head by an offset.
    var isDynamic: Bool {
        switch self {
        case .addressArray, .bytes32Array: true
        default: false
        }
    }
}
