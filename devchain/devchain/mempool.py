"""A transaction pool with geth's admission and replacement rules.

Per sender, transactions are kept by nonce. Those forming a gap-free run from the
sender's on-chain nonce are *pending* (executable); the rest are *queued* until
the gap fills. Which is which is computed against the head state on demand, so a
new block or a reorg never needs a reshuffle, only `prune_mined`.

Thread safety: every public method takes the pool's own lock; `account` callbacks
must not call back into the pool.
"""

import threading
from typing import Callable, Dict, Iterable, List, Optional, Tuple

from .pool_tx import PoolTx
from .rpc_errors import pool_error

PRICE_BUMP_PERCENT = 10  # geth's --txpool.pricebump

AccountReader = Callable[[bytes], Tuple[int, int]]  # sender -> (nonce, balance) at head


class Mempool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_sender: Dict[bytes, Dict[int, PoolTx]] = {}
        self._by_hash: Dict[bytes, PoolTx] = {}

    # -- admission ---------------------------------------------------------------------

    def add(self, ptx: PoolTx, account: AccountReader) -> Optional[PoolTx]:
        """Admit `ptx` or raise RpcError; returns the transaction it replaced, if any."""
        state_nonce, balance = account(ptx.sender)
        with self._lock:
            if ptx.hash in self._by_hash:
                raise pool_error("already known")
            if ptx.nonce < state_nonce:
                raise pool_error("nonce too low")
            if balance < ptx.cost:
                raise pool_error("insufficient funds for gas * price + value")
            slots = self._by_sender.setdefault(ptx.sender, {})
            old = slots.get(ptx.nonce)
            if old is not None and not _is_sufficient_bump(old, ptx):
                raise pool_error("replacement transaction underpriced")
            if old is not None:
                del self._by_hash[old.hash]
            slots[ptx.nonce] = ptx
            self._by_hash[ptx.hash] = ptx
            return old

    def reinject(self, txs: Iterable[PoolTx]) -> None:
        """Put back transactions from orphaned blocks, unless their slot was taken meanwhile."""
        with self._lock:
            for ptx in txs:
                slots = self._by_sender.setdefault(ptx.sender, {})
                if ptx.nonce not in slots and ptx.hash not in self._by_hash:
                    slots[ptx.nonce] = ptx
                    self._by_hash[ptx.hash] = ptx

    # -- removal -----------------------------------------------------------------------

    def drop(self, tx_hash: bytes) -> Optional[PoolTx]:
        with self._lock:
            ptx = self._by_hash.pop(tx_hash, None)
            if ptx is not None:
                self._remove_slot(ptx)
            return ptx

    def drop_all(self) -> int:
        with self._lock:
            count = len(self._by_hash)
            self._by_hash.clear()
            self._by_sender.clear()
            return count

    def prune_mined(self, account: AccountReader) -> int:
        """Remove every transaction whose nonce the head state has already used."""
        removed = 0
        with self._lock:
            senders = list(self._by_sender)
        for sender in senders:
            state_nonce, _ = account(sender)
            with self._lock:
                slots = self._by_sender.get(sender, {})
                for nonce in [n for n in slots if n < state_nonce]:
                    del self._by_hash[slots.pop(nonce).hash]
                    removed += 1
                if not slots:
                    self._by_sender.pop(sender, None)
        return removed

    # -- queries -----------------------------------------------------------------------

    def get(self, tx_hash: bytes) -> Optional[PoolTx]:
        return self._by_hash.get(tx_hash)

    def __len__(self) -> int:
        return len(self._by_hash)

    def pending_nonce(self, sender: bytes, state_nonce: int) -> int:
        """The nonce after the sender's gap-free run: geth's `pending` transaction count."""
        with self._lock:
            slots = self._by_sender.get(sender, {})
            nonce = state_nonce
            while nonce in slots:
                nonce += 1
            return nonce

    def executable_runs(self, account: AccountReader) -> Dict[bytes, List[PoolTx]]:
        """Per sender, the gap-free run of transactions starting at the head nonce."""
        with self._lock:
            snapshot = {s: dict(slots) for s, slots in self._by_sender.items() if slots}
        runs = {}
        for sender, slots in snapshot.items():
            nonce, _ = account(sender)
            run = []
            while nonce in slots:
                run.append(slots[nonce])
                nonce += 1
            if run:
                runs[sender] = run
        return runs

    def split_pending_queued(self, account: AccountReader) -> Tuple[List[PoolTx], List[PoolTx]]:
        """All transactions, split into pending (executable) and queued (behind a gap)."""
        runs = self.executable_runs(account)
        pending_hashes = {p.hash for run in runs.values() for p in run}
        with self._lock:
            everything = list(self._by_hash.values())
        pending = [p for p in everything if p.hash in pending_hashes]
        queued = [p for p in everything if p.hash not in pending_hashes]
        return pending, queued

    def _remove_slot(self, ptx: PoolTx) -> None:
        slots = self._by_sender.get(ptx.sender)
        if slots is not None and slots.get(ptx.nonce) is ptx:
            del slots[ptx.nonce]
            if not slots:
                del self._by_sender[ptx.sender]


def _is_sufficient_bump(old: PoolTx, new: PoolTx) -> bool:
    """geth: both fee cap and tip must rise, each by at least PRICE_BUMP_PERCENT."""
    if new.max_fee <= old.max_fee or new.max_tip <= old.max_tip:
        return False
    fee_threshold = old.max_fee * (100 + PRICE_BUMP_PERCENT) // 100
    tip_threshold = old.max_tip * (100 + PRICE_BUMP_PERCENT) // 100
    return new.max_fee >= fee_threshold and new.max_tip >= tip_threshold
