"""Timestamps for new blocks: whole seconds that track the wall clock.

A block's timestamp is max(parent + 1, now + offset), so a block-interval under a
second runs ahead of the clock (EIP-3009 validAfter/validBefore see that time).
`evm_increaseTime` grows the offset; `evm_setNextBlockTimestamp` pins one block
and moves the offset so later blocks continue from there.
"""

import threading
import time


class BlockClock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0
        self._pinned = None

    @property
    def offset(self) -> int:
        return self._offset

    def now(self) -> int:
        return int(time.time()) + self._offset

    def increase(self, seconds: int) -> int:
        with self._lock:
            self._offset += seconds
            return self._offset

    def pin_next(self, timestamp: int) -> None:
        with self._lock:
            self._pinned = timestamp

    def next_timestamp(self, parent_timestamp: int) -> int:
        """Consume the pin (if any) and return the timestamp for a child of `parent_timestamp`."""
        with self._lock:
            if self._pinned is not None:
                timestamp = max(self._pinned, parent_timestamp + 1)
                self._offset = timestamp - int(time.time())
                self._pinned = None
                return timestamp
            return max(parent_timestamp + 1, int(time.time()) + self._offset)

    def peek_timestamp(self, parent_timestamp: int) -> int:
        """What next_timestamp would return, without consuming anything (for eth_call)."""
        with self._lock:
            if self._pinned is not None:
                return max(self._pinned, parent_timestamp + 1)
            return max(parent_timestamp + 1, int(time.time()) + self._offset)
