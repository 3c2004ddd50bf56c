"""Blocks, transactions, receipts and logs in the standard JSON-RPC shapes (as geth sends them)."""

from eth._utils.address import generate_contract_address

from .hexjson import address, data, quantity, word
from .pool_tx import PoolTx

EMPTY_UNCLES_HASH = "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"


def transaction_json(ptx: PoolTx, location=None) -> dict:
    """`location` is (block_hash, block_number, index, base_fee) for a mined tx, else None."""
    tx = ptx.tx
    out = {
        "hash": word(ptx.hash),
        "type": quantity(ptx.type_id),
        "from": address(ptx.sender),
        "to": address(tx.to),
        "nonce": quantity(ptx.nonce),
        "gas": quantity(ptx.gas),
        "value": quantity(ptx.value),
        "input": data(tx.data),
        "chainId": quantity(tx.chain_id),
        "blockHash": None,
        "blockNumber": None,
        "transactionIndex": None,
        "gasPrice": quantity(ptx.max_fee),
        "v": quantity(tx.v if ptx.type_id == 0 else tx.y_parity),
        "r": quantity(tx.r),
        "s": quantity(tx.s),
    }
    if ptx.type_id != 0:
        out["yParity"] = quantity(tx.y_parity)
        out["accessList"] = [
            {"address": address(a), "storageKeys": [word(k) for k in keys]} for a, keys in tx.access_list
        ]
    if ptx.type_id == 2:
        out["maxFeePerGas"] = quantity(ptx.max_fee)
        out["maxPriorityFeePerGas"] = quantity(ptx.max_tip)
    if location is not None:
        block_hash, number, index, base_fee = location
        out["blockHash"] = word(block_hash)
        out["blockNumber"] = quantity(number)
        out["transactionIndex"] = quantity(index)
        out["gasPrice"] = quantity(effective_gas_price(ptx, base_fee))
    return out


def effective_gas_price(ptx: PoolTx, base_fee: int) -> int:
    return base_fee + min(ptx.max_tip, ptx.max_fee - base_fee)


def receipts_json(header, included, receipts) -> list:
    """Receipts of one block; py-evm's cumulative gas becomes per-tx gasUsed."""
    block_hash, number, base_fee = header.hash, header.block_number, header.base_fee_per_gas
    out = []
    previous_cumulative = 0
    log_index = 0
    for index, (ptx, receipt) in enumerate(zip(included, receipts)):
        logs = []
        for log in receipt.logs:
            logs.append(
                {
                    "address": address(log.address),
                    "topics": [word(t) for t in log.topics],
                    "data": data(log.data),
                    "blockNumber": quantity(number),
                    "blockHash": word(block_hash),
                    "blockTimestamp": quantity(header.timestamp),
                    "transactionHash": word(ptx.hash),
                    "transactionIndex": quantity(index),
                    "logIndex": quantity(log_index),
                    "removed": False,
                }
            )
            log_index += 1
        created = None
        if not ptx.tx.to:
            created = address(generate_contract_address(ptx.sender, ptx.nonce))
        out.append(
            {
                "transactionHash": word(ptx.hash),
                "transactionIndex": quantity(index),
                "blockHash": word(block_hash),
                "blockNumber": quantity(number),
                "from": address(ptx.sender),
                "to": address(ptx.tx.to),
                "cumulativeGasUsed": quantity(receipt.gas_used),
                "gasUsed": quantity(receipt.gas_used - previous_cumulative),
                "effectiveGasPrice": quantity(effective_gas_price(ptx, base_fee)),
                "contractAddress": created,
                "logs": logs,
                "logsBloom": data(receipt.bloom.to_bytes(256, "big")),
                "status": "0x1" if receipt.state_root == b"\x01" else "0x0",
                "type": quantity(ptx.type_id),
            }
        )
        previous_cumulative = receipt.gas_used
    return out


def block_json(mined, full_transactions: bool) -> dict:
    """`mined` is a ledger.MinedBlock."""
    h = mined.header
    if full_transactions:
        txs = [
            transaction_json(p, (mined.hash, h.block_number, i, h.base_fee_per_gas))
            for i, p in enumerate(mined.txs)
        ]
    else:
        txs = [word(p.hash) for p in mined.txs]
    return {
        "number": quantity(h.block_number),
        "hash": word(mined.hash),
        "parentHash": word(h.parent_hash),
        "nonce": "0x0000000000000000",
        "sha3Uncles": EMPTY_UNCLES_HASH,
        "logsBloom": data(h.bloom.to_bytes(256, "big")),
        "transactionsRoot": word(h.transaction_root),
        "stateRoot": word(h.state_root),
        "receiptsRoot": word(h.receipt_root),
        "miner": address(h.coinbase),
        "difficulty": "0x0",
        "totalDifficulty": "0x0",
        "extraData": data(h.extra_data),
        "size": quantity(mined.size),
        "gasLimit": quantity(h.gas_limit),
        "gasUsed": quantity(h.gas_used),
        "timestamp": quantity(h.timestamp),
        "transactions": txs,
        "uncles": [],
        "baseFeePerGas": quantity(h.base_fee_per_gas),
        "mixHash": word(h.mix_hash),
        "withdrawals": [],
        "withdrawalsRoot": word(h.withdrawals_root),
        "blobGasUsed": quantity(h.blob_gas_used),
        "excessBlobGas": quantity(h.excess_blob_gas),
        "parentBeaconBlockRoot": word(h.parent_beacon_block_root),
    }
