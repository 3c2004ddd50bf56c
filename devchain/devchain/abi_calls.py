"""Just enough ABI encoding to deploy and call the bundled contracts."""

from eth_abi import encode
from eth_utils import keccak


def selector(signature: str) -> bytes:
    """`selector("mint(address,bytes32)")` -> the 4-byte function (or error) id."""
    return keccak(text=signature)[:4]


def encode_call(signature: str, *args) -> bytes:
    """Calldata for `signature` (e.g. "transfer(address,uint256)") applied to `args`."""
    types = signature[signature.index("(") + 1 : -1]
    type_list = _split_types(types)
    return selector(signature) + encode(type_list, list(args))


def _split_types(types: str) -> list:
    out, depth, current = [], 0, ""
    for ch in types:
        if ch == "," and depth == 0:
            out.append(current)
            current = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        current += ch
    if current:
        out.append(current)
    return out
