"""Storage getters of the bundled contracts answered from state, exactly as executing them would.

paymentd asks `authorizationState` once per payment and `hasMinted` once per minted
payment; each is a whole py-evm transaction (~1-2 ms) that ends in one SLOAD. For the
getters listed in GETTERS, on the devchain's own contracts, `answer` reads that slot
directly. It answers only when executing the call could not do anything else:

- `to` holds, in the state the call runs on, exactly the code this node deployed there
  (same code hash); the getters are plain Vyper 0.4 storage reads (no nonreentrancy
  lock, no external call, no dependence on the caller or the block);
- the calldata is the selector and exactly the arguments, each address argument with
  its 12 high bytes zero (Vyper would revert on a dirty address);
- no value is sent (the getters are not payable), and the gas limit is far above what
  the getter can use (at least 100,000; a cold one costs ~24,000) and a valid uint256.

Anything else is left to execution (`None`). tests/test_fast_views.py compares every
answer with real execution over many random and hostile inputs.
"""

import threading

from eth_utils import keccak

from .call_state import MemoAccountDB

MIN_GAS = 100_000
UINT256_LIMIT = 2**256

# contract name -> [(function signature, storage variable)]: public getters and views
# whose body is `return self.<variable>[key]...`.
GETTERS = {
    "usdc": [
        ("authorizationState(address,bytes32)", "_authorization_states"),
        ("balanceOf(address)", "balanceOf"),
    ],
    "mint_token": [
        ("hasMinted(bytes32)", "hasMinted"),
        ("balanceOf(address)", "balanceOf"),
        ("isMinter(address)", "isMinter"),
    ],
}


class _Getter:
    def __init__(self, signature: str, base_slot: int) -> None:
        types = signature[signature.index("(") + 1 : -1].split(",")
        self.signature = signature
        self.address_args = tuple(i for i, t in enumerate(types) if t == "address")
        self.arity = len(types)
        self.base_slot = base_slot.to_bytes(32, "big")

    def slot(self, args: bytes) -> int:
        """Vyper's HashMap slot: keccak256(slot ++ key), once per key."""
        slot = self.base_slot
        for i in range(self.arity):
            slot = keccak(slot + args[32 * i : 32 * i + 32])
        return int.from_bytes(slot, "big")


class FastViews:
    def __init__(self, chaindb_db) -> None:
        self._db = chaindb_db
        self._contracts = {}  # address -> (code hash, {selector: _Getter})
        self._readers = {}  # state root -> read-only MemoAccountDB (a few recent ones)
        self._lock = threading.Lock()
        self.enabled = True

    def register(self, address: bytes, code_hash: bytes, compiled, getters) -> None:
        table = {}
        for signature, variable in getters:
            table[keccak(text=signature)[:4]] = _Getter(signature, compiled.storage_layout[variable]["slot"])
        self._contracts[address] = (code_hash, table)

    def answer(self, state_root: bytes, request):
        """The call's output if it is one of the getters (see the module doc), else None."""
        if not self.enabled or request.value != 0 or not MIN_GAS <= request.gas < UINT256_LIMIT:
            return None
        known = self._contracts.get(request.to)
        if known is None:
            return None
        code_hash, table = known
        data = request.data
        getter = table.get(data[:4])
        if getter is None or len(data) != 4 + 32 * getter.arity:
            return None
        args = data[4:]
        for i in getter.address_args:
            if any(args[32 * i : 32 * i + 12]):
                return None
        slot = getter.slot(args)
        with self._lock:  # py-evm's read caches are not made for concurrent use
            reader = self._reader(state_root)
            if reader.get_code_hash(request.to) != code_hash:
                return None
            return reader.get_storage(request.to, slot).to_bytes(32, "big")

    def _reader(self, state_root: bytes):
        reader = self._readers.get(state_root)
        if reader is None:
            if len(self._readers) >= 4:
                self._readers.pop(next(iter(self._readers)))
            reader = MemoAccountDB(self._db, state_root)
            self._readers[state_root] = reader
        return reader
