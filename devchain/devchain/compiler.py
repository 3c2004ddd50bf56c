"""Compiles the bundled Vyper contracts (once per process) for the Cancun EVM."""

import functools
from dataclasses import dataclass
from pathlib import Path

CONTRACTS_DIR = Path(__file__).parent / "contracts"
EVM_VERSION = "cancun"  # the fork the devchain runs; vyper 0.4.3 defaults to prague


@dataclass(frozen=True)
class CompiledContract:
    name: str
    abi: list
    bytecode: bytes  # init code


@functools.lru_cache(maxsize=None)
def compile_contract(name: str) -> CompiledContract:
    """Compile contracts/<name>.vy; raises vyper's own exceptions on bad source."""
    import vyper
    from vyper.compiler.settings import Settings

    source = (CONTRACTS_DIR / f"{name}.vy").read_text()
    out = vyper.compile_code(
        source, output_formats=["abi", "bytecode"], settings=Settings(evm_version=EVM_VERSION)
    )
    return CompiledContract(name=name, abi=out["abi"], bytecode=bytes.fromhex(out["bytecode"][2:]))
