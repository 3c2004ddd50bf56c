"""The README documents every JSON-RPC method the node serves."""

from pathlib import Path

from devchain.faults import FaultPlan
from devchain.rpc import Dispatcher


class _Stub:
    """Dispatcher only reads method tables at construction; no node is needed."""


def test_readme_names_every_rpc_method():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    methods = Dispatcher(_Stub(), _Stub(), FaultPlan()).methods
    missing = sorted(name for name in methods if f"`{name}" not in readme and f"{name}`" not in readme and f"/{name}" not in readme)
    assert missing == []
