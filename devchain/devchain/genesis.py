"""The py-evm chain class (Cancun rules throughout) and its genesis block."""

import time

from eth import constants
from eth.chains.base import Chain
from eth.db.atomic import AtomicDB
from eth.vm.forks import CancunVM

GENESIS_BASE_FEE = 1_000_000_000  # 1 gwei, as on mainnet at London


def create_chain(chain_id: int, block_gas_limit: int, balances: dict, timestamp: int = None):
    """An in-memory chain whose genesis state holds `balances` ({address bytes: wei})."""
    chain_class = Chain.configure(
        __name__="DevChain", vm_configuration=((0, CancunVM),), chain_id=chain_id
    )
    genesis_params = {
        "difficulty": 0,
        "gas_limit": block_gas_limit,
        "timestamp": int(time.time()) if timestamp is None else timestamp,
        "coinbase": constants.ZERO_ADDRESS,
        "nonce": b"\0" * 8,
        "extra_data": b"devchain genesis",
        "base_fee_per_gas": GENESIS_BASE_FEE,
    }
    state = {
        address: {"balance": wei, "nonce": 0, "code": b"", "storage": {}}
        for address, wei in balances.items()
    }
    return chain_class.from_genesis(AtomicDB(), genesis_params, state)
