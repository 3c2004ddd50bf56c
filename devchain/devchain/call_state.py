"""py-evm states for read-only execution (eth_call, eth_estimateGas) with shared read caches.

Every call still gets a fresh py-evm state on top of its block, exactly as before, so
nothing a call writes can leak into the next one. What is shared is only what is a pure
function of content-addressed data, so that it cannot differ from a fresh read:

- a trie lookup of key K in the trie whose root is R always gives the same value (the
  database is content-addressed and never loses a node), so account reads are memoised
  by (state root, address) and storage reads by (storage root, slot);
- which positions of a piece of code are valid JUMPDEST targets (the PUSH-data analysis)
  is a function of the code bytes alone.

Only lookups against a trie's *starting* root are memoised: once a call writes (its own
journal, never this cache), reads of what it wrote are answered by py-evm's journal above
this layer. Block building does not use these classes: py-evm stays the sole authority
for blocks, receipts and state roots.
"""

import threading

from eth.db.account import AccountDB
from eth.db.backends.base import BaseDB
from eth.db.cache import CacheDB
from eth.db.journal import JournalDB
from eth.db.storage import AccountStorageDB, StorageLookup
from lru import LRU

_ABSENT = object()

# Sizes are entries; an entry is a few hundred bytes at most.
ACCOUNT_MEMO = LRU(1 << 16)  # (state root, address) -> account RLP (b"" if absent)
STORAGE_MEMO = LRU(1 << 18)  # (storage root, slot key) -> RLP value (b"" if unset)
JUMPDESTS = LRU(256)  # code bytes -> (valid positions, invalid positions)
_jumpdests_lock = threading.Lock()


def clear_memos() -> None:
    """Forget everything memoised (tests use it to compare cold and warm runs)."""
    ACCOUNT_MEMO.clear()
    STORAGE_MEMO.clear()
    with _jumpdests_lock:
        JUMPDESTS.clear()


class _MemoStorageLookup(StorageLookup):
    def __getitem__(self, key: bytes) -> bytes:
        if self._write_trie is not None:  # this store has been written below the journal
            return super().__getitem__(key)
        memo_key = (self._starting_root_hash, key)
        value = STORAGE_MEMO.get(memo_key, _ABSENT)
        if value is _ABSENT:
            value = super().__getitem__(key)
            STORAGE_MEMO[memo_key] = value
        return value


class _MemoAccountStorageDB(AccountStorageDB):
    def __init__(self, db, storage_root, address) -> None:
        super().__init__(db, storage_root, address)
        # The same pipe as AccountStorageDB's, with the memoising lookup at its bottom.
        self._storage_lookup = _MemoStorageLookup(db, storage_root, address)
        self._storage_cache = CacheDB(self._storage_lookup)
        self._locked_changes = JournalDB(self._storage_cache)
        self._journal_storage = JournalDB(self._locked_changes)


class _RootMemo(BaseDB):
    """Between AccountDB's trie cache and its trie: reads memoised by the trie's current root."""

    def __init__(self, db, trie) -> None:
        self._db = db
        self._trie = trie

    def __getitem__(self, key: bytes) -> bytes:
        memo_key = (self._trie.root_hash, key)
        value = ACCOUNT_MEMO.get(memo_key, _ABSENT)
        if value is _ABSENT:
            value = self._db[key]
            ACCOUNT_MEMO[memo_key] = value
        return value

    def __setitem__(self, key: bytes, value: bytes) -> None:
        self._db[key] = value

    def __delitem__(self, key: bytes) -> None:
        del self._db[key]

    def _exists(self, key: bytes) -> bool:
        return key in self._db


class MemoAccountDB(AccountDB):
    def __init__(self, db, state_root) -> None:
        super().__init__(db, state_root)
        self._trie_cache = CacheDB(_RootMemo(self._trie_logger, self._trie))
        self._journaltrie = JournalDB(self._trie_cache)

    def _get_address_store(self, address):
        store = self._account_stores.get(address)
        if store is None:
            store = _MemoAccountStorageDB(self._raw_store_db, self._get_storage_root(address), address)
            self._account_stores[address] = store
        return store


SSTORE = 0x55
GAS = 0x5A
SSTORE_SENTRY = 2300  # EIP-2200: SSTORE fails unless more than this much gas is left
_trace = threading.local()


class gas_trace:
    """While active on this thread, notes what makes a call's outcome depend on its gas limit.

    With a gas limit G instead of the traced run's G0, the top-level frame has G0 - G less
    gas at every step, and follows the same path unless something reads the gas: the GAS
    opcode (a value on the stack), a nested call or create (the 63/64 rule sizes the
    child's gas from what is left; precompiles included), or an SSTORE (EIP-2200: it fails
    unless more than 2,300 is left). eth_estimateGas uses the notes to know which limit
    to try first and when no further run is needed."""

    def __enter__(self):
        self.gas_left_at_sstores = []  # top-level frame only
        self.reads_gas = False  # GAS opcode anywhere
        self.nested = False  # any frame below the top-level one
        _trace.active = self
        return self

    def __exit__(self, *_):
        _trace.active = None


class _TracedOpcode:
    """An opcode as py-evm defines it, noting the gas left first when a trace is active."""

    def __init__(self, inner, note) -> None:
        self.inner = inner
        self.note = note
        self.mnemonic = inner.mnemonic
        self.gas_cost = inner.gas_cost

    def __call__(self, computation) -> None:
        trace = getattr(_trace, "active", None)
        if trace is not None:
            self.note(trace, computation)
        return self.inner(computation=computation)


def _note_sstore(trace, computation) -> None:
    if computation.msg.depth == 0:
        trace.gas_left_at_sstores.append(computation.get_gas_remaining())


def _note_gas(trace, computation) -> None:
    trace.reads_gas = True


def _note_call(trace, computation) -> None:
    trace.nested = True


CALLS_AND_CREATES = (0xF0, 0xF1, 0xF2, 0xF4, 0xF5, 0xFA)  # CREATE CALL CALLCODE DELEGATECALL CREATE2 STATICCALL


def _computation_class(base):
    class CallComputation(base):
        opcodes = {
            **base.opcodes,
            SSTORE: _TracedOpcode(base.opcodes[SSTORE], _note_sstore),
            GAS: _TracedOpcode(base.opcodes[GAS], _note_gas),
            **{op: _TracedOpcode(base.opcodes[op], _note_call) for op in CALLS_AND_CREATES},
        }

        def __init__(self, state, message, transaction_context) -> None:
            super().__init__(state, message, transaction_context)
            if message.depth:
                trace = getattr(_trace, "active", None)
                if trace is not None:
                    trace.nested = True
            code = message.code
            if code:
                with _jumpdests_lock:
                    known = JUMPDESTS.get(code)
                    if known is None:
                        known = (set(), set())
                        JUMPDESTS[code] = known
                self.code.valid_positions, self.code.invalid_positions = known

    CallComputation.__name__ = f"Call{base.__name__}"
    return CallComputation


_vm_classes = {}
_vm_classes_lock = threading.Lock()


def call_vm_class(vm_class):
    """`vm_class` with a state class that reads through the shared memos."""
    with _vm_classes_lock:
        configured = _vm_classes.get(vm_class)
        if configured is None:
            state_class = vm_class._state_class
            configured = vm_class.configure(
                __name__=f"Call{vm_class.__name__}",
                _state_class=state_class.configure(
                    __name__=f"Call{state_class.__name__}",
                    account_db_class=MemoAccountDB,
                    computation_class=_computation_class(state_class.computation_class),
                ),
            )
            _vm_classes[vm_class] = configured
        return configured
