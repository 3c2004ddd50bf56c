"""devchain: a small EVM JSON-RPC node for paymentd's tests, demo and benchmarks.

py-evm executes the blocks; this package adds what a real node has and eth-tester
lacks: a geth-like mempool, EIP-1559 block building under a gas limit, interval
and on-demand mining, JSON-RPC over HTTP, and fault injection.
"""

import os

# The fast keccak backend (safe-pysha3) must be chosen before eth_hash is imported.
os.environ.setdefault("ETH_HASH_BACKEND", "pysha3")
