"""The multicall contract and the log order paymentd's settlement proof relies on.

paymentd counts a settlement as one *pair* of logs: the authorization's `AuthorizationUsed`
immediately followed by the token's `Transfer(from, to, value)`, as FiatToken v2 emits them
(`_markAuthorizationAsUsed` then `_transfer`). These tests pin that order on the devchain's
token, alone and inside a multicall that settles several authorizations in one transaction.
"""

from eth_abi import encode
from eth_utils import keccak
from helpers import topic, twa_calldata, word

USDC = 10**6
TRANSFER_TOPIC = topic("Transfer(address,address,uint256)")
AUTHORIZATION_USED_TOPIC = topic("AuthorizationUsed(address,bytes32)")


def aggregate_calldata(calls) -> bytes:
    return keccak(text="aggregate((address,bytes)[])")[:4] + encode(["(address,bytes)[]"], [list(calls)])


def log_pairs(receipt):
    """(AuthorizationUsed topics, the log right after it) for each AuthorizationUsed log."""
    logs = receipt["logs"]
    pairs = []
    for i, log in enumerate(logs):
        if log["topics"][0] == AUTHORIZATION_USED_TOPIC:
            pairs.append((log, logs[i + 1] if i + 1 < len(logs) else None))
    return pairs


def test_transfer_with_authorization_emits_authorization_used_then_transfer(chain):
    buyer, signer = chain.info["buyers"][0], chain.info["signers"][0]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], 3 * USDC)
    tx_hash = chain.relay(signer["private_key"], auth)
    chain.mine()
    receipt = chain.receipt(tx_hash)
    assert [log["topics"][0] for log in receipt["logs"]] == [AUTHORIZATION_USED_TOPIC, TRANSFER_TOPIC]
    used, transfer = receipt["logs"]
    assert int(transfer["logIndex"], 16) == int(used["logIndex"], 16) + 1
    assert transfer["topics"][1:] == [word(buyer["address"]), word(chain.info["receiver"])]
    assert int(transfer["data"], 16) == 3 * USDC


def test_multicall_settles_several_authorizations_each_as_an_adjacent_pair(chain):
    multicall = chain.info["multicall"]
    payee = chain.info["receiver"]
    buyers = chain.info["buyers"][:3]
    auths = [chain.authorization(b["private_key"], payee, (i + 1) * USDC) for i, b in enumerate(buyers)]
    data = aggregate_calldata([(chain.usdc, twa_calldata(a)) for a in auths])
    tx_hash = chain.send(chain.info["signers"][1]["private_key"], to=multicall, data=data, gas=1_000_000)
    chain.mine()
    receipt = chain.receipt(tx_hash)
    assert receipt["status"] == "0x1"
    pairs = log_pairs(receipt)
    assert len(pairs) == 3
    for (used, transfer), auth in zip(pairs, auths):
        assert used["topics"][1:] == [word(auth["from"]), word(auth["nonce"])]
        assert transfer["topics"] == [TRANSFER_TOPIC, word(auth["from"]), word(payee)]
        assert int(transfer["data"], 16) == auth["value"]
        assert int(transfer["logIndex"], 16) == int(used["logIndex"], 16) + 1


def test_multicall_reverts_whole_when_one_call_reverts(chain):
    multicall = chain.info["multicall"]
    buyer = chain.info["buyers"][4]
    good = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC)
    expired = chain.authorization(buyer["private_key"], chain.info["receiver"], USDC, valid_before=1)
    data = aggregate_calldata([(chain.usdc, twa_calldata(good)), (chain.usdc, twa_calldata(expired))])
    tx_hash = chain.send(chain.info["signers"][1]["private_key"], to=multicall, data=data, gas=1_000_000)
    chain.mine()
    assert chain.receipt(tx_hash)["status"] == "0x0"
    state = chain.call(chain.usdc, "authorizationState(address,bytes32)", [buyer["address"], good["nonce"]], returns=["bool"])[0]
    assert state is False
