# pragma version ~=0.4.0
"""
@title USD Coin stand-in with EIP-3009
@notice A 6-decimal ERC-20 that behaves like Circle's FiatToken v2 where the
        settlement engine can observe it: `transferWithAuthorization`,
        `receiveWithAuthorization`, `cancelAuthorization`, `authorizationState`,
        the `AuthorizationUsed` / `AuthorizationCanceled` / `Transfer` events, an
        EIP-712 domain with a configurable name and version "2", and FiatToken's
        revert strings. Only the `(v, r, s)` overloads exist: Vyper has no
        function overloading, and x402 facilitators use `(v, r, s)` for 65-byte
        EOA signatures.
"""

from ethereum.ercs import IERC20

implements: IERC20

event Transfer:
    sender: indexed(address)
    receiver: indexed(address)
    value: uint256

event Approval:
    owner: indexed(address)
    spender: indexed(address)
    value: uint256

event AuthorizationUsed:
    authorizer: indexed(address)
    nonce: indexed(bytes32)

event AuthorizationCanceled:
    authorizer: indexed(address)
    nonce: indexed(bytes32)

EIP712_DOMAIN_TYPEHASH: constant(bytes32) = keccak256(
    "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
)
TRANSFER_WITH_AUTHORIZATION_TYPEHASH: constant(bytes32) = keccak256(
    "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
)
RECEIVE_WITH_AUTHORIZATION_TYPEHASH: constant(bytes32) = keccak256(
    "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
)
CANCEL_AUTHORIZATION_TYPEHASH: constant(bytes32) = keccak256(
    "CancelAuthorization(address authorizer,bytes32 nonce)"
)
# secp256k1 order / 2: signatures with a larger s are malleable copies.
HALF_CURVE_ORDER: constant(uint256) = 57896044618658097711785492504343953926418782139537452191302581570759080747168

name: public(String[64])
symbol: public(String[32])
version: public(String[8])
decimals: public(constant(uint8)) = 6

totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])

masterMinter: public(address)
_authorization_states: HashMap[address, HashMap[bytes32, bool]]


@deploy
def __init__(token_name: String[64], token_symbol: String[32]):
    self.name = token_name
    self.symbol = token_symbol
    self.version = "2"
    self.masterMinter = msg.sender


@view
@external
def DOMAIN_SEPARATOR() -> bytes32:
    return self._domain_separator()


@view
@external
def authorizationState(authorizer: address, nonce: bytes32) -> bool:
    return self._authorization_states[authorizer][nonce]


@external
def mint(to: address, amount: uint256) -> bool:
    assert msg.sender == self.masterMinter, "FiatToken: caller is not a minter"
    assert to != empty(address), "FiatToken: mint to the zero address"
    self.totalSupply += amount
    self.balanceOf[to] += amount
    log Transfer(sender=empty(address), receiver=to, value=amount)
    return True


@external
def transfer(receiver: address, amount: uint256) -> bool:
    self._transfer(msg.sender, receiver, amount)
    return True


@external
def approve(spender: address, amount: uint256) -> bool:
    self.allowance[msg.sender][spender] = amount
    log Approval(owner=msg.sender, spender=spender, value=amount)
    return True


@external
def transferFrom(sender: address, receiver: address, amount: uint256) -> bool:
    allowed: uint256 = self.allowance[sender][msg.sender]
    assert allowed >= amount, "ERC20: transfer amount exceeds allowance"
    self.allowance[sender][msg.sender] = allowed - amount
    self._transfer(sender, receiver, amount)
    return True


@external
def transferWithAuthorization(
    _from: address,
    to: address,
    amount: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: bytes32,
    v: uint8,
    r: bytes32,
    s: bytes32,
):
    self._require_valid_authorization(_from, nonce, validAfter, validBefore)
    struct_hash: bytes32 = keccak256(
        abi_encode(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH, _from, to, amount, validAfter, validBefore, nonce
        )
    )
    self._require_signed_by(_from, struct_hash, v, r, s)
    self._mark_authorization_used(_from, nonce)
    self._transfer(_from, to, amount)


@external
def receiveWithAuthorization(
    _from: address,
    to: address,
    amount: uint256,
    validAfter: uint256,
    validBefore: uint256,
    nonce: bytes32,
    v: uint8,
    r: bytes32,
    s: bytes32,
):
    assert to == msg.sender, "FiatTokenV2: caller must be the payee"
    self._require_valid_authorization(_from, nonce, validAfter, validBefore)
    struct_hash: bytes32 = keccak256(
        abi_encode(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH, _from, to, amount, validAfter, validBefore, nonce
        )
    )
    self._require_signed_by(_from, struct_hash, v, r, s)
    self._mark_authorization_used(_from, nonce)
    self._transfer(_from, to, amount)


@external
def cancelAuthorization(authorizer: address, nonce: bytes32, v: uint8, r: bytes32, s: bytes32):
    assert not self._authorization_states[authorizer][nonce], "FiatTokenV2: authorization is used or canceled"
    struct_hash: bytes32 = keccak256(abi_encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce))
    self._require_signed_by(authorizer, struct_hash, v, r, s)
    self._authorization_states[authorizer][nonce] = True
    log AuthorizationCanceled(authorizer=authorizer, nonce=nonce)


@view
@internal
def _domain_separator() -> bytes32:
    return keccak256(
        abi_encode(
            EIP712_DOMAIN_TYPEHASH,
            keccak256(convert(self.name, Bytes[64])),
            keccak256(convert(self.version, Bytes[8])),
            chain.id,
            self,
        )
    )


@view
@internal
def _require_valid_authorization(authorizer: address, nonce: bytes32, valid_after: uint256, valid_before: uint256):
    assert block.timestamp > valid_after, "FiatTokenV2: authorization is not yet valid"
    assert block.timestamp < valid_before, "FiatTokenV2: authorization is expired"
    assert not self._authorization_states[authorizer][nonce], "FiatTokenV2: authorization is used or canceled"


@view
@internal
def _require_signed_by(signer: address, struct_hash: bytes32, v: uint8, r: bytes32, s: bytes32):
    assert convert(s, uint256) <= HALF_CURVE_ORDER, "ECRecover: invalid signature 's' value"
    assert v == 27 or v == 28, "ECRecover: invalid signature 'v' value"
    digest: bytes32 = keccak256(concat(b"\x19\x01", self._domain_separator(), struct_hash))
    recovered: address = ecrecover(digest, v, r, s)
    assert recovered != empty(address) and recovered == signer, "FiatTokenV2: invalid signature"


@internal
def _mark_authorization_used(authorizer: address, nonce: bytes32):
    self._authorization_states[authorizer][nonce] = True
    log AuthorizationUsed(authorizer=authorizer, nonce=nonce)


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    assert sender != empty(address), "ERC20: transfer from the zero address"
    assert receiver != empty(address), "ERC20: transfer to the zero address"
    balance: uint256 = self.balanceOf[sender]
    assert balance >= amount, "ERC20: transfer amount exceeds balance"
    self.balanceOf[sender] = balance - amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)
