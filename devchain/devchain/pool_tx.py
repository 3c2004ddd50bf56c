"""A decoded, signature-checked transaction as the mempool and block builder see it."""

import itertools
from dataclasses import dataclass, field

from eth.constants import SECPK1_N
from eth.vm.forks.cancun import CancunVM
from eth_utils import ValidationError

from .rpc_errors import pool_error

_TX_BUILDER = CancunVM.get_transaction_builder()
_ARRIVAL = itertools.count()


@dataclass(frozen=True)
class PoolTx:
    """One signed transaction with the fields pool ordering needs, computed once."""

    tx: object  # py-evm SignedTransactionAPI
    raw: bytes
    hash: bytes
    sender: bytes
    nonce: int
    gas: int
    max_fee: int  # maxFeePerGas, or gasPrice for legacy/2930 txs
    max_tip: int  # maxPriorityFeePerGas, or gasPrice for legacy/2930 txs
    value: int
    type_id: int
    arrival: int = field(default_factory=lambda: next(_ARRIVAL))

    @property
    def cost(self) -> int:
        """What the sender must hold for geth to accept it: gas * fee cap + value."""
        return self.gas * self.max_fee + self.value

    def effective_tip(self, base_fee: int) -> int:
        """The tip per gas the block producer would earn at this base fee (negative if unpayable)."""
        return min(self.max_tip, self.max_fee - base_fee)


def decode_raw_transaction(raw: bytes, chain_id: int, block_gas_limit: int) -> PoolTx:
    """Decode and statically validate a raw tx; raises RpcError with geth's messages."""
    try:
        tx = _TX_BUILDER.decode(raw)
    except Exception as exc:  # rlp and py-evm raise several unrelated types
        raise pool_error(f"rlp: {exc}") from None
    tx_chain_id = getattr(tx, "chain_id", None)
    if tx_chain_id is None:
        raise pool_error("only replay-protected (EIP-155) transactions allowed over RPC")
    if tx.type_id not in (None, 0, 1, 2):
        raise pool_error("transaction type not supported")
    if tx_chain_id != chain_id:
        raise pool_error("invalid sender: invalid chain id for signer")
    if tx.gas > block_gas_limit:
        raise pool_error("exceeds block gas limit")
    max_fee, max_tip = tx.max_fee_per_gas, tx.max_priority_fee_per_gas
    if max_tip > max_fee:
        raise pool_error("max priority fee per gas higher than max fee per gas")
    if not 0 < tx.s <= SECPK1_N // 2 or not 0 < tx.r < SECPK1_N:  # Homestead: no malleable high-s
        raise pool_error("invalid sender: invalid transaction v, r, s values")
    try:
        # Recovery fails on out-of-range v/r/s; check_signature_validity would recover a second time.
        sender = tx.sender
    except Exception:
        raise pool_error("invalid sender: invalid transaction v, r, s values") from None
    try:
        tx.validate()
    except ValidationError as exc:
        raise pool_error(f"invalid transaction: {exc}") from None
    intrinsic = tx.intrinsic_gas
    if tx.gas < intrinsic:
        raise pool_error(f"intrinsic gas too low: gas {tx.gas}, minimum needed {intrinsic}")
    return PoolTx(
        tx=tx,
        raw=raw,
        hash=tx.hash,
        sender=sender,
        nonce=tx.nonce,
        gas=tx.gas,
        max_fee=max_fee,
        max_tip=max_tip,
        value=tx.value,
        type_id=tx.type_id or 0,
    )
