/// Calldata for the USDC (FiatTokenV2, EIP-3009) functions the engine calls: the settlement
/// itself and the two views that diagnose it.
public enum USDCCalldata {
    public static let transferWithAuthorizationSignature =
        "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"

    /// Settles a signed authorization (the `(v, r, s)` overload, for 65-byte EOA signatures).
    public static func transferWithAuthorization(_ authorization: TransferWithAuthorization, signature: EthereumSignature) -> [UInt8] {
        transferWithAuthorization(from: authorization.from, to: authorization.to, value: authorization.value,
                                  validAfter: authorization.validAfter, validBefore: authorization.validBefore,
                                  nonce: authorization.nonce, v: signature.v, r: signature.r, s: signature.s)
    }

    /// The same call from raw fields, without validating the signature.
    public static func transferWithAuthorization(from: Address, to: Address, value: UInt256, validAfter: UInt256,
                                                 validBefore: UInt256, nonce: Bytes32, v: UInt8, r: Bytes32, s: Bytes32) -> [UInt8] {
        ABI.calldata(transferWithAuthorizationSignature, [
            .address(from), .address(to), .uint256(value), .uint256(validAfter), .uint256(validBefore),
            .bytes32(nonce), .uint8(v), .bytes32(r), .bytes32(s),
        ])
    }

    /// `authorizationState(address authorizer, bytes32 nonce) → bool`: whether the nonce is used
    /// or cancelled.
    public static func authorizationState(authorizer: Address, nonce: Bytes32) -> [UInt8] {
        ABI.calldata("authorizationState(address,bytes32)", [.address(authorizer), .bytes32(nonce)])
    }

    /// `balanceOf(address) → uint256`.
    public static func balanceOf(_ account: Address) -> [UInt8] {
        ABI.calldata("balanceOf(address)", [.address(account)])
    }
}
