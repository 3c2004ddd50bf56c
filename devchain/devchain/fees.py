"""Fee suggestions and eth_feeHistory, computed from the ledger like geth's oracle."""

from .hexjson import quantity
from .json_shapes import effective_gas_price
from .rpc_errors import invalid_params

DEFAULT_TIP = 10**9  # 1 gwei when recent blocks say nothing (anvil's minimum suggestion)
ORACLE_BLOCKS = 20
ORACLE_PERCENTILE = 60
MAX_HISTORY_BLOCKS = 1024


def next_base_fee(chain, head_header) -> int:
    return chain.create_header_from_parent(head_header).base_fee_per_gas


def suggested_tip(ledger) -> int:
    """60th percentile of the tips paid in the last 20 blocks, else 1 gwei."""
    head = ledger.head.number
    tips = []
    for number in range(max(1, head - ORACLE_BLOCKS + 1), head + 1):
        mined = ledger.by_number(number)
        if mined is None:
            continue
        base_fee = mined.header.base_fee_per_gas
        tips.extend(effective_gas_price(p, base_fee) - base_fee for p in mined.txs)
    if not tips:
        return DEFAULT_TIP
    tips.sort()
    return max(1, tips[(len(tips) - 1) * ORACLE_PERCENTILE // 100])


def fee_history(chain, ledger, block_count: int, newest: int, percentiles) -> dict:
    if block_count < 1:
        return {"oldestBlock": quantity(0), "baseFeePerGas": [], "gasUsedRatio": []}
    percentiles = list(percentiles or [])
    if any(not 0 <= p <= 100 for p in percentiles) or percentiles != sorted(percentiles):
        raise invalid_params("invalid reward percentiles")
    newest = min(newest, ledger.head.number)
    block_count = min(block_count, MAX_HISTORY_BLOCKS, newest + 1)
    oldest = newest - block_count + 1
    base_fees, ratios, blob_fees, blob_ratios, rewards = [], [], [], [], []
    for number in range(oldest, newest + 1):
        mined = ledger.by_number(number)
        header = mined.header
        base_fees.append(quantity(header.base_fee_per_gas))
        ratios.append(header.gas_used / header.gas_limit)
        blob_fees.append(quantity(1))
        blob_ratios.append(0.0)
        if percentiles:
            rewards.append([quantity(r) for r in _block_rewards(mined, percentiles)])
    base_fees.append(quantity(next_base_fee(chain, ledger.by_number(newest).header)))
    blob_fees.append(quantity(1))
    out = {
        "oldestBlock": quantity(oldest),
        "baseFeePerGas": base_fees,
        "gasUsedRatio": ratios,
        "baseFeePerBlobGas": blob_fees,
        "blobGasUsedRatio": blob_ratios,
    }
    if percentiles:
        out["reward"] = rewards
    return out


def _block_rewards(mined, percentiles) -> list:
    """Tips at the given percentiles of gas used in the block (geth's weighting)."""
    if not mined.txs:
        return [0 for _ in percentiles]
    base_fee = mined.header.base_fee_per_gas
    entries = sorted(
        (effective_gas_price(p, base_fee) - base_fee, int(r["gasUsed"], 16))
        for p, r in zip(mined.txs, mined.receipts)
    )
    total_gas = mined.header.gas_used
    out, index, cumulative = [], 0, entries[0][1]
    for p in percentiles:
        threshold = total_gas * p / 100
        while cumulative < threshold and index < len(entries) - 1:
            index += 1
            cumulative += entries[index][1]
        out.append(entries[index][0])
    return out
