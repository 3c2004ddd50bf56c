"""Mining control, time travel, state cheats and fault injection (anvil's names where it has one)."""

from .hexjson import parse_address, parse_data, parse_hash, parse_quantity, quantity, word
from .pool_tx import decode_raw_transaction
from .rpc_errors import RpcError, SERVER_ERROR, invalid_params


def _int(value, name="value") -> int:
    return parse_quantity(value, name)


class ControlMethods:
    def __init__(self, node, miner, faults) -> None:
        self.node = node
        self.miner = miner
        self.faults = faults

    def table(self) -> dict:
        return {
            # mining
            "evm_mine": self.evm_mine,
            "anvil_mine": self.anvil_mine,
            "evm_setAutomine": self.set_automine,
            "anvil_setAutomine": self.set_automine,
            "anvil_getAutomine": lambda: self.node.automine,
            "hardhat_getAutomine": lambda: self.node.automine,
            "evm_setIntervalMining": lambda ms: self._set_interval_ms(_int(ms, "interval")),
            "anvil_setIntervalMining": lambda s: self._set_interval_ms(1000 * _int(s, "interval")),
            "miner_stop": lambda: self._pause(True),
            "miner_start": lambda *_: self._pause(False),
            # pool
            "anvil_dropTransaction": self.drop_transaction,
            "anvil_dropAllTransactions": self.drop_all_transactions,
            "devchain_setMinPriorityFee": self.set_min_priority_fee,
            "devchain_setMaxLogRange": self.set_max_log_range,
            "devchain_setOmitRevertData": self.set_omit_revert_data,
            # chain history
            "anvil_reorg": self.anvil_reorg,
            "devchain_reorg": self.devchain_reorg,
            "anvil_rollback": self.rollback,
            # time
            "evm_increaseTime": lambda seconds: quantity(self.node.clock.increase(_int(seconds, "seconds"))),
            "evm_setNextBlockTimestamp": self.set_next_block_timestamp,
            "anvil_setNextBlockTimestamp": self.set_next_block_timestamp,
            # state
            "anvil_setBalance": self.set_balance,
            "hardhat_setBalance": self.set_balance,
            # HTTP faults
            "devchain_failNextRequests": self.fail_next_requests,
            "devchain_setLatency": self.set_latency,
            "devchain_status": self.status,
        }

    # -- mining ------------------------------------------------------------------------

    def evm_mine(self, timestamp=None):
        """evm_mine([timestamp]) or anvil's evm_mine({timestamp, blocks})."""
        blocks = 1
        if isinstance(timestamp, dict):
            blocks = _int(timestamp.get("blocks", 1), "blocks")
            timestamp = timestamp.get("timestamp")
        if timestamp is not None:
            self.set_next_block_timestamp(timestamp)
        self.node.mine_blocks(max(1, blocks))
        return "0x0"

    def anvil_mine(self, count=None, interval=None):
        blocks = 1 if count is None else _int(count, "count")
        if blocks < 1:
            raise invalid_params("count must be at least 1")
        step = 0 if interval is None else _int(interval, "interval")
        for _ in range(blocks):
            if step:
                self.node.clock.pin_next(self.node.ledger.head.header.timestamp + step)
            self.node.mine_blocks(1)
        return None

    def set_automine(self, enabled):
        self.node.automine = bool(enabled)
        return None

    def _set_interval_ms(self, interval_ms: int):
        self.miner.set_interval(interval_ms)
        return None

    def _pause(self, paused: bool):
        self.node.set_mining_paused(paused)
        return None if paused else True

    # -- pool --------------------------------------------------------------------------

    def drop_transaction(self, tx_hash):
        dropped = self.node.pool.drop(parse_hash(tx_hash))
        return None if dropped is None else word(dropped.hash)

    def drop_all_transactions(self):
        self.node.pool.drop_all()
        return None

    def set_max_log_range(self, blocks):
        """Refuse eth_getLogs over more than `blocks` blocks, as hosted providers do (0: no cap)."""
        self.node.max_log_range = _int(blocks, "blocks")
        return None

    def set_omit_revert_data(self, enabled):
        """Answer eth_call reverts with neither reason nor data, as some nodes and providers do."""
        self.node.omit_revert_data = bool(enabled)
        return None

    def set_min_priority_fee(self, wei):
        self.node.min_tip = _int(wei, "wei")
        return True

    # -- chain history -----------------------------------------------------------------

    def anvil_reorg(self, depth, tx_block_pairs=None):
        """anvil_reorg(depth, [[rawTx, blockOffset], ...]); orphaned txs return to the pool."""
        return self._reorg(_int(depth, "depth"), tx_block_pairs or [], reinject=True)

    def devchain_reorg(self, depth, options=None):
        """devchain_reorg(depth, {"reinject": bool, "transactions": [[rawTx, blockOffset], ...]})."""
        options = options or {}
        return self._reorg(
            _int(depth, "depth"), options.get("transactions", []), reinject=bool(options.get("reinject", True))
        )

    def _reorg(self, depth: int, pairs, reinject: bool):
        if depth < 1 or depth > self.node.ledger.head.number:
            raise invalid_params(f"depth must be between 1 and the head number ({self.node.ledger.head.number})")
        forced = {}
        for pair in pairs:
            if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                raise invalid_params("each tx/block pair is [rawTransactionHex, blockOffset]")
            raw, offset = pair
            offset = _int(offset, "block offset")
            if not 0 <= offset < depth:
                raise invalid_params("block offset must be in [0, depth)")
            cfg = self.node.config
            ptx = decode_raw_transaction(parse_data(raw, "raw transaction"), cfg.chain_id, cfg.block_gas_limit)
            forced.setdefault(offset, []).append(ptx)
        return self.node.reorg(depth, forced, reinject=reinject)

    def rollback(self, depth=None, options=None):
        depth = 1 if depth is None else _int(depth, "depth")
        if depth < 1 or depth > self.node.ledger.head.number:
            raise invalid_params("depth must be between 1 and the head number")
        reinject = bool((options or {}).get("reinject", True))
        return self.node.rollback(depth, reinject=reinject)

    # -- time and state ----------------------------------------------------------------

    def set_next_block_timestamp(self, timestamp):
        value = _int(timestamp, "timestamp")
        head_ts = self.node.ledger.head.header.timestamp
        if value <= head_ts:
            raise RpcError(
                SERVER_ERROR,
                f"timestamp error: {value} is lower than or equal to previous block's timestamp {head_ts}",
            )
        self.node.clock.pin_next(value)
        return None

    def set_balance(self, who, wei):
        self.node.set_balance(parse_address(who), _int(wei, "balance"))
        return True

    # -- HTTP faults -------------------------------------------------------------------

    def fail_next_requests(self, count, mode="http503", methods=None):
        if methods is not None and (not isinstance(methods, list) or not all(isinstance(m, str) for m in methods)):
            raise invalid_params("methods must be a list of method names")
        try:
            self.faults.fail_next(_int(count, "count"), mode, methods or ())
        except ValueError as exc:
            raise invalid_params(str(exc)) from None
        return True

    def set_latency(self, ms):
        self.faults.set_latency(_int(ms, "latency"))
        return True

    def status(self):
        node = self.node
        pending, queued = node.pool.split_pending_queued(node.account_at_head)
        return {
            "head": quantity(node.ledger.head.number),
            "automine": node.automine,
            "miningStopped": node.mining_paused,
            "intervalMs": self.miner.interval_ms,
            "intervalTicks": self.miner.ticks,
            "minPriorityFee": quantity(node.min_tip),
            "timeOffsetSeconds": node.clock.offset,
            "pending": len(pending),
            "queued": len(queued),
            **self.faults.status(),
        }
