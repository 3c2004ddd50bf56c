"""Deterministic test accounts: the same seed string always yields the same keys."""

from dataclasses import dataclass

from eth_keys import keys as eth_keys
from eth_utils import keccak, to_checksum_address

SEED = "paymentd-devchain"


@dataclass(frozen=True)
class TestAccount:
    """A funded development account. Its key is public by construction: never use it for value."""

    address: str  # EIP-55 checksummed
    private_key: str  # 0x-hex, 32 bytes

    @property
    def canonical_address(self) -> bytes:
        return bytes.fromhex(self.address[2:])

    def as_json(self) -> dict:
        return {"address": self.address, "private_key": self.private_key}


def derive_account(role: str, index: int = 0) -> TestAccount:
    """Key = keccak256("paymentd-devchain/<role>/<index>")."""
    secret = keccak(text=f"{SEED}/{role}/{index}")
    key = eth_keys.PrivateKey(secret)
    return TestAccount(
        address=to_checksum_address(key.public_key.to_canonical_address()),
        private_key="0x" + secret.hex(),
    )


@dataclass(frozen=True)
class AccountSet:
    """Every account the devchain funds at genesis, by role."""

    deployer: TestAccount
    minter: TestAccount
    signers: tuple
    buyers: tuple

    @classmethod
    def derive(cls, signers: int, buyers: int) -> "AccountSet":
        return cls(
            deployer=derive_account("deployer"),
            minter=derive_account("minter"),
            signers=tuple(derive_account("signer", i) for i in range(signers)),
            buyers=tuple(derive_account("buyer", i) for i in range(buyers)),
        )
