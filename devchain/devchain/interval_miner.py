"""A background thread that mines a block every `interval_ms` (0 = never), empty or not."""

import logging
import threading
import time

log = logging.getLogger("devchain.miner")


class IntervalMiner:
    def __init__(self, node, interval_ms: int) -> None:
        self._node = node
        self._interval_ms = max(0, interval_ms)
        self._wake = threading.Condition()
        self._stopping = False
        self._mining = False  # between a deadline and the end of its mine_if_running
        self._ticks = 0
        self._thread = threading.Thread(target=self._run, name="interval-miner", daemon=True)

    @property
    def interval_ms(self) -> int:
        return self._interval_ms

    @property
    def ticks(self) -> int:
        """Interval deadlines acted on so far, whether a block was mined or mining was stopped
        (`devchain_status().intervalTicks`): a test can wait for the miner to have woken and
        declined, instead of sleeping and hoping it had the chance."""
        with self._wake:
            return self._ticks

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify_all()
        self._thread.join(timeout=5)

    def set_interval(self, interval_ms: int) -> None:
        """Takes effect at once: the next block is one full interval from now, and a block the
        old interval had begun is finished before this returns (none begins after it)."""
        with self._wake:
            self._interval_ms = max(0, interval_ms)
            self._wake.notify_all()
            while self._mining:
                self._wake.wait()

    def _run(self) -> None:
        deadline = None
        while True:
            with self._wake:
                if self._stopping:
                    return
                interval = self._interval_ms
                if interval == 0:
                    deadline = None
                    self._wake.wait()
                    continue
                now = time.monotonic()
                if deadline is None:
                    deadline = now + interval / 1000
                if now < deadline:
                    if self._wake.wait(deadline - now):
                        deadline = None  # interval changed or stopping: re-plan
                    continue
                self._mining = True
            # Next deadline from the previous one: a slow block does not shift the cadence.
            deadline = max(deadline + interval / 1000, time.monotonic())
            try:
                self._node.mine_if_running()
            except Exception:
                log.exception("interval mining failed")
            finally:
                with self._wake:
                    self._mining = False
                    self._ticks += 1
                    self._wake.notify_all()
