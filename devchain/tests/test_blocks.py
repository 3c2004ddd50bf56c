"""Block building: many txs per block, EIP-1559 base fee, gas limit, timestamps."""

import time

from helpers import GWEI

SINK = "0x000000000000000000000000000000000000dEaD"


def send_many(chain, key, address, count, tip=GWEI):
    base = chain.nonce(address, "pending")
    max_fee = 100 * GWEI
    return [chain.send(key, nonce=base + i, to=SINK, value=1, tip=tip, max_fee=max_fee) for i in range(count)]


def test_many_consecutive_nonce_txs_mine_in_one_block(chain):
    signer = chain.info["signers"][0]
    hashes = send_many(chain, signer["private_key"], signer["address"], 50)
    chain.mine()
    block = chain.block()
    assert block["transactions"] == hashes
    receipts = chain.rpc.call("eth_getBlockReceipts", "latest")
    assert [int(r["gasUsed"], 16) for r in receipts] == [21_000] * 50
    assert int(receipts[-1]["cumulativeGasUsed"], 16) == 50 * 21_000


def test_block_gas_limit_splits_a_big_pool_into_several_blocks(small_chain):
    chain = small_chain
    signer = chain.info["signers"][0]
    hashes = send_many(chain, signer["private_key"], signer["address"], 200)  # 4.2M gas
    chain.mine(3)
    blocks = sorted({chain.receipt(h)["blockNumber"] for h in hashes})
    assert len(blocks) == 3
    for number in blocks:
        block = chain.block(number)
        assert int(block["gasUsed"], 16) <= int(block["gasLimit"], 16) == 2_000_000
    assert len(chain.block(blocks[0])["transactions"]) == 2_000_000 // 21_000


def test_base_fee_rises_when_blocks_are_full_and_falls_when_empty(small_chain):
    chain = small_chain
    signer = chain.info["signers"][1]
    send_many(chain, signer["private_key"], signer["address"], 90)  # 1,890,000 gas: above the 1,000,000 target
    chain.mine()
    full = chain.block()
    chain.mine()
    after_full = chain.block()
    chain.mine()
    after_empty = chain.block()
    assert int(full["gasUsed"], 16) == 1_890_000
    assert int(after_full["baseFeePerGas"], 16) > int(full["baseFeePerGas"], 16)
    assert int(after_empty["baseFeePerGas"], 16) < int(after_full["baseFeePerGas"], 16)
    # EIP-1559: +12.5% * (used - target) / target
    expected = int(full["baseFeePerGas"], 16) * (1_890_000 - 1_000_000) // 1_000_000 // 8
    assert int(after_full["baseFeePerGas"], 16) - int(full["baseFeePerGas"], 16) == expected


def test_higher_tip_goes_first_across_senders(chain):
    low, high = chain.info["signers"][0], chain.info["signers"][1]
    cheap = chain.send(low["private_key"], to=SINK, value=1, tip=GWEI)
    rich = chain.send(high["private_key"], to=SINK, value=1, tip=5 * GWEI)
    chain.mine()
    assert chain.block()["transactions"] == [rich, cheap]
    assert int(chain.receipt(rich)["effectiveGasPrice"], 16) == chain.base_fee() + 5 * GWEI


def test_block_timestamps_track_the_wall_clock_in_whole_seconds(chain):
    chain.mine(3)
    numbers = [chain.block_number() - i for i in range(3)]
    stamps = [int(chain.block(n)["timestamp"], 16) for n in numbers]
    assert stamps[0] > stamps[1] > stamps[2]
    assert abs(stamps[2] - time.time()) < 5


def test_block_lookup_by_hash_and_number_agree(chain):
    chain.send(chain.info["signers"][0]["private_key"], to=SINK, value=1)
    chain.mine()
    by_number = chain.block("latest", True)
    by_hash = chain.rpc.call("eth_getBlockByHash", by_number["hash"], True)
    assert by_hash == by_number
    assert by_number["transactions"][0]["blockHash"] == by_number["hash"]
    parent = chain.block(int(by_number["number"], 16) - 1)
    assert by_number["parentHash"] == parent["hash"]
