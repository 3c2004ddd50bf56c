"""The devchain node: chain, ledger, mempool and clock, and the operations on them.

Block production (mining, reorgs, state patches) is serialised by one lock and runs
on whichever thread asks (the interval miner, an `evm_mine` request, automine).
RPC reads never take that lock: they read immutable headers and the ledger, and
state at a given root from the content-addressed database, so a block being built
slows them only by sharing the interpreter.
"""

import logging
import threading
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional

from .block_builder import BlockPlan, build_block, build_block_in_order
from .block_clock import BlockClock
from .fast_views import FastViews
from .genesis import create_chain
from .ledger import Ledger, MinedBlock
from .mempool import Mempool
from .pool_tx import PoolTx, decode_raw_transaction

log = logging.getLogger("devchain.node")

DEFAULT_COINBASE = bytes.fromhex("c0ffee0000000000000000000000000000000000")


@dataclass(frozen=True)
class NodeConfig:
    chain_id: int = 31337
    block_gas_limit: int = 30_000_000
    coinbase: bytes = DEFAULT_COINBASE
    max_block_txs: Optional[int] = None  # None: only the gas limit caps a block


class Node:
    def __init__(self, config: NodeConfig, balances: Dict[bytes, int]) -> None:
        self.config = config
        self.chain = create_chain(config.chain_id, config.block_gas_limit, balances)
        genesis = self.chain.get_canonical_block_by_number(0)
        self.ledger = Ledger(MinedBlock.from_built(genesis, (), ()))
        self.pool = Mempool()
        self.clock = BlockClock()
        self.min_tip = 0
        self.max_log_range = 0  # devchain_setMaxLogRange: eth_getLogs spans above it refused (0: any)
        self.omit_revert_data = False  # devchain_setOmitRevertData: eth_call reverts say only "execution reverted"
        self.automine = False
        self.mining_paused = False  # miner_stop: no interval or automine blocks
        self._build_lock = threading.RLock()
        self._patches: List[tuple] = []
        self._head_reader_lock = threading.Lock()
        self._head_reader = (None, None, {})  # (head hash, state, {address: (nonce, balance)})
        self.fast_views = FastViews(self.chain.chaindb.db)  # getters of the deployed contracts

    # -- state -------------------------------------------------------------------------

    def state_at(self, mined: MinedBlock):
        """A fresh py-evm state object at the end of `mined` (read it, never persist it)."""
        return self.chain.get_vm(mined.header).state

    def account_at_head(self, address: bytes):
        """(nonce, balance) at the current head, cached per head for pool admission."""
        head = self.ledger.head
        with self._head_reader_lock:
            head_hash, state, cache = self._head_reader
            if head_hash != head.hash:
                state, cache = self.state_at(head), {}
                self._head_reader = (head.hash, state, cache)
            hit = cache.get(address)
            if hit is None:
                hit = (state.get_nonce(address), state.get_balance(address))
                cache[address] = hit
            return hit

    # -- transactions ------------------------------------------------------------------

    def submit_raw_transaction(self, raw: bytes) -> bytes:
        """Admit a signed transaction to the pool (RpcError if refused); automine if on."""
        ptx = decode_raw_transaction(raw, self.config.chain_id, self.config.block_gas_limit)
        replaced = self.pool.add(ptx, self.account_at_head)
        if replaced is not None:
            log.info("replaced tx %s by %s", replaced.hash.hex(), ptx.hash.hex())
        if self.automine and not self.mining_paused:
            self.mine_blocks(1)
        return ptx.hash

    def pending_nonce(self, address: bytes) -> int:
        nonce, _ = self.account_at_head(address)
        return self.pool.pending_nonce(address, nonce)

    # -- block production --------------------------------------------------------------

    def mine_blocks(self, count: int = 1) -> List[MinedBlock]:
        with self._build_lock:
            return [self._mine_one(include_pool=True) for _ in range(count)]

    def mine_if_running(self) -> Optional[MinedBlock]:
        """The interval miner's entry point: nothing while mining is stopped (checked under the
        build lock, so no interval block begins after `set_mining_paused(True)` returned)."""
        with self._build_lock:
            if self.mining_paused:
                return None
            return self._mine_one(include_pool=True)

    def set_mining_paused(self, paused: bool) -> None:
        """`miner_stop` / `miner_start`. Waits for a block being built to be finished, so once
        mining is paused no interval block is built until it is resumed."""
        with self._build_lock:
            self.mining_paused = paused

    def set_balance(self, address: bytes, wei: int) -> MinedBlock:
        """State cheats need a new state root: they ride in an empty block mined at once."""
        with self._build_lock:
            self._patches.append((address, wei))
            return self._mine_one(include_pool=False)

    def reorg(self, depth: int, forced: Dict[int, List[PoolTx]] = None, reinject: bool = True) -> dict:
        """Replace the last `depth` blocks by as many new ones (new hashes, same heights).

        The new blocks hold only `forced` transactions ({block offset: [tx]}); the
        orphaned ones go back to the pool when `reinject`, else they are lost.
        """
        forced = forced or {}
        with self._build_lock:
            removed = self.ledger.truncate(depth)
            for offset in range(len(removed)):
                head = self.ledger.head
                plan = self._plan(head, include_pool=False, extra_data=b"devchain reorg")
                built = build_block_in_order(self.chain, plan, forced.get(offset, []))
                self.ledger.append(MinedBlock.from_built(built.block, built.included, built.receipts))
            return self._after_fork(removed, reinject)

    def rollback(self, depth: int, reinject: bool = True) -> dict:
        """Remove the last `depth` blocks without replacing them."""
        with self._build_lock:
            removed = self.ledger.truncate(depth)
            return self._after_fork(removed, reinject)

    def _after_fork(self, removed: Iterable[MinedBlock], reinject: bool) -> dict:
        orphaned = [ptx for mined in removed for ptx in mined.txs]
        if reinject:
            self.pool.reinject(orphaned)
        self.pool.prune_mined(self.account_at_head)
        log.info("fork: %d blocks replaced, %d txs orphaned, head %d", len(list(removed)), len(orphaned), self.ledger.head.number)
        return {
            "removedBlocks": ["0x" + m.hash.hex() for m in removed],
            "orphanedTransactions": ["0x" + p.hash.hex() for p in orphaned],
            "reinjected": reinject,
            "head": hex(self.ledger.head.number),
        }

    def _plan(self, head: MinedBlock, include_pool: bool, extra_data: bytes = b"") -> BlockPlan:
        patches, self._patches = tuple(self._patches), []
        return BlockPlan(
            parent=head.header,
            timestamp=self.clock.next_timestamp(head.header.timestamp),
            gas_limit=self.config.block_gas_limit,
            coinbase=self.config.coinbase,
            extra_data=extra_data,
            min_tip=self.min_tip,
            max_txs=self.config.max_block_txs,
            balance_patches=patches,
        )

    def _mine_one(self, include_pool: bool) -> MinedBlock:
        head = self.ledger.head
        plan = self._plan(head, include_pool)
        runs = self.pool.executable_runs(self.account_at_head) if include_pool else {}
        built = build_block(self.chain, plan, runs)
        mined = MinedBlock.from_built(built.block, built.included, built.receipts)
        self.ledger.append(mined)
        if built.included:
            self.pool.prune_mined(self.account_at_head)
        log.debug(
            "block %d: %d txs, gas %d, base fee %d",
            mined.number, len(mined.txs), mined.header.gas_used, mined.header.base_fee_per_gas,
        )
        return mined
