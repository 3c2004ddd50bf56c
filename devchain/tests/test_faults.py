"""Every fault and control knob does what its README entry says."""

import http.client
import json
import socket
import threading
import time

import pytest

from helpers import GWEI, RpcClient, RpcFailure

SINK = "0x000000000000000000000000000000000000dEaD"


def pool_counts(chain):
    s = chain.rpc.call("txpool_status")
    return int(s["pending"], 16), int(s["queued"], 16)


# -- pool -----------------------------------------------------------------------------


def test_dropped_transaction_never_mines_and_frees_its_nonce(chain):
    signer = chain.info["signers"][0]
    before = chain.nonce(signer["address"])
    tx_hash = chain.send(signer["private_key"], to=SINK, value=1)
    assert chain.rpc.call("anvil_dropTransaction", tx_hash) == tx_hash
    assert chain.rpc.call("anvil_dropTransaction", tx_hash) is None
    assert chain.rpc.call("eth_getTransactionByHash", tx_hash) is None
    chain.mine()
    assert chain.receipt(tx_hash) is None
    assert chain.nonce(signer["address"], "pending") == before


def test_drop_all_transactions_empties_the_pool(chain):
    for signer in chain.info["signers"]:
        chain.send(signer["private_key"], to=SINK, value=1)
    chain.send(chain.info["signers"][0]["private_key"], nonce=99, to=SINK, value=1)
    assert pool_counts(chain) == (4, 1)
    chain.rpc.call("anvil_dropAllTransactions")
    assert pool_counts(chain) == (0, 0)


def test_min_priority_fee_keeps_lower_tips_pending_not_rejected(chain):
    low, high = chain.info["signers"][0], chain.info["signers"][1]
    chain.rpc.call("devchain_setMinPriorityFee", hex(5 * GWEI))
    stuck = chain.send(low["private_key"], to=SINK, value=1, tip=GWEI, max_fee=100 * GWEI)
    paid = chain.send(high["private_key"], to=SINK, value=1, tip=6 * GWEI, max_fee=100 * GWEI)
    chain.mine(2)
    assert chain.receipt(stuck) is None
    assert chain.receipt(paid)["status"] == "0x1"
    assert pool_counts(chain) == (1, 0)
    # A 10% bump is not enough to clear the bar; the bumped replacement stays pending too.
    bumped = chain.send(low["private_key"], nonce=chain.nonce(low["address"]), to=SINK, value=1,
                        tip=GWEI * 11 // 10, max_fee=110 * GWEI)
    chain.mine()
    assert chain.receipt(bumped) is None
    chain.rpc.call("devchain_setMinPriorityFee", "0x0")
    chain.mine()
    assert chain.receipt(bumped)["status"] == "0x1"
    assert chain.receipt(stuck) is None


# -- HTTP faults ----------------------------------------------------------------------


def test_fail_next_requests_answers_503_then_recovers(chain):
    chain.rpc.call("devchain_failNextRequests", 2)
    for _ in range(2):
        status, body = chain.rpc.post(chain.rpc.request("eth_blockNumber"))
        assert status == 503 and body["error"]["code"] == -32603
    assert chain.rpc.call("eth_blockNumber")


def test_failed_requests_are_not_processed(chain):
    raw, tx_hash = chain.sign_tx(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    chain.rpc.call("devchain_failNextRequests", 1)
    status, _ = chain.rpc.post(chain.rpc.request("eth_sendRawTransaction", raw))
    assert status == 503
    assert chain.rpc.call("eth_getTransactionByHash", tx_hash) is None


def test_fail_after_processing_loses_only_the_response(chain):
    raw, tx_hash = chain.sign_tx(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    chain.rpc.call("devchain_failNextRequests", 1, "after")
    status, _ = chain.rpc.post(chain.rpc.request("eth_sendRawTransaction", raw))
    assert status == 503
    assert chain.rpc.call("eth_getTransactionByHash", tx_hash)["hash"] == tx_hash


def test_fail_mode_rpc_error_answers_each_call_in_a_batch(chain):
    chain.rpc.call("devchain_failNextRequests", 1, "rpc-error")
    status, body = chain.rpc.post([chain.rpc.request("eth_chainId"), chain.rpc.request("eth_blockNumber")])
    assert status == 200 and [r["error"]["code"] for r in body] == [-32603, -32603]
    with pytest.raises(RpcFailure):
        chain.rpc.call("devchain_failNextRequests", 1, "bogus")


def test_fail_mode_drop_closes_the_connection_without_answer(chain):
    chain.rpc.call("devchain_failNextRequests", 1, "drop")
    url = chain.info["rpc_url"].split("//")[1]
    host, port = url.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("POST", "/", json.dumps(chain.rpc.request("eth_chainId")), {"Content-Type": "application/json"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, socket.timeout)):
        conn.getresponse()
    assert chain.rpc.call("eth_chainId") == hex(chain.chain_id)


def test_latency_delays_ordinary_requests_but_not_control_calls(chain):
    # Asserted by order, not by how fast anything was: while one ordinary request waits out its
    # latency, a control call is answered, and so is an ordinary request sent after latency
    # went back to 0. The latency is long only so that those few local calls finish inside it.
    latency_s = 5
    chain.rpc.call("devchain_setLatency", latency_s * 1000)
    arrived = chain.rpc.call("devchain_requestCounts")["httpRequests"]
    delayed = {}

    def call_while_delayed():
        started = time.monotonic()
        delayed["result"] = RpcClient(chain.info["rpc_url"]).call("eth_chainId")
        delayed["elapsed"] = time.monotonic() - started

    thread = threading.Thread(target=call_while_delayed, daemon=True)
    thread.start()
    # Counted on arrival, before its latency: from here on it is in the node, waiting.
    assert wait_until(lambda: chain.rpc.call("devchain_requestCounts")["httpRequests"] == arrived + 1)
    chain.rpc.call("devchain_setLatency", 0)
    assert thread.is_alive(), "the control call was answered while the ordinary request still waited"
    assert chain.rpc.call("eth_chainId") == hex(chain.chain_id)
    assert thread.is_alive(), "latency 0 applies at once to requests that arrive after it"
    thread.join(timeout=30)  # only so that a request that never returns fails instead of hanging
    assert not thread.is_alive()
    assert delayed["result"] == hex(chain.chain_id)
    # A floor the node's sleep guarantees (a slow machine only makes it longer): the request
    # was held for the latency it arrived under, not the 0 set while it waited.
    assert delayed["elapsed"] >= latency_s


# -- reorgs -----------------------------------------------------------------------------


def test_reorg_changes_block_hash_removes_receipts_and_reinjects_txs(chain):
    signer = chain.info["signers"][0]
    tx_hash = chain.send(signer["private_key"], to=SINK, value=1)
    chain.mine()
    old_block = chain.block()
    number = int(old_block["number"], 16)
    assert chain.receipt(tx_hash)["blockHash"] == old_block["hash"]

    result = chain.rpc.call("anvil_reorg", 1)
    assert result["orphanedTransactions"] == [tx_hash]
    new_block = chain.block()
    assert int(new_block["number"], 16) == number
    assert new_block["hash"] != old_block["hash"]
    assert chain.rpc.call("eth_getBlockByHash", old_block["hash"], False) is None
    assert chain.receipt(tx_hash) is None
    assert chain.rpc.call("eth_getTransactionByHash", tx_hash)["blockHash"] is None  # back in the pool

    chain.mine()
    receipt = chain.receipt(tx_hash)
    assert receipt["status"] == "0x1" and receipt["blockHash"] not in (old_block["hash"], new_block["hash"])


def test_reorg_without_reinjection_loses_the_transactions(chain):
    signer = chain.info["signers"][1]
    before = chain.nonce(signer["address"])
    tx_hash = chain.send(signer["private_key"], to=SINK, value=1)
    chain.mine()
    chain.rpc.call("devchain_reorg", 2, {"reinject": False})
    chain.mine()
    assert chain.receipt(tx_hash) is None
    assert chain.rpc.call("eth_getTransactionByHash", tx_hash) is None
    assert chain.nonce(signer["address"]) == before


def test_reorg_can_place_given_transactions_in_the_new_blocks(chain):
    a, b = chain.info["signers"][0], chain.info["signers"][1]
    orphan = chain.send(a["private_key"], to=SINK, value=1)
    chain.mine()
    raw, competitor = chain.sign_tx(b["private_key"], to=SINK, value=2)
    chain.rpc.call("anvil_reorg", 1, [[raw, 0]])
    assert chain.block()["transactions"] == [competitor]
    assert chain.receipt(competitor)["status"] == "0x1"
    assert chain.receipt(orphan) is None


def test_reorg_removes_logs_of_dropped_blocks(chain):
    buyer, signer = chain.info["buyers"][0], chain.info["signers"][0]
    auth = chain.authorization(buyer["private_key"], chain.info["receiver"], 10**6)
    chain.relay(signer["private_key"], auth)
    chain.mine()
    query = {"fromBlock": "0x0", "toBlock": "latest", "address": chain.usdc,
             "topics": [None, None, "0x" + chain.info["receiver"][2:].lower().rjust(64, "0")]}
    assert len(chain.rpc.call("eth_getLogs", query)) == 1
    chain.rpc.call("devchain_reorg", 1, {"reinject": False})
    assert chain.rpc.call("eth_getLogs", query) == []


def test_rollback_lowers_the_head(chain):
    chain.mine(3)
    head = chain.block_number()
    chain.rpc.call("anvil_rollback", 2)
    assert chain.block_number() == head - 2


# -- mining modes ---------------------------------------------------------------------


def wait_until(condition, timeout=10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def interval_ticks(chain) -> int:
    return chain.rpc.call("devchain_status")["intervalTicks"]


def test_interval_mining_and_stop_start(chain):
    start = chain.block_number()
    chain.rpc.call("evm_setIntervalMining", 100)
    assert wait_until(lambda: chain.block_number() >= start + 3)
    # miner_stop returns once a block being built is finished; none is built after it.
    chain.rpc.call("miner_stop")
    stopped_at = chain.block_number()
    tx_hash = chain.send(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    # Not a pause of some length: the miner has woken three times since, with the transaction
    # in the pool, and each time mined nothing.
    ticks = interval_ticks(chain)
    assert wait_until(lambda: interval_ticks(chain) >= ticks + 3)
    assert chain.block_number() == stopped_at
    assert chain.receipt(tx_hash) is None
    chain.rpc.call("miner_start")
    assert wait_until(lambda: chain.receipt(tx_hash) is not None)
    assert chain.block_number() > stopped_at
    assert chain.receipt(tx_hash)["status"] == "0x1"
    # Returns once a block the 100 ms interval had begun is finished; none is begun after it.
    chain.rpc.call("evm_setIntervalMining", 0)
    off_at, off_ticks = chain.block_number(), interval_ticks(chain)
    # The one sleep left, because "never" has no event to wait for: with interval 0 the miner
    # waits without a deadline. 0.4 s is four of the old intervals, in which a miner still
    # running on it would have woken (and mined); a slow machine can only hide that, never fail
    # a correct node.
    time.sleep(0.4)
    assert chain.block_number() == off_at
    assert interval_ticks(chain) == off_ticks, "the miner did not even wake"


def test_automine_mines_a_block_per_accepted_transaction(chain):
    chain.rpc.call("evm_setAutomine", True)
    assert chain.rpc.call("anvil_getAutomine") is True
    start = chain.block_number()
    tx_hash = chain.send(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    assert chain.receipt(tx_hash)["status"] == "0x1"
    assert chain.block_number() == start + 1
    chain.rpc.call("evm_setAutomine", False)
    other = chain.send(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    assert chain.receipt(other) is None


def test_evm_mine_and_anvil_mine_add_blocks(chain):
    start = chain.block_number()
    chain.rpc.call("evm_mine")
    chain.rpc.call("anvil_mine", "0x3")
    assert chain.block_number() == start + 4


# -- time and state ------------------------------------------------------------------


def test_set_next_block_timestamp_and_increase_time(chain):
    target = int(time.time()) + 1000
    chain.rpc.call("evm_setNextBlockTimestamp", target)
    chain.mine()
    assert int(chain.block()["timestamp"], 16) == target
    chain.mine()
    assert int(chain.block()["timestamp"], 16) >= target + 1
    offset = int(chain.rpc.call("evm_increaseTime", 3600), 16)
    assert offset >= 4600 - 5
    chain.mine()
    assert int(chain.block()["timestamp"], 16) >= target + 3600
    with pytest.raises(RpcFailure):
        chain.rpc.call("evm_setNextBlockTimestamp", 1)


def test_set_balance_changes_the_balance(chain):
    target = "0x00000000000000000000000000000000000000aa"
    assert chain.rpc.call("anvil_setBalance", target, hex(12345)) is True
    assert chain.balance(target) == 12345
    # and a drained relayer gets "insufficient funds"
    signer = chain.info["signers"][3]
    chain.rpc.call("anvil_setBalance", signer["address"], "0x0")
    raw, _ = chain.sign_tx(signer["private_key"], to=SINK, value=1)
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_sendRawTransaction", raw)
    assert err.value.message == "insufficient funds for gas * price + value"


def test_fail_next_requests_can_target_methods(chain):
    chain.rpc.call("devchain_failNextRequests", 1, "rpc-error", ["eth_estimateGas"])
    # Other methods pass and do not use up the failure...
    assert chain.rpc.call("eth_blockNumber")
    status, body = chain.rpc.post([chain.rpc.request("eth_chainId"), chain.rpc.request("eth_blockNumber")])
    assert status == 200 and all("result" in answer for answer in body)
    assert chain.rpc.call("devchain_status")["failNextRequests"] == 1
    # ...the targeted one fails once.
    call = {"to": chain.usdc, "data": "0x18160ddd"}  # totalSupply()
    with pytest.raises(RpcFailure) as err:
        chain.rpc.call("eth_estimateGas", call)
    assert err.value.code == -32603
    assert int(chain.rpc.call("eth_estimateGas", call), 16) > 0
    assert chain.rpc.call("devchain_status")["failMethods"] == ["eth_estimateGas"]


def test_max_log_range_refuses_wider_get_logs_like_a_hosted_provider(chain):
    chain.mine(5)
    head = int(chain.rpc.call("eth_blockNumber"), 16)
    chain.rpc.call("devchain_setMaxLogRange", "0x3")
    try:
        assert chain.rpc.call("eth_getLogs", {"fromBlock": hex(head - 2), "toBlock": hex(head)}) == []
        with pytest.raises(RpcFailure) as refused:
            chain.rpc.call("eth_getLogs", {"fromBlock": hex(head - 3), "toBlock": hex(head)})
        assert refused.value.code == -32005
        assert "max block range 3" in refused.value.message
    finally:
        chain.rpc.call("devchain_setMaxLogRange", "0x0")
    assert chain.rpc.call("eth_getLogs", {"fromBlock": "0x0", "toBlock": hex(head)}) is not None


def test_omit_revert_data_leaves_only_execution_reverted(chain):
    call = {"to": chain.usdc, "data": "0xa9059cbb" + "00" * 12 + "11" * 20 + "ff" * 32}  # transfer(0x11…, huge): reverts
    with pytest.raises(RpcFailure) as full:
        chain.rpc.call("eth_call", call)
    assert full.value.code == 3 and full.value.message != "execution reverted" and full.value.data
    chain.rpc.call("devchain_setOmitRevertData", True)
    try:
        with pytest.raises(RpcFailure) as bare:
            chain.rpc.call("eth_call", call)
        assert bare.value.code == 3 and bare.value.message == "execution reverted" and bare.value.data is None
    finally:
        chain.rpc.call("devchain_setOmitRevertData", False)
