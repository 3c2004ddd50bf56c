# pragma version ~=0.4.0
"""
@title Pay-then-mint token
@notice An 18-decimal ERC-20 minted in fixed portions after a payment settles,
        with the replaced system's interface: a minter role, `mint(to, txHash)`,
        `batchMint(to[], txHashes[])`, `hasMinted(bytes32)`, `mintAmount()`,
        `remainingSupply()` and `TokensMinted(to, amount, txHash)`.
        Each payment hash mints at most once. `batchMint` is all-or-nothing: if any
        hash was minted before (or appears twice in the batch) the whole call reverts
        with the custom error `AlreadyMinted(bytes32 txHash)`, ABI-encoded like
        Solidity's, so clients can decode which hash it was.
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

event TokensMinted:
    to: indexed(address)
    amount: uint256
    txHash: indexed(bytes32)

event MinterChanged:
    minter: indexed(address)
    enabled: bool

MAX_BATCH: constant(uint256) = 512

name: public(String[64])
symbol: public(String[32])
decimals: public(constant(uint8)) = 18

totalSupply: public(uint256)
balanceOf: public(HashMap[address, uint256])
allowance: public(HashMap[address, HashMap[address, uint256]])

owner: public(address)
isMinter: public(HashMap[address, bool])
mintAmount: public(uint256)
maxSupply: public(uint256)
hasMinted: public(HashMap[bytes32, bool])


@deploy
def __init__(
    token_name: String[64], token_symbol: String[32], mint_amount: uint256, max_supply: uint256, minter: address
):
    self.name = token_name
    self.symbol = token_symbol
    self.mintAmount = mint_amount
    self.maxSupply = max_supply
    self.owner = msg.sender
    self.isMinter[minter] = True
    log MinterChanged(minter=minter, enabled=True)


@view
@external
def remainingSupply() -> uint256:
    return self.maxSupply - self.totalSupply


@external
def setMinter(minter: address, enabled: bool):
    assert msg.sender == self.owner, "MintToken: caller is not the owner"
    self.isMinter[minter] = enabled
    log MinterChanged(minter=minter, enabled=enabled)


@external
def mint(to: address, txHash: bytes32):
    assert self.isMinter[msg.sender], "MintToken: caller is not a minter"
    self._mint_once(to, txHash)


@external
def batchMint(to: DynArray[address, MAX_BATCH], txHashes: DynArray[bytes32, MAX_BATCH]):
    assert self.isMinter[msg.sender], "MintToken: caller is not a minter"
    assert len(to) == len(txHashes), "MintToken: length mismatch"
    for i: uint256 in range(len(to), bound=MAX_BATCH):
        self._mint_once(to[i], txHashes[i])


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
    assert allowed >= amount, "ERC20: insufficient allowance"
    self.allowance[sender][msg.sender] = allowed - amount
    self._transfer(sender, receiver, amount)
    return True


@internal
def _mint_once(to: address, tx_hash: bytes32):
    if self.hasMinted[tx_hash]:
        # error AlreadyMinted(bytes32 txHash)
        raw_revert(abi_encode(tx_hash, method_id=method_id("AlreadyMinted(bytes32)")))
    assert to != empty(address), "MintToken: mint to the zero address"
    amount: uint256 = self.mintAmount
    assert self.totalSupply + amount <= self.maxSupply, "MintToken: max supply reached"
    self.hasMinted[tx_hash] = True
    self.totalSupply += amount
    self.balanceOf[to] += amount
    log Transfer(sender=empty(address), receiver=to, value=amount)
    log TokensMinted(to=to, amount=amount, txHash=tx_hash)


@internal
def _transfer(sender: address, receiver: address, amount: uint256):
    assert receiver != empty(address), "ERC20: transfer to the zero address"
    balance: uint256 = self.balanceOf[sender]
    assert balance >= amount, "ERC20: transfer amount exceeds balance"
    self.balanceOf[sender] = balance - amount
    self.balanceOf[receiver] += amount
    log Transfer(sender=sender, receiver=receiver, value=amount)
