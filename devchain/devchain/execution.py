"""eth_call and eth_estimateGas: free execution on top of a block, nothing persisted.

Calls run in the context of the block that would follow `parent` (its timestamp
from the node's clock), with the base fee set to zero as geth does for calls.
"""

import threading
from dataclasses import dataclass

from eth.chains.base import ChainContext
from eth.exceptions import Revert
from eth.vm.spoof import SpoofTransaction
from eth_abi import decode as abi_decode
from eth_utils import ValidationError

from .call_state import SSTORE_SENTRY, call_vm_class, gas_trace
from .rpc_errors import SERVER_ERROR, RpcError, reverted

ERROR_STRING_SELECTOR = bytes.fromhex("08c379a0")


@dataclass(frozen=True)
class CallRequest:
    sender: bytes
    to: bytes  # b"" for contract creation
    value: int
    data: bytes
    gas: int


def call(chain, parent, timestamp: int, request: CallRequest) -> bytes:
    """Return the output, or raise RpcError (code 3 with revert data on revert)."""
    computation, _ = _execute(chain, parent, timestamp, request, request.gas)
    _raise_if_failed(computation, request.gas)
    return computation.output


def estimate_gas(chain, parent, timestamp: int, request: CallRequest) -> int:
    """The smallest gas limit with which the call succeeds (exact, not a 21,000 band).

    The first run, at the cap, is traced (see `call_state.gas_trace`). With a limit G below
    the cap, the top-level frame has cap - G less gas at every step; while nothing reads the
    gas (no GAS opcode, no nested call or create), it takes the same path, so it succeeds
    exactly when G covers the gas consumed and leaves more than 2,300 at every top-level
    SSTORE (EIP-2200): that minimum is the answer, with no further run. Otherwise the same
    bound is the first guess, proven by execution (it succeeds, one gas less does not);
    when that proof fails, a binary search decides, as before.
    """
    cap = request.gas
    with gas_trace() as trace:
        computation, consumed = _execute(chain, parent, timestamp, request, cap)
    _raise_if_failed(computation, cap)
    guess = consumed
    for left in trace.gas_left_at_sstores:
        guess = max(guess, cap - left + SSTORE_SENTRY + 1)
    if guess <= cap and not trace.nested and not trace.reads_gas:
        return guess
    guess = min(guess, cap)
    low = consumed - 1  # less than the run consumed cannot take the same path to success
    if _succeeds(chain, parent, timestamp, request, guess):
        if guess == consumed or not _succeeds(chain, parent, timestamp, request, guess - 1):
            return guess
        high = guess - 1  # the path changed below the guess: search under it
    else:
        low, high = guess, cap
        optimistic = min(cap, max(consumed * 64 // 63 + 2_300, guess + 1))
        if _succeeds(chain, parent, timestamp, request, optimistic):
            high = optimistic
        else:
            low = optimistic
    while high - low > 1:
        middle = (low + high) // 2
        if _succeeds(chain, parent, timestamp, request, middle):
            high = middle
        else:
            low = middle
    return high


def _succeeds(chain, parent, timestamp, request, gas) -> bool:
    computation, _ = _execute(chain, parent, timestamp, request, gas)
    return computation is not None and not computation.is_error


class _CallContext:
    """What every call on top of one parent at one timestamp shares: the header and VM class."""

    def __init__(self, chain, parent, timestamp: int) -> None:
        self.header = chain.create_header_from_parent(
            parent, timestamp=timestamp, gas_limit=parent.gas_limit, coinbase=parent.coinbase
        ).copy(base_fee_per_gas=0)
        self.vm_class = call_vm_class(chain.get_vm_class_for_block_number(self.header.block_number))
        self.chaindb = chain.chaindb
        self.chain_context = ChainContext(chain.chain_id)
        self.consensus_context = chain.consensus_context

    def new_vm(self):
        """A VM with a fresh state of its own (nothing carries over from another call)."""
        return self.vm_class(
            header=self.header, chaindb=self.chaindb,
            chain_context=self.chain_context, consensus_context=self.consensus_context,
        )


_contexts_lock = threading.Lock()
_MAX_CONTEXTS = 8  # per chain: the head and a few recent (parent, timestamp) pairs


def _context(chain, parent, timestamp: int) -> _CallContext:
    key = (parent.hash, timestamp)
    with _contexts_lock:
        contexts = chain.__dict__.setdefault("_devchain_call_contexts", {})
        context = contexts.get(key)
    if context is None:
        context = _CallContext(chain, parent, timestamp)
        with _contexts_lock:
            if len(contexts) >= _MAX_CONTEXTS:
                contexts.pop(next(iter(contexts)))
            contexts[key] = context
    return context


def _execute(chain, parent, timestamp, request: CallRequest, gas: int):
    vm = _context(chain, parent, timestamp).new_vm()
    state = vm.state
    unsigned = vm.create_unsigned_transaction(
        nonce=state.get_nonce(request.sender),
        gas_price=0,
        gas=gas,
        to=request.to,
        value=request.value,
        data=request.data,
    )
    tx = SpoofTransaction(unsigned, from_=request.sender)
    try:
        computation = state.apply_transaction(tx)
    except ValidationError as exc:
        raise RpcError(SERVER_ERROR, _validation_message(exc)) from None
    consumed = gas - computation.get_gas_remaining()
    return computation, consumed


def _raise_if_failed(computation, gas: int) -> None:
    if not computation.is_error:
        return
    if isinstance(computation.error, Revert):
        output = computation.output
        raise reverted(output, _revert_reason(output))
    message = str(computation.error) or type(computation.error).__name__
    if "OutOfGas" in type(computation.error).__name__:
        message = f"gas required exceeds allowance ({gas})"
    raise RpcError(SERVER_ERROR, message)


def _revert_reason(output: bytes) -> str:
    if output[:4] != ERROR_STRING_SELECTOR:
        return ""
    try:
        return abi_decode(["string"], output[4:])[0]
    except Exception:
        return ""


def _validation_message(exc: Exception) -> str:
    text = str(exc)
    if "insufficient" in text.lower() or "balance" in text.lower():
        return "insufficient funds for gas * price + value"
    return text
