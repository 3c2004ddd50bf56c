"""What the facilitator scripts share: their command line, and the official SDK's buyer for it.

`buyer_from_arguments()` returns the parsed arguments, the buyer's account, the CAIP-2 network,
and an x402 client allowed to pay the devchain's token (a non-default asset for the SDK);
`buyer()` the last three for a key file, chain id and asset given otherwise.
"""
import argparse

from eth_account import Account
from x402 import x402ClientSync
from x402.mechanisms.evm.exact.client import ExactEvmScheme
from x402.mechanisms.evm.signers import EthAccountSigner


def dump(model):
    return model.model_dump(by_alias=True, exclude_none=True) if model is not None else None


def buyer_from_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilitator-url", required=True)
    parser.add_argument("--key-file", required=True)
    parser.add_argument("--chain-id", type=int, required=True)
    parser.add_argument("--asset", required=True)
    parser.add_argument("--pay-to", required=True)
    parser.add_argument("--amount", required=True)
    parser.add_argument("--eip712-name", required=True)
    parser.add_argument("--eip712-version", required=True)
    args = parser.parse_args()
    return (args, *buyer(args.key_file, args.chain_id, args.asset))


def buyer(key_file, chain_id, asset):
    """The account in `key_file`, the CAIP-2 network of `chain_id`, and an SDK client paying `asset` there."""
    with open(key_file, encoding="utf-8") as handle:
        account = Account.from_key(handle.read().strip())
    network = f"eip155:{chain_id}"
    client = x402ClientSync()
    client.register(network, ExactEvmScheme(EthAccountSigner(account)))
    client.set_spend_controls({"allowed_assets": [{"network": network, "asset": asset}]})
    return account, network, client
