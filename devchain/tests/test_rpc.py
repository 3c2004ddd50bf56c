"""JSON-RPC surface: batches, error shapes, receipts, logs, fee history."""

from helpers import GWEI, topic, word

SINK = "0x000000000000000000000000000000000000dEaD"
TRANSFER = topic("Transfer(address,address,uint256)")


def test_batch_array_answers_each_call_with_its_id(chain):
    status, body = chain.rpc.post([
        {"jsonrpc": "2.0", "id": 7, "method": "eth_chainId", "params": []},
        {"jsonrpc": "2.0", "id": "b", "method": "eth_blockNumber"},
        {"jsonrpc": "2.0", "id": 9, "method": "no_such_method", "params": []},
        {"jsonrpc": "2.0", "method": "eth_chainId", "params": []},  # notification: no answer
    ])
    assert status == 200
    assert [r["id"] for r in body] == [7, "b", 9]
    assert body[0]["result"] == hex(chain.chain_id)
    assert body[2]["error"]["code"] == -32601


def test_malformed_requests_get_standard_errors(chain):
    status, body = chain.rpc.post(b"{not json")
    assert status == 200 and body["error"]["code"] == -32700
    status, body = chain.rpc.post([])
    assert body["error"]["code"] == -32600
    status, body = chain.rpc.post(chain.rpc.request("eth_getBalance", "0x1234"))
    assert body["error"]["code"] == -32602


def test_receipt_has_the_standard_shape(chain):
    signer = chain.info["signers"][0]
    tx_hash = chain.send(signer["private_key"], to=SINK, value=1, tip=2 * GWEI)
    chain.mine()
    receipt = chain.receipt(tx_hash)
    block = chain.block()
    assert set(receipt) >= {
        "transactionHash", "transactionIndex", "blockHash", "blockNumber", "from", "to", "cumulativeGasUsed",
        "gasUsed", "effectiveGasPrice", "contractAddress", "logs", "logsBloom", "status", "type",
    }
    assert receipt["blockHash"] == block["hash"] and receipt["type"] == "0x2"
    assert int(receipt["effectiveGasPrice"], 16) == int(block["baseFeePerGas"], 16) + 2 * GWEI
    assert receipt["contractAddress"] is None
    assert chain.rpc.call("eth_getBlockReceipts", block["number"]) == [receipt]
    assert chain.rpc.call("eth_getBlockReceipts", block["hash"]) == [receipt]


def test_deployment_receipt_names_the_contract_address(chain):
    first = chain.block(1, True)["transactions"][0]
    receipt = chain.receipt(first["hash"])
    assert receipt["contractAddress"] == chain.usdc
    assert chain.rpc.call("eth_getCode", chain.usdc, "latest") != "0x"
    assert chain.rpc.call("eth_getCode", SINK, "latest") == "0x"


def test_logs_carry_block_hash_log_index_and_removed(chain):
    buyer, signer = chain.info["buyers"][0], chain.info["signers"][0]
    hashes = [chain.relay(signer["private_key"], chain.authorization(buyer["private_key"], chain.info["receiver"], 1))
              for _ in range(2)]
    chain.mine()
    logs = chain.rpc.call("eth_getLogs", {"fromBlock": "latest", "toBlock": "latest"})
    assert [int(log["logIndex"], 16) for log in logs] == [0, 1, 2, 3]
    assert {log["blockHash"] for log in logs} == {chain.block()["hash"]}
    assert {log["removed"] for log in logs} == {False}
    assert [log["transactionHash"] for log in logs] == [hashes[0]] * 2 + [hashes[1]] * 2


def test_get_logs_filters_by_address_topics_and_range(chain):
    buyers, signer = chain.info["buyers"], chain.info["signers"][0]
    receiver = chain.info["receiver"]
    chain.relay(signer["private_key"], chain.authorization(buyers[0]["private_key"], receiver, 1))
    chain.mine()
    first_block = chain.block_number()
    chain.relay(signer["private_key"], chain.authorization(buyers[1]["private_key"], receiver, 2))
    chain.mine()

    everything = {"fromBlock": hex(first_block), "toBlock": "latest"}
    assert len(chain.rpc.call("eth_getLogs", everything)) == 4
    transfers = {**everything, "address": chain.usdc, "topics": [TRANSFER]}
    assert len(chain.rpc.call("eth_getLogs", transfers)) == 2
    from_buyer1 = {**transfers, "topics": [TRANSFER, word(buyers[1]["address"])]}
    [log] = chain.rpc.call("eth_getLogs", from_buyer1)
    assert int(log["data"], 16) == 2
    either = {**transfers, "topics": [TRANSFER, [word(buyers[0]["address"]), word(buyers[1]["address"])]]}
    assert len(chain.rpc.call("eth_getLogs", either)) == 2
    only_first = {**transfers, "toBlock": hex(first_block)}
    assert len(chain.rpc.call("eth_getLogs", only_first)) == 1
    by_hash = {"blockHash": chain.block(first_block)["hash"], "address": [chain.usdc], "topics": [TRANSFER]}
    assert len(chain.rpc.call("eth_getLogs", by_hash)) == 1
    assert chain.rpc.call("eth_getLogs", {**everything, "address": chain.mint_token}) == []


def test_fee_history_has_the_standard_shape(chain):
    signer = chain.info["signers"][0]
    chain.send(signer["private_key"], to=SINK, value=1, tip=3 * GWEI)
    chain.mine(3)
    history = chain.rpc.call("eth_feeHistory", "0x3", "latest", [25, 75])
    assert int(history["oldestBlock"], 16) == chain.block_number() - 2
    assert len(history["baseFeePerGas"]) == 4  # one extra: the next block's
    assert len(history["gasUsedRatio"]) == 3 and len(history["reward"]) == 3
    assert history["reward"][0] == [hex(3 * GWEI)] * 2
    assert history["reward"][1] == ["0x0", "0x0"]
    head_base_fee = int(chain.block()["baseFeePerGas"], 16)
    assert history["baseFeePerGas"][-1] == hex(head_base_fee - head_base_fee // 8)  # after an empty block


def test_gas_price_suggestions_are_base_fee_plus_tip(chain):
    chain.mine()  # an empty head: the next base fee is 7/8 of its
    tip = int(chain.rpc.call("eth_maxPriorityFeePerGas"), 16)
    assert tip == GWEI
    head_base_fee = int(chain.block()["baseFeePerGas"], 16)
    next_base_fee = head_base_fee - head_base_fee // 8
    assert int(chain.rpc.call("eth_gasPrice"), 16) == next_base_fee + tip


def test_transaction_count_latest_and_pending(chain):
    signer = chain.info["signers"][0]
    before = chain.nonce(signer["address"])
    chain.send(signer["private_key"], to=SINK, value=1)
    assert chain.nonce(signer["address"]) == before
    assert chain.nonce(signer["address"], "pending") == before + 1


def test_estimate_gas_of_plain_transfer_is_21000(chain):
    signer = chain.info["signers"][0]
    assert chain.rpc.call("eth_estimateGas", {"from": signer["address"], "to": SINK, "value": "0x1"}) == hex(21_000)


def test_balance_at_older_block(chain):
    signer = chain.info["signers"][0]
    before_block = chain.block_number()
    before = chain.balance(signer["address"])
    chain.send(signer["private_key"], to=SINK, value=10**18)
    chain.mine()
    assert chain.balance(signer["address"]) < before - 10**18
    assert int(chain.rpc.call("eth_getBalance", signer["address"], hex(before_block)), 16) == before
