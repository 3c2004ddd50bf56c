"""Relayed EIP-3009 authorizations: they settle once, replays revert, expiry is enforced."""

from helpers import RpcFailure, topic, word, twa_calldata
import pytest

USDC = 10**6
TRANSFER = topic("Transfer(address,address,uint256)")
AUTHORIZATION_USED = topic("AuthorizationUsed(address,bytes32)")


def test_usdc_reports_the_usdc_eip712_domain(chain):
    from eth_abi import decode
    name = decode(["string"], bytes.fromhex(chain.call(chain.usdc, "name()")[2:]))[0]
    version = decode(["string"], bytes.fromhex(chain.call(chain.usdc, "version()")[2:]))[0]
    decimals = chain.call(chain.usdc, "decimals()", returns=["uint8"])[0]
    assert (name, version, decimals) == ("USD Coin", "2", 6)
    assert (chain.info["usdc_name"], chain.info["usdc_version"]) == ("USD Coin", "2")


def test_buyers_start_with_a_million_usdc_and_some_eth(chain):
    for buyer in chain.info["buyers"]:
        assert chain.token_balance(chain.usdc, buyer["address"]) == 1_000_000 * USDC
        assert chain.balance(buyer["address"]) > 0


def test_relayed_authorization_settles_with_transfer_and_authorization_used_logs(chain):
    buyer, signer = chain.info["buyers"][0], chain.info["signers"][0]
    payee = chain.info["receiver"]
    auth = chain.authorization(buyer["private_key"], payee, 5 * USDC)
    tx_hash = chain.relay(signer["private_key"], auth)
    chain.mine()

    receipt = chain.receipt(tx_hash)
    assert receipt["status"] == "0x1"
    assert receipt["from"] == signer["address"]
    topics = [log["topics"] for log in receipt["logs"]]
    assert [AUTHORIZATION_USED, word(buyer["address"]), word(auth["nonce"])] in topics
    assert [TRANSFER, word(buyer["address"]), word(payee)] in topics
    assert chain.token_balance(chain.usdc, payee) == 5 * USDC
    assert chain.token_balance(chain.usdc, buyer["address"]) == 999_995 * USDC


def test_authorization_state_flips_when_used(chain):
    buyer, signer = chain.info["buyers"][1], chain.info["signers"][0]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC)
    state = lambda: chain.call(chain.usdc, "authorizationState(address,bytes32)", [buyer["address"], auth["nonce"]], returns=["bool"])[0]
    assert state() is False
    chain.relay(signer["private_key"], auth)
    chain.mine()
    assert state() is True


def test_replayed_authorization_reverts_and_eth_call_returns_the_revert_data(chain):
    buyer = chain.info["buyers"][2]
    first, second = chain.info["signers"][0], chain.info["signers"][1]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC)
    ok = chain.relay(first["private_key"], auth)
    chain.mine()
    replay = chain.relay(second["private_key"], auth)
    chain.mine()
    assert chain.receipt(ok)["status"] == "0x1"
    receipt = chain.receipt(replay)
    assert receipt["status"] == "0x0" and receipt["logs"] == []
    assert chain.token_balance(chain.usdc, chain.info["receiver"]) == USDC

    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_call", {"from": second["address"], "to": chain.usdc, "data": "0x" + twa_calldata(auth).hex()}, "latest")
    assert err.value.code == 3
    assert err.value.message.startswith("execution reverted")
    assert "authorization is used or canceled" in err.value.message
    assert err.value.data.startswith("0x08c379a0")  # Error(string)


def test_relayed_authorizations_in_one_block_each_settle(chain):
    signer = chain.info["signers"][0]
    hashes = []
    for buyer in chain.info["buyers"]:
        auth = chain.authorization(buyer["private_key"], chain.info["receiver"], 2 * USDC)
        hashes.append(chain.relay(signer["private_key"], auth))
    chain.mine()
    receipts = [chain.receipt(h) for h in hashes]
    assert {r["status"] for r in receipts} == {"0x1"}
    assert len({r["blockNumber"] for r in receipts}) == 1
    assert chain.token_balance(chain.usdc, chain.info["receiver"]) == 2 * USDC * len(hashes)


def test_expired_authorization_reverts_after_time_travel(chain):
    import time
    buyer, signer = chain.info["buyers"][3], chain.info["signers"][0]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC, valid_before=int(time.time()) + 60)
    chain.rpc.call("evm_increaseTime", hex(120))
    tx_hash = chain.relay(signer["private_key"], auth)
    chain.mine()
    assert chain.receipt(tx_hash)["status"] == "0x0"
    block = chain.block()
    assert int(block["timestamp"], 16) >= int(time.time()) + 119


def test_authorization_signed_for_another_domain_name_is_refused(chain):
    buyer = chain.info["buyers"][4]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC, name="USDC")
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_call", {"to": chain.usdc, "data": "0x" + twa_calldata(auth).hex()}, "latest")
    assert "invalid signature" in err.value.message


def test_estimate_gas_is_enough_and_tight(chain):
    buyer, signer = chain.info["buyers"][5], chain.info["signers"][0]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC)
    data = "0x" + twa_calldata(auth).hex()
    estimate = int(chain.rpc.call("eth_estimateGas", {"from": signer["address"], "to": chain.usdc, "data": data}), 16)
    tx_hash = chain.relay(signer["private_key"], auth, gas=estimate)
    chain.mine()
    receipt = chain.receipt(tx_hash)
    assert receipt["status"] == "0x1"
    assert estimate - int(receipt["gasUsed"], 16) < 10_000  # refunds aside, no 21,000 slack
