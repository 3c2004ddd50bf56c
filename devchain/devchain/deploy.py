"""Deploys the USDC stand-in and the mint token, funds the buyers, and describes it all.

Genesis funds every test account with ETH; this step signs ordinary transactions
from the deployer (they go through the same pool and block builder as any other)
and mines them, so the deployment itself exercises the node.
"""

from dataclasses import dataclass

from eth._utils.address import generate_contract_address
from eth_abi import encode
from eth_account import Account
from eth_utils import to_checksum_address

from .abi_calls import encode_call
from .compiler import compile_contract
from .fast_views import GETTERS
from .keys import AccountSet

ETHER = 10**18
USDC_UNIT = 10**6

DEPLOYER_ETH = 1_000_000 * ETHER
MINTER_ETH = 10_000 * ETHER
SIGNER_ETH = 10_000 * ETHER
BUYER_ETH = 10 * ETHER
BUYER_USDC = 1_000_000 * USDC_UNIT

DEFAULT_MINT_AMOUNT = 1_000 * ETHER
DEFAULT_MAX_MINTS = 1_000_000


@dataclass(frozen=True)
class DeploySettings:
    usdc_name: str = "USD Coin"
    usdc_symbol: str = "USDC"
    mint_name: str = "Paymentd Mint Token"
    mint_symbol: str = "PMINT"
    mint_amount: int = DEFAULT_MINT_AMOUNT
    max_supply: int = DEFAULT_MINT_AMOUNT * DEFAULT_MAX_MINTS


def genesis_balances(accounts: AccountSet) -> dict:
    balances = {accounts.deployer.canonical_address: DEPLOYER_ETH}
    balances[accounts.minter.canonical_address] = MINTER_ETH
    for signer in accounts.signers:
        balances[signer.canonical_address] = SIGNER_ETH
    for buyer in accounts.buyers:
        balances[buyer.canonical_address] = BUYER_ETH
    return balances


def deploy(node, accounts: AccountSet, settings: DeploySettings) -> dict:
    """Deploy and fund on `node`; returns the deployment JSON (without rpc_url)."""
    deployer = accounts.deployer
    nonce = node.pending_nonce(deployer.canonical_address)
    usdc_address = generate_contract_address(deployer.canonical_address, nonce)
    mint_address = generate_contract_address(deployer.canonical_address, nonce + 1)

    usdc = compile_contract("usdc")
    mint_token = compile_contract("mint_token")
    payloads = [
        (None, usdc.bytecode + encode(["string", "string"], [settings.usdc_name, settings.usdc_symbol])),
        (
            None,
            mint_token.bytecode
            + encode(
                ["string", "string", "uint256", "uint256", "address"],
                [
                    settings.mint_name,
                    settings.mint_symbol,
                    settings.mint_amount,
                    settings.max_supply,
                    accounts.minter.address,
                ],
            ),
        ),
    ]
    for buyer in accounts.buyers:
        payloads.append((usdc_address, encode_call("mint(address,uint256)", buyer.address, BUYER_USDC)))
    # Deployed last, so the addresses above stay what they always were.
    multicall_address = generate_contract_address(deployer.canonical_address, nonce + len(payloads))
    payloads.append((None, compile_contract("multicall").bytecode))

    hashes = []
    for offset, (to, data) in enumerate(payloads):
        tx = {
            "chainId": node.config.chain_id,
            "nonce": nonce + offset,
            "gas": min(3_000_000, node.config.block_gas_limit),
            "maxFeePerGas": 100 * 10**9,
            "maxPriorityFeePerGas": 10**9,
            "value": 0,
            "data": data,
            "type": 2,
        }
        if to is not None:
            tx["to"] = to_checksum_address(to)
        signed = Account.sign_transaction(tx, deployer.private_key)
        hashes.append(node.submit_raw_transaction(bytes(signed.raw_transaction)))
    while len(node.pool):
        node.mine_blocks(1)
    for tx_hash in hashes:
        located = node.ledger.locate_tx(tx_hash)
        if located is None or located[0].receipts[located[1]]["status"] != "0x1":
            raise RuntimeError(f"deployment transaction 0x{tx_hash.hex()} failed")
    state = node.state_at(node.ledger.head)
    for address, compiled in ((usdc_address, usdc), (mint_address, mint_token)):
        node.fast_views.register(address, state.get_code_hash(address), compiled, GETTERS[compiled.name])

    return {
        "chain_id": node.config.chain_id,
        "usdc": to_checksum_address(usdc_address),
        "usdc_name": settings.usdc_name,
        "usdc_version": "2",
        "usdc_decimals": 6,
        "mint_token": to_checksum_address(mint_address),
        "receiver": to_checksum_address(mint_address),
        "multicall": to_checksum_address(multicall_address),
        "mint_amount": str(settings.mint_amount),
        "max_supply": str(settings.max_supply),
        "deployer": deployer.as_json(),
        "minter": accounts.minter.as_json(),
        "signers": [s.as_json() for s in accounts.signers],
        "buyers": [b.as_json() for b in accounts.buyers],
    }
