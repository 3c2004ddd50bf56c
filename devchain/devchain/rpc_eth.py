"""The standard eth_* / net_* / web3_* / txpool_* methods."""

from . import execution, fees
from .execution import CallRequest
from .hexjson import (
    address,
    data,
    parse_address,
    parse_data,
    parse_hash,
    parse_quantity,
    quantity,
    word,
)
from .json_shapes import block_json, transaction_json
from .rpc_errors import EXECUTION_REVERTED, RpcError, SERVER_ERROR, invalid_params

CLIENT_VERSION = "devchain/0.1.0/py-evm"


class EthMethods:
    def __init__(self, node) -> None:
        self.node = node

    def table(self) -> dict:
        return {
            "web3_clientVersion": lambda: CLIENT_VERSION,
            "net_version": lambda: str(self.node.config.chain_id),
            "net_listening": lambda: True,
            "eth_chainId": lambda: quantity(self.node.config.chain_id),
            "eth_syncing": lambda: False,
            "eth_accounts": lambda: [],
            "eth_blockNumber": lambda: quantity(self.node.ledger.head.number),
            "eth_gasPrice": self.gas_price,
            "eth_maxPriorityFeePerGas": lambda: quantity(fees.suggested_tip(self.node.ledger)),
            "eth_feeHistory": self.fee_history,
            "eth_getBalance": self.get_balance,
            "eth_getCode": self.get_code,
            "eth_getStorageAt": self.get_storage_at,
            "eth_getTransactionCount": self.get_transaction_count,
            "eth_sendRawTransaction": self.send_raw_transaction,
            "eth_getTransactionByHash": self.get_transaction_by_hash,
            "eth_getTransactionReceipt": self.get_transaction_receipt,
            "eth_getBlockByNumber": self.get_block_by_number,
            "eth_getBlockByHash": self.get_block_by_hash,
            "eth_getBlockReceipts": self.get_block_receipts,
            "eth_getBlockTransactionCountByNumber": lambda tag: self._count(self._block(tag)),
            "eth_getBlockTransactionCountByHash": lambda h: self._count(self.node.ledger.by_hash(parse_hash(h))),
            "eth_call": self.call,
            "eth_estimateGas": self.estimate_gas,
            "eth_getLogs": self.get_logs,
            "txpool_status": self.txpool_status,
            "txpool_content": self.txpool_content,
        }

    # -- blocks and tags ---------------------------------------------------------------

    def _block(self, tag, required: bool = False):
        ledger = self.node.ledger
        if tag is None or tag in ("latest", "pending", "safe", "finalized"):
            mined = ledger.head
        elif tag == "earliest":
            mined = ledger.by_number(0)
        elif isinstance(tag, dict):  # EIP-1898
            if "blockHash" in tag:
                mined = ledger.by_hash(parse_hash(tag["blockHash"]))
            else:
                mined = ledger.by_number(parse_quantity(tag.get("blockNumber"), "block number"))
        else:
            mined = ledger.by_number(parse_quantity(tag, "block number"))
        if mined is None and required:
            raise RpcError(SERVER_ERROR, "header not found")
        return mined

    @staticmethod
    def _count(mined):
        return None if mined is None else quantity(len(mined.txs))

    def get_block_by_number(self, tag, full=False):
        mined = self._block(tag)
        return None if mined is None else block_json(mined, bool(full))

    def get_block_by_hash(self, block_hash, full=False):
        mined = self.node.ledger.by_hash(parse_hash(block_hash))
        return None if mined is None else block_json(mined, bool(full))

    def get_block_receipts(self, tag):
        if isinstance(tag, str) and len(tag) == 66:
            mined = self.node.ledger.by_hash(parse_hash(tag))
        else:
            mined = self._block(tag)
        return None if mined is None else list(mined.receipts)

    # -- state -------------------------------------------------------------------------

    def get_balance(self, who, tag="latest"):
        state = self.node.state_at(self._block(tag, required=True))
        return quantity(state.get_balance(parse_address(who)))

    def get_code(self, who, tag="latest"):
        state = self.node.state_at(self._block(tag, required=True))
        return data(state.get_code(parse_address(who)))

    def get_storage_at(self, who, slot, tag="latest"):
        state = self.node.state_at(self._block(tag, required=True))
        return word(state.get_storage(parse_address(who), parse_quantity(slot, "slot")))

    def get_transaction_count(self, who, tag="latest"):
        account = parse_address(who)
        if tag == "pending":
            return quantity(self.node.pending_nonce(account))
        return quantity(self.node.state_at(self._block(tag, required=True)).get_nonce(account))

    # -- transactions ------------------------------------------------------------------

    def send_raw_transaction(self, raw):
        return word(self.node.submit_raw_transaction(parse_data(raw, "raw transaction")))

    def get_transaction_by_hash(self, tx_hash):
        tx_hash = parse_hash(tx_hash)
        located = self.node.ledger.locate_tx(tx_hash)
        if located is not None:
            mined, index = located
            header = mined.header
            return transaction_json(mined.txs[index], (mined.hash, header.block_number, index, header.base_fee_per_gas))
        ptx = self.node.pool.get(tx_hash)
        return None if ptx is None else transaction_json(ptx)

    def get_transaction_receipt(self, tx_hash):
        located = self.node.ledger.locate_tx(parse_hash(tx_hash))
        if located is None:
            return None
        mined, index = located
        return mined.receipts[index]

    # -- execution ---------------------------------------------------------------------

    def _call_request(self, tx: dict) -> CallRequest:
        if not isinstance(tx, dict):
            raise invalid_params("transaction object expected")
        payload = tx.get("input", tx.get("data")) or "0x"
        gas = tx.get("gas")
        return CallRequest(
            sender=parse_address(tx["from"]) if tx.get("from") else b"\0" * 20,
            to=parse_address(tx["to"]) if tx.get("to") else b"",
            value=parse_quantity(tx.get("value", "0x0"), "value"),
            data=parse_data(payload, "input"),
            gas=self.node.config.block_gas_limit if gas is None else parse_quantity(gas, "gas"),
        )

    def call(self, tx, tag="latest", *_overrides):
        mined = self._block(tag, required=True)
        request = self._call_request(tx)
        output = self.node.fast_views.answer(mined.header.state_root, request)
        if output is None:
            timestamp = self.node.clock.peek_timestamp(mined.header.timestamp)
            try:
                output = execution.call(self.node.chain, mined.header, timestamp, request)
            except RpcError as error:
                if self.node.omit_revert_data and error.code == EXECUTION_REVERTED:
                    raise RpcError(EXECUTION_REVERTED, "execution reverted") from None
                raise
        return data(output)

    def estimate_gas(self, tx, tag="latest", *_overrides):
        mined = self._block(tag, required=True)
        timestamp = self.node.clock.peek_timestamp(mined.header.timestamp)
        return quantity(execution.estimate_gas(self.node.chain, mined.header, timestamp, self._call_request(tx)))

    # -- fees --------------------------------------------------------------------------

    def gas_price(self):
        node = self.node
        return quantity(fees.next_base_fee(node.chain, node.ledger.head.header) + fees.suggested_tip(node.ledger))

    def fee_history(self, block_count, newest="latest", percentiles=None):
        newest_block = self._block(newest, required=True)
        return fees.fee_history(
            self.node.chain, self.node.ledger, parse_quantity(block_count, "block count"),
            newest_block.number, percentiles,
        )

    # -- logs --------------------------------------------------------------------------

    def get_logs(self, criteria):
        if not isinstance(criteria, dict):
            raise invalid_params("filter object expected")
        ledger = self.node.ledger
        if criteria.get("blockHash"):
            mined = ledger.by_hash(parse_hash(criteria["blockHash"]))
            if mined is None:
                raise RpcError(SERVER_ERROR, "unknown block")
            low = high = mined.number
        else:
            low = self._block(criteria.get("fromBlock", "latest"), required=True).number
            high = self._block(criteria.get("toBlock", "latest"), required=True).number
            if low > high:
                raise invalid_params("invalid block range params")
            cap = self.node.max_log_range
            if cap and high - low + 1 > cap:
                # The shape hosted providers answer with (code -32005, a sentence naming the cap).
                raise RpcError(-32005, f"query exceeds max block range {cap}: eth_getLogs is limited to a {cap} block range")
        wanted = criteria.get("address") or []
        if isinstance(wanted, str):
            wanted = [wanted]
        addresses = {"0x" + parse_address(a).hex() for a in wanted}
        topics = []
        for entry in criteria.get("topics") or []:
            if entry is None or entry == []:
                topics.append(None)
            else:
                options = entry if isinstance(entry, list) else [entry]
                topics.append({word(parse_hash(t)) for t in options})
        return ledger.logs(low, high, addresses, topics)

    # -- pool --------------------------------------------------------------------------

    def txpool_status(self):
        pending, queued = self.node.pool.split_pending_queued(self.node.account_at_head)
        return {"pending": quantity(len(pending)), "queued": quantity(len(queued))}

    def txpool_content(self):
        pending, queued = self.node.pool.split_pending_queued(self.node.account_at_head)
        return {"pending": _by_sender(pending), "queued": _by_sender(queued)}


def _by_sender(ptxs) -> dict:
    out = {}
    for ptx in sorted(ptxs, key=lambda p: (p.sender, p.nonce)):
        out.setdefault(address(ptx.sender), {})[str(ptx.nonce)] = transaction_json(ptx)
    return out
