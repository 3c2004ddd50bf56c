"""Builds one block at the VM level: O(n) in its transactions, skipping invalid ones.

`MiningChain.apply_transaction` rebuilds the tries for every transaction (O(n^2) per
block) and `mine_all` aborts on the first invalid transaction, so neither is used.
Selection follows geth's miner: the best effective tip first across senders, nonce
order within a sender; a sender whose next transaction cannot be included (fee cap
below the base fee, tip below the node's minimum, too much gas for what is left, or
invalid against the state) contributes nothing more to this block.
"""

import heapq
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence

from eth_utils import ValidationError, keccak

from .pool_tx import PoolTx

MIN_TX_GAS = 21_000


@dataclass(frozen=True)
class BlockPlan:
    """Everything about the next block that is decided outside the builder."""

    parent: object  # py-evm BlockHeaderAPI
    timestamp: int
    gas_limit: int
    coinbase: bytes
    extra_data: bytes = b""
    min_tip: int = 0
    max_txs: Optional[int] = None
    balance_patches: tuple = ()  # ((address, wei), ...) applied before any transaction


@dataclass(frozen=True)
class BuiltBlock:
    block: object  # py-evm BlockAPI, persisted in the chain database
    included: tuple  # PoolTx, in block order
    receipts: tuple  # py-evm receipts, in block order


def build_block(chain, plan: BlockPlan, runs: Dict[bytes, List[PoolTx]]) -> BuiltBlock:
    """Select from per-sender gap-free `runs`, execute, seal and persist one block."""
    builder = _OpenBlock(chain, plan)
    base_fee = builder.base_fee
    heap = []
    for run in runs.values():
        _push(heap, run, 0, base_fee)
    while heap and builder.gas_left >= MIN_TX_GAS:
        if plan.max_txs is not None and len(builder.included) >= plan.max_txs:
            break
        _, _, run, index = heapq.heappop(heap)
        ptx = run[index]
        if ptx.max_fee < base_fee or ptx.effective_tip(base_fee) < plan.min_tip:
            continue
        if builder.try_apply(ptx):
            _push(heap, run, index + 1, base_fee)
    return builder.seal()


def build_block_in_order(chain, plan: BlockPlan, txs: Sequence[PoolTx]) -> BuiltBlock:
    """Execute exactly `txs` in the given order (skipping invalid ones): for reorg blocks."""
    builder = _OpenBlock(chain, plan)
    for ptx in txs:
        builder.try_apply(ptx)
    return builder.seal()


def _push(heap, run, index, base_fee) -> None:
    if index < len(run):
        ptx = run[index]
        heapq.heappush(heap, (-ptx.effective_tip(base_fee), ptx.arrival, run, index))


class _OpenBlock:
    """A block under construction on top of `plan.parent`."""

    def __init__(self, chain, plan: BlockPlan) -> None:
        self.chain = chain
        header = chain.create_header_from_parent(
            plan.parent,
            timestamp=plan.timestamp,
            gas_limit=plan.gas_limit,
            coinbase=plan.coinbase,
            extra_data=plan.extra_data,
            mix_hash=keccak(plan.parent.hash + plan.extra_data),
        )
        self.vm = chain.get_vm(header)
        self.header = header
        self.vm.block_preprocessing(self.vm.get_block())
        for address, wei in plan.balance_patches:
            self.vm.state.set_balance(address, wei)
        self.base_fee = header.base_fee_per_gas
        self.included: List[PoolTx] = []
        self.receipts: list = []

    @property
    def gas_left(self) -> int:
        return self.header.gas_limit - self.header.gas_used

    def try_apply(self, ptx: PoolTx) -> bool:
        if ptx.gas > self.gas_left:
            return False
        try:
            # Validation (nonce, balance, fee cap, gas) raises before any state change.
            receipt, _ = self.vm.apply_transaction(self.header, ptx.tx)
        except ValidationError:
            return False
        self.header = self.vm.add_receipt_to_header(self.header, receipt)
        self.included.append(ptx)
        self.receipts.append(receipt)
        return True

    def seal(self) -> BuiltBlock:
        vm = self.vm
        block = vm.set_block_transactions_and_withdrawals(
            vm.get_block(), self.header, [p.tx for p in self.included], self.receipts
        )
        mined = vm.mine_block(block).block
        self.chain.chaindb.persist_block(mined)
        return BuiltBlock(block=mined, included=tuple(self.included), receipts=tuple(self.receipts))
