"""`python -m devchain serve|bench`: the command line."""

import argparse
import json
import logging
import os
import signal
import sys
import threading


def _serve_parser(sub) -> None:
    from .deploy import DEFAULT_MAX_MINTS

    p = sub.add_parser("serve", help="run a node with the contracts deployed; print its JSON line")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one")
    p.add_argument("--chain-id", type=int, default=31337)
    p.add_argument("--block-ms", type=int, default=1000, help="interval mining period; 0 = on-demand only")
    p.add_argument("--block-gas-limit", type=int, default=30_000_000)
    p.add_argument("--max-block-txs", type=int, default=0, help="cap on txs per block; 0 = gas limit only")
    p.add_argument("--signers", type=int, default=4, help="ETH-funded relayer wallets")
    p.add_argument("--buyers", type=int, default=8, help="USDC-funded payer wallets")
    p.add_argument("--usdc-name", default="USD Coin", help='EIP-712 domain name ("USDC" on Base Sepolia)')
    p.add_argument("--max-mints", type=int, default=DEFAULT_MAX_MINTS,
                   help="the mint token's supply, in mints of its mint amount (a small one drills a sell-out)")
    p.add_argument("--deploy-json", help="also write the JSON line to this file")
    p.add_argument("--exit-with-parent", action="store_true", help="exit (0) when the parent process dies")
    p.add_argument("--log-level", default="INFO")
    p.add_argument("--gil-switch-ms", type=float, default=0.5,
                   help="Python's thread switch interval (its default is 5): RPC latency while blocks are built")


_PARENT_AT_START = os.getppid()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devchain", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    _serve_parser(sub)
    bench = sub.add_parser("bench", help="measure ingest, mined rates, RPC latency, eth_call and estimateGas costs")
    bench.add_argument("--modes", default="ingest,mined,simmined,calls,views,estimate",
                       help="comma-separated: ingest, mined, simmined, calls, views, estimate")
    bench.add_argument("--txs", type=int, default=2000, help="transactions per ingest/mined measurement")
    bench.add_argument("--calls", type=int, default=200, help="eth_call simulations per batch (calls)")
    bench.add_argument("--views", type=int, default=200, help="authorizationState calls per batch (views)")
    bench.add_argument("--mint-batch", type=int, default=50, help="batchMint items to estimate (estimate)")
    bench.add_argument("--repeat", type=int, default=3, help="repetitions of calls/views/estimate (median)")
    bench.add_argument("--json", action="store_true", help="print results as JSON")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    from .bench import run_bench

    return run_bench(args)


def serve(args) -> int:
    logging.basicConfig(
        stream=sys.stderr, level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("eth").setLevel(logging.WARNING)
    logging.getLogger("rlp").setLevel(logging.WARNING)
    from .service import Devchain, ServeOptions

    # Block building holds the GIL for long stretches; a thread answering RPC waits up to
    # one switch interval each time it needs the GIL back (after every recv and send).
    # Python's 5 ms default made eth_blockNumber ~7 ms (p50) while full blocks were built.
    sys.setswitchinterval(args.gil_switch_ms / 1000)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    options = ServeOptions(
        host=args.host,
        port=args.port,
        chain_id=args.chain_id,
        block_ms=args.block_ms,
        block_gas_limit=args.block_gas_limit,
        max_block_txs=args.max_block_txs,
        signers=args.signers,
        buyers=args.buyers,
        usdc_name=args.usdc_name,
        max_mints=args.max_mints,
    )
    devchain = Devchain(options).start()
    line = json.dumps(devchain.info, separators=(",", ":"))
    if args.deploy_json:  # written whole, then renamed: a reader never sees half a file
        temporary = f"{args.deploy_json}.{os.getpid()}.tmp"
        with open(temporary, "w") as f:
            f.write(line + "\n")
        os.replace(temporary, args.deploy_json)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
    while not stop.wait(0.5):
        if args.exit_with_parent and os.getppid() != _PARENT_AT_START:
            logging.getLogger("devchain").info("parent process gone")
            break
    logging.getLogger("devchain").info("shutting down")
    devchain.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
