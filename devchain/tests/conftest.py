"""Fixtures: an in-process devchain (on-demand mining) and a JSON-RPC client for it."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import devchain  # noqa: E402,F401  (sets the keccak backend before eth_* imports)
from devchain.service import Devchain, ServeOptions  # noqa: E402

from helpers import Chain  # noqa: E402


def _start(**overrides) -> Devchain:
    options = ServeOptions(port=0, block_ms=0, signers=4, buyers=8, **overrides)
    return Devchain(options).start()


@pytest.fixture
def chain():
    """A fresh node with contracts deployed; blocks are mined only on request."""
    node = _start()
    yield Chain(node.info, node)
    node.stop()


@pytest.fixture
def small_chain():
    """A node with a 2,000,000-gas block limit, so ~95 transfers fill a block."""
    node = _start(block_gas_limit=2_000_000)
    yield Chain(node.info, node)
    node.stop()
