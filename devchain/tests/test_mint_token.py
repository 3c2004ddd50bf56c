"""The mint token behaves like the replaced system's: minter role, once-per-hash, whole-batch revert."""

import os

import pytest
from eth_abi import decode

from helpers import RpcFailure, calldata, topic, word

ALREADY_MINTED = "0x" + __import__("eth_utils").keccak(text="AlreadyMinted(bytes32)")[:4].hex()
TOKENS_MINTED = topic("TokensMinted(address,uint256,bytes32)")


def mint_amount(chain) -> int:
    return chain.call(chain.mint_token, "mintAmount()", returns=["uint256"])[0]


def has_minted(chain, tx_hash: bytes) -> bool:
    return chain.call(chain.mint_token, "hasMinted(bytes32)", [tx_hash], returns=["bool"])[0]


def mint(chain, key, to, tx_hash):
    return chain.send(key, to=chain.mint_token, data=calldata("mint(address,bytes32)", to, tx_hash))


def batch_mint(chain, key, recipients, hashes):
    return chain.send(
        key, to=chain.mint_token, data=calldata("batchMint(address[],bytes32[])", recipients, hashes), gas=2_000_000
    )


def test_mint_amount_matches_the_deployment_json(chain):
    assert mint_amount(chain) == int(chain.info["mint_amount"])


def test_minter_mints_once_per_hash_with_tokens_minted_event(chain):
    minter = chain.info["minter"]
    buyer = chain.info["buyers"][0]["address"]
    payment = os.urandom(32)
    before = chain.call(chain.mint_token, "remainingSupply()", returns=["uint256"])[0]
    assert has_minted(chain, payment) is False
    tx_hash = mint(chain, minter["private_key"], buyer, payment)
    chain.mine()
    receipt = chain.receipt(tx_hash)
    assert receipt["status"] == "0x1"
    event = [log for log in receipt["logs"] if log["topics"][0] == TOKENS_MINTED][0]
    assert event["topics"] == [TOKENS_MINTED, word(buyer), word(payment)]
    assert int(event["data"], 16) == mint_amount(chain)
    assert has_minted(chain, payment) is True
    assert chain.token_balance(chain.mint_token, buyer) == mint_amount(chain)
    after = chain.call(chain.mint_token, "remainingSupply()", returns=["uint256"])[0]
    assert before - after == mint_amount(chain)

    again = mint(chain, minter["private_key"], buyer, payment)
    chain.mine()
    assert chain.receipt(again)["status"] == "0x0"


def test_only_the_minter_can_mint(chain):
    outsider = chain.info["signers"][0]
    payment = os.urandom(32)
    tx_hash = mint(chain, outsider["private_key"], outsider["address"], payment)
    chain.mine()
    assert chain.receipt(tx_hash)["status"] == "0x0"
    assert has_minted(chain, payment) is False
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_call", {"from": outsider["address"], "to": chain.mint_token,
                                    "data": "0x" + calldata("mint(address,bytes32)", outsider["address"], payment).hex()})
    assert "not a minter" in err.value.message


def test_batch_mint_reverts_whole_batch_with_already_minted_if_any_hash_was_minted(chain):
    minter = chain.info["minter"]
    buyers = [b["address"] for b in chain.info["buyers"][:3]]
    hashes = [os.urandom(32) for _ in buyers]
    mint(chain, minter["private_key"], buyers[1], hashes[1])
    chain.mine()

    tx_hash = batch_mint(chain, minter["private_key"], buyers, hashes)
    chain.mine()
    assert chain.receipt(tx_hash)["status"] == "0x0"
    assert [has_minted(chain, h) for h in hashes] == [False, True, False]

    data = "0x" + calldata("batchMint(address[],bytes32[])", buyers, hashes).hex()
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_call", {"from": minter["address"], "to": chain.mint_token, "data": data})
    assert err.value.code == 3
    assert err.value.data[:10] == ALREADY_MINTED
    assert decode(["bytes32"], bytes.fromhex(err.value.data[10:]))[0] == hashes[1]


def test_batch_mint_of_fresh_hashes_mints_each(chain):
    minter = chain.info["minter"]
    buyers = [b["address"] for b in chain.info["buyers"][:4]]
    hashes = [os.urandom(32) for _ in buyers]
    tx_hash = batch_mint(chain, minter["private_key"], buyers, hashes)
    chain.mine()
    receipt = chain.receipt(tx_hash)
    assert receipt["status"] == "0x1"
    assert sum(1 for log in receipt["logs"] if log["topics"][0] == TOKENS_MINTED) == 4
    assert all(has_minted(chain, h) for h in hashes)
    assert all(chain.token_balance(chain.mint_token, b) == mint_amount(chain) for b in buyers)


def test_batch_with_a_duplicate_hash_reverts_already_minted(chain):
    minter = chain.info["minter"]
    buyer = chain.info["buyers"][0]["address"]
    payment = os.urandom(32)
    data = "0x" + calldata("batchMint(address[],bytes32[])", [buyer, buyer], [payment, payment]).hex()
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_call", {"from": minter["address"], "to": chain.mint_token, "data": data})
    assert err.value.data[:10] == ALREADY_MINTED
