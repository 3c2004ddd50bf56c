"""Ethereum JSON-RPC encodings: quantities, data, addresses."""

from eth_utils import to_checksum_address

from .rpc_errors import invalid_params


def quantity(value: int) -> str:
    return hex(value)


def data(value: bytes) -> str:
    return "0x" + bytes(value).hex()


def word(value) -> str:
    """A 32-byte value (hash, topic) from bytes or int."""
    if isinstance(value, int):
        return "0x%064x" % value
    return "0x" + bytes(value).rjust(32, b"\0").hex()


def address(value: bytes):
    return to_checksum_address(value) if value else None


def parse_quantity(value, name: str = "quantity") -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.startswith(("0x", "0X")):
        try:
            return int(value, 16)
        except ValueError:
            pass
    raise invalid_params(f"invalid {name}: {value!r}")


def parse_data(value, name: str = "data") -> bytes:
    if isinstance(value, str) and value.startswith(("0x", "0X")):
        try:
            return bytes.fromhex(value[2:] if len(value) % 2 == 0 else "0" + value[2:])
        except ValueError:
            pass
    raise invalid_params(f"invalid {name}: {value!r}")


def parse_address(value, name: str = "address") -> bytes:
    raw = parse_data(value, name)
    if len(raw) != 20:
        raise invalid_params(f"invalid {name}: {value!r}")
    return raw


def parse_hash(value, name: str = "hash") -> bytes:
    raw = parse_data(value, name)
    if len(raw) != 32:
        raise invalid_params(f"invalid {name}: {value!r}")
    return raw
