"""Compiles the bundled Vyper contracts for the Cancun EVM, with a small on-disk cache.

Compiling both contracts takes ~0.5 s, half of a node's start-up. Results are cached
in devchain/.cache/ (or $DEVCHAIN_CACHE_DIR) under a key made of the source, the
vyper version and the EVM version, so an edited contract or a new compiler always
recompiles. An unwritable cache directory only costs the time.
"""

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

CONTRACTS_DIR = Path(__file__).parent / "contracts"
EVM_VERSION = "cancun"  # the fork the devchain runs; vyper 0.4.3 defaults to prague
CACHE_FORMAT = "2"  # bump when the cached outputs change


@dataclass(frozen=True)
class CompiledContract:
    name: str
    abi: list
    bytecode: bytes  # init code
    storage_layout: dict  # vyper's: {variable: {"type", "slot", "n_slots"}}


def _cache_dir() -> Path:
    return Path(os.environ.get("DEVCHAIN_CACHE_DIR") or Path(__file__).resolve().parent.parent / ".cache")


@functools.lru_cache(maxsize=None)
def compile_contract(name: str) -> CompiledContract:
    """Compile contracts/<name>.vy; raises vyper's own exceptions on bad source."""
    source = (CONTRACTS_DIR / f"{name}.vy").read_text()
    key = hashlib.sha256(f"{source}\0{version('vyper')}\0{EVM_VERSION}\0{CACHE_FORMAT}".encode()).hexdigest()[:24]
    cached = _cache_dir() / f"{name}-{key}.json"
    try:
        out = json.loads(cached.read_text())
    except (OSError, ValueError):
        out = _compile(source)
        _store(cached, out)
    return CompiledContract(
        name=name, abi=out["abi"], bytecode=bytes.fromhex(out["bytecode"][2:]),
        storage_layout=out["layout"].get("storage_layout", {}),
    )


def _compile(source: str) -> dict:
    import vyper
    from vyper.compiler.settings import Settings

    out = vyper.compile_code(source, output_formats=["abi", "bytecode", "layout"], settings=Settings(evm_version=EVM_VERSION))
    return {"abi": out["abi"], "bytecode": out["bytecode"], "layout": out["layout"]}


def _store(path: Path, out: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps(out))
        os.replace(temporary, path)
    except OSError:
        pass
