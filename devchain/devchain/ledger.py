"""The canonical chain as the RPC layer sees it: blocks, receipts and a tx index.

py-evm's database keeps every header and state ever built (orphans included); the
ledger decides which blocks are canonical, so a reorg is just `truncate` plus new
`append`s. Receipt JSON is computed once, when a block is added.

Writers (block production) are serialised by the node. Readers take no lock: each
lookup re-checks what it finds, so a reader racing a reorg sees either the old or
the new chain, never a mix within one object.
"""

from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

import rlp

from .json_shapes import receipts_json


@dataclass(frozen=True)
class MinedBlock:
    header: object  # py-evm header
    hash: bytes
    txs: tuple  # PoolTx in block order
    receipts: tuple  # receipt JSON dicts in block order
    size: int

    @property
    def number(self) -> int:
        return self.header.block_number

    @classmethod
    def from_built(cls, block, included, receipts) -> "MinedBlock":
        return cls(
            header=block.header,
            hash=block.hash,
            txs=tuple(included),
            receipts=tuple(receipts_json(block.header, included, receipts)),
            size=len(rlp.encode(block)),
        )


class Ledger:
    def __init__(self, genesis: MinedBlock) -> None:
        self._blocks: List[MinedBlock] = [genesis]
        self._by_hash: Dict[bytes, MinedBlock] = {genesis.hash: genesis}
        self._tx_location: Dict[bytes, Tuple[int, int]] = {}

    @property
    def head(self) -> MinedBlock:
        return self._blocks[-1]

    def append(self, mined: MinedBlock) -> None:
        assert mined.header.parent_hash == self.head.hash, "ledger: block does not extend head"
        self._by_hash[mined.hash] = mined
        for index, ptx in enumerate(mined.txs):
            self._tx_location[ptx.hash] = (mined.number, index)
        self._blocks.append(mined)

    def truncate(self, depth: int) -> List[MinedBlock]:
        """Remove the last `depth` blocks (never genesis); returns them oldest first."""
        depth = min(depth, len(self._blocks) - 1)
        if depth <= 0:
            return []
        removed = self._blocks[-depth:]
        self._blocks = self._blocks[:-depth]
        for mined in removed:
            self._by_hash.pop(mined.hash, None)
            for ptx in mined.txs:
                self._tx_location.pop(ptx.hash, None)
        return removed

    def by_number(self, number: int) -> Optional[MinedBlock]:
        blocks = self._blocks
        return blocks[number] if 0 <= number < len(blocks) else None

    def by_hash(self, block_hash: bytes) -> Optional[MinedBlock]:
        return self._by_hash.get(block_hash)

    def locate_tx(self, tx_hash: bytes) -> Optional[Tuple[MinedBlock, int]]:
        location = self._tx_location.get(tx_hash)
        if location is None:
            return None
        mined = self.by_number(location[0])
        index = location[1]
        if mined is None or index >= len(mined.txs) or mined.txs[index].hash != tx_hash:
            return None
        return mined, index

    def logs(self, from_block: int, to_block: int, addresses, topics) -> list:
        """eth_getLogs semantics: `addresses` is a set of lowercase hex (empty = any);
        `topics[i]` is None (any) or a set of lowercase 0x-words."""
        out = []
        for number in range(max(from_block, 0), min(to_block, self.head.number) + 1):
            mined = self.by_number(number)
            if mined is None:
                continue
            for receipt in mined.receipts:
                for log in receipt["logs"]:
                    if _log_matches(log, addresses, topics):
                        out.append(log)
        return out


def _log_matches(log: dict, addresses, topics) -> bool:
    if addresses and log["address"].lower() not in addresses:
        return False
    log_topics = log["topics"]
    for position, wanted in enumerate(topics):
        if wanted is None:
            continue
        if position >= len(log_topics) or log_topics[position] not in wanted:
            return False
    return True
