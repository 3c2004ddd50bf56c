"""The mempool refuses and keeps transactions the way geth's does."""

import pytest

from helpers import GWEI, RpcFailure, fresh_key

SINK = "0x000000000000000000000000000000000000dEaD"


def refused(chain, raw) -> RpcFailure:
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_sendRawTransaction", raw)
    assert err.value.code == -32000
    return err.value


def status(chain):
    s = chain.rpc.call("txpool_status")
    return int(s["pending"], 16), int(s["queued"], 16)


def test_nonce_gap_stays_queued_until_filled_then_both_mine(chain):
    key = chain.info["signers"][0]["private_key"]
    address = chain.info["signers"][0]["address"]
    base = chain.nonce(address)
    later = chain.send(key, nonce=base + 1, to=SINK, value=1)
    assert status(chain) == (0, 1)
    chain.mine()
    assert chain.receipt(later) is None
    assert chain.nonce(address, "pending") == base

    first = chain.send(key, nonce=base, to=SINK, value=1)
    assert status(chain) == (2, 0)
    assert chain.nonce(address, "pending") == base + 2
    chain.mine()
    assert chain.receipt(first)["blockNumber"] == chain.receipt(later)["blockNumber"]
    assert chain.nonce(address) == base + 2


def test_underpriced_replacement_refused_and_ten_percent_bump_replaces(chain):
    key = chain.info["signers"][1]["private_key"]
    nonce = chain.nonce(chain.info["signers"][1]["address"])
    max_fee = 10 * GWEI
    original = chain.send(key, nonce=nonce, to=SINK, value=1, tip=GWEI, max_fee=max_fee)

    raw, _ = chain.sign_tx(key, nonce=nonce, to=SINK, value=2, tip=GWEI * 109 // 100, max_fee=max_fee * 109 // 100)
    assert refused(chain, raw).message == "replacement transaction underpriced"
    raw, _ = chain.sign_tx(key, nonce=nonce, to=SINK, value=2, tip=2 * GWEI, max_fee=max_fee)  # fee cap not bumped
    assert refused(chain, raw).message == "replacement transaction underpriced"

    replacement = chain.send(key, nonce=nonce, to=SINK, value=3, tip=GWEI * 110 // 100, max_fee=max_fee * 110 // 100)
    assert chain.rpc.call("eth_getTransactionByHash", original) is None
    chain.mine(2)
    assert chain.receipt(original) is None
    assert chain.receipt(replacement)["status"] == "0x1"


def test_same_transaction_twice_is_already_known(chain):
    raw, _ = chain.sign_tx(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    chain.rpc.call("eth_sendRawTransaction", raw)
    assert refused(chain, raw).message == "already known"


def test_used_nonce_is_nonce_too_low(chain):
    key = chain.info["signers"][0]["private_key"]
    chain.send(key, to=SINK, value=1)
    chain.mine()
    raw, _ = chain.sign_tx(key, nonce=chain.nonce(chain.info["signers"][0]["address"]) - 1, to=SINK, value=1)
    assert refused(chain, raw).message == "nonce too low"


def test_unfunded_sender_gets_insufficient_funds(chain):
    raw, _ = chain.sign_tx(fresh_key(), nonce=0, to=SINK, value=1)
    assert refused(chain, raw).message == "insufficient funds for gas * price + value"


def test_wrong_chain_id_and_low_gas_are_refused(chain):
    key = chain.info["signers"][0]["private_key"]
    raw, _ = chain.sign_tx(key, to=SINK, value=1, chain_id=1)
    assert refused(chain, raw).message == "invalid sender: invalid chain id for signer"
    raw, _ = chain.sign_tx(key, to=SINK, value=1, gas=20_000)
    assert refused(chain, raw).message.startswith("intrinsic gas too low")
    raw, _ = chain.sign_tx(key, to=SINK, value=1, gas=40_000_000)
    assert refused(chain, raw).message == "exceeds block gas limit"
    with pytest.raises(RpcFailure):
        chain.rpc.call("eth_sendRawTransaction", "0x02deadbeef")


def test_bad_and_malleable_signatures_are_refused(chain):
    import rlp
    raw, _ = chain.sign_tx(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    fields = rlp.decode(bytes.fromhex(raw[4:]))
    n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
    high_s = fields[:-1] + [(n - int.from_bytes(fields[-1], "big")).to_bytes(32, "big")]
    zeroed = fields[:-2] + [b"", b""]
    for bad in (high_s, zeroed):
        message = refused(chain, "0x02" + rlp.encode(bad).hex()).message
        assert message == "invalid sender: invalid transaction v, r, s values"


def test_fee_cap_below_base_fee_stays_pending_until_base_fee_falls(chain):
    key = chain.info["signers"][2]["private_key"]
    base_fee = chain.base_fee()
    cheap = chain.send(key, to=SINK, value=1, tip=1, max_fee=base_fee // 2)
    assert chain.rpc.call("eth_getTransactionByHash", cheap)["blockHash"] is None
    chain.mine()
    assert chain.receipt(cheap) is None
    assert status(chain) == (1, 0)
    # Empty blocks lower the base fee by 12.5% each; a few bring it under the cap.
    chain.mine(8)
    receipt = chain.receipt(cheap)
    assert receipt is not None and receipt["status"] == "0x1"


def test_pending_transaction_is_visible_by_hash_before_mining(chain):
    tx_hash = chain.send(chain.info["signers"][0]["private_key"], to=SINK, value=7)
    tx = chain.rpc.call("eth_getTransactionByHash", tx_hash)
    assert tx["hash"] == tx_hash and tx["blockNumber"] is None and tx["value"] == "0x7"
    chain.mine()
    tx = chain.rpc.call("eth_getTransactionByHash", tx_hash)
    assert tx["blockNumber"] is not None and tx["transactionIndex"] == "0x0"


def test_txpool_content_groups_by_sender_and_nonce(chain):
    signer = chain.info["signers"][3]
    base = chain.nonce(signer["address"])
    chain.send(signer["private_key"], nonce=base, to=SINK, value=1)
    chain.send(signer["private_key"], nonce=base + 2, to=SINK, value=1)
    content = chain.rpc.call("txpool_content")
    assert list(content["pending"][signer["address"]]) == [str(base)]
    assert list(content["queued"][signer["address"]]) == [str(base + 2)]


def test_legacy_and_access_list_transactions_mine_too(chain):
    from eth_account import Account
    signer = chain.info["signers"][0]
    nonce = chain.nonce(signer["address"], "pending")
    gas_price = 2 * chain.base_fee()
    hashes = []
    for offset, extra in enumerate([{}, {"type": 1, "accessList": []}]):
        tx = {"chainId": chain.chain_id, "nonce": nonce + offset, "to": SINK, "value": 1, "gas": 21_000,
              "gasPrice": gas_price, **extra}
        signed = Account.sign_transaction(tx, signer["private_key"])
        hashes.append(chain.rpc.call("eth_sendRawTransaction", "0x" + bytes(signed.raw_transaction).hex()))
    pending = [chain.rpc.call("eth_getTransactionByHash", h) for h in hashes]
    assert [t["type"] for t in pending] == ["0x0", "0x1"]
    chain.mine()
    mined = [chain.rpc.call("eth_getTransactionByHash", h) for h in hashes]
    assert all(t["blockNumber"] is not None for t in mined)
    assert [chain.receipt(h)["type"] for h in hashes] == ["0x0", "0x1"]
    assert int(chain.receipt(hashes[0])["effectiveGasPrice"], 16) == gas_price
