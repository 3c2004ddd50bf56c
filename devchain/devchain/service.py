"""Assembles a running devchain: node, deployment, interval miner and HTTP server."""

import logging
from dataclasses import dataclass

from .deploy import DEFAULT_MAX_MINTS, DEFAULT_MINT_AMOUNT, DeploySettings, deploy, genesis_balances
from .faults import FaultPlan
from .http_server import RpcHttpServer
from .interval_miner import IntervalMiner
from .keys import AccountSet
from .node import Node, NodeConfig
from .rpc import Dispatcher

log = logging.getLogger("devchain")


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 0
    chain_id: int = 31337
    block_ms: int = 1000
    block_gas_limit: int = 30_000_000
    max_block_txs: int = 0  # 0: no cap beyond the gas limit
    signers: int = 4
    buyers: int = 8
    usdc_name: str = "USD Coin"
    max_mints: int = DEFAULT_MAX_MINTS  # the mint token's supply, in mint amounts


class Devchain:
    """A node with contracts deployed, serving JSON-RPC. `info` is the deployment JSON."""

    def __init__(self, options: ServeOptions) -> None:
        self.options = options
        self.accounts = AccountSet.derive(options.signers, options.buyers)
        self.node = Node(
            NodeConfig(
                chain_id=options.chain_id,
                block_gas_limit=options.block_gas_limit,
                max_block_txs=options.max_block_txs or None,
            ),
            genesis_balances(self.accounts),
        )
        deployment = deploy(self.node, self.accounts, DeploySettings(usdc_name=options.usdc_name, max_supply=DEFAULT_MINT_AMOUNT * options.max_mints))
        self.faults = FaultPlan()
        self.miner = IntervalMiner(self.node, options.block_ms)
        self.http = RpcHttpServer((options.host, options.port), Dispatcher(self.node, self.miner, self.faults), self.faults)
        self.info = {"rpc_url": self.http.url, **deployment}

    def start(self) -> "Devchain":
        self.http.serve_in_thread()
        self.miner.start()
        log.info("serving %s (chain %d, block every %d ms)", self.http.url, self.options.chain_id, self.options.block_ms)
        return self

    def stop(self) -> None:
        self.miner.stop()
        self.http.shutdown()
        self.http.server_close()
