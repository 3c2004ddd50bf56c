"""facilitator_peer.py against a real devchain: the SDK's facilitator settles SDK-signed payments.

Starts `python -m devchain serve` from devchain/.venv on a free port (as the Swift harness does),
signs EIP-3009 authorizations with the SDK's own client (x402ClientSync + ExactEvmScheme) for
the devchain's USDC stand-in, runs the peer one at a time and with 8 threads, and checks its JSON
against the token balances on chain. Run with this directory's venv:

    x402-sdk/.venv/bin/python -m pytest x402-sdk/test_facilitator_peer.py -q
"""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from eth_account import Account
from web3 import Web3
from x402 import x402ClientSync
from x402.mechanisms.evm.exact.client import ExactEvmScheme
from x402.mechanisms.evm.signers import EthAccountSigner
from x402.schemas import PaymentRequired, PaymentRequirements

HERE = Path(__file__).resolve().parent
DEVCHAIN_DIR = HERE.parent / "devchain"
DEVCHAIN_PYTHON = DEVCHAIN_DIR / ".venv" / "bin" / "python"
PEER = HERE / "facilitator_peer.py"
AMOUNT = 10_000  # 0.01 of the 6-decimal token
BUYERS = 8
BALANCE_OF_ABI = [{"name": "balanceOf", "type": "function", "stateMutability": "view",
                   "inputs": [{"name": "owner", "type": "address"}],
                   "outputs": [{"name": "", "type": "uint256"}]}]


def start_devchain(log_path: Path, block_ms: int) -> tuple[subprocess.Popen, dict]:
    """The devchain's `serve`, as Sources/TestHarness/Devchain.swift runs it; returns its ready line."""
    if not DEVCHAIN_PYTHON.exists():
        pytest.fail(f"the devchain's venv is missing ({DEVCHAIN_PYTHON}): run devchain/setup-venv.sh")
    log = open(log_path, "wb")
    process = subprocess.Popen(
        [str(DEVCHAIN_PYTHON), "-m", "devchain", "serve", "--port", "0", "--block-ms", str(block_ms),
         "--signers", "1", "--buyers", str(BUYERS), "--exit-with-parent"],
        cwd=DEVCHAIN_DIR, stdout=subprocess.PIPE, stderr=log, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    log.close()
    ready, _, _ = select.select([process.stdout], [], [], 60)
    line = process.stdout.readline() if ready else b""
    if not line:
        process.kill()
        process.wait()
        pytest.fail(f"the devchain printed no ready line; its log ends:\n{log_path.read_text()[-3000:]}")
    return process, json.loads(line)


def stop_devchain(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    process.stdout.close()


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    process, info = start_devchain(tmp_path_factory.mktemp("devchain") / "devchain.log", block_ms=1000)
    try:
        yield info
    finally:
        stop_devchain(process)


def requirements_for(chain: dict, pay_to: str) -> PaymentRequirements:
    return PaymentRequirements(scheme="exact", network=f"eip155:{chain['chain_id']}", asset=chain["usdc"],
                               amount=str(AMOUNT), pay_to=pay_to, max_timeout_seconds=300,
                               extra={"name": chain["usdc_name"], "version": chain["usdc_version"]})


def sign_payloads(chain: dict, requirements: PaymentRequirements, count: int) -> list[dict]:
    """count payments signed by the SDK's own client, round-robin over the devchain's buyers."""
    network = requirements.network
    clients = []
    for buyer in chain["buyers"]:
        client = x402ClientSync()
        client.register(network, ExactEvmScheme(EthAccountSigner(Account.from_key(buyer["private_key"]))))
        client.set_spend_controls({"allowed_assets": [{"network": network, "asset": requirements.asset}]})
        clients.append(client)
    required = PaymentRequired(accepts=[requirements])
    return [clients[i % len(clients)].create_payment_payload(required).model_dump(by_alias=True, exclude_none=True)
            for i in range(count)]


def write_input(path: Path, chain: dict, requirements: PaymentRequirements, payloads: list[dict]) -> Path:
    path.write_text(json.dumps({
        "rpc_url": chain["rpc_url"], "chain_id": chain["chain_id"],
        "facilitator_private_key": chain["signers"][0]["private_key"],
        "requirements": requirements.model_dump(by_alias=True, exclude_none=True),
        "payloads": payloads}))
    return path


def run_peer(input_path: Path, threads: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(PEER), "--input", str(input_path), "--threads", str(threads),
                           "--confirmation-timeout", "30"], capture_output=True, text=True, timeout=120)


def balances(chain: dict, addresses: list[str]) -> dict[str, int]:
    token = Web3(Web3.HTTPProvider(chain["rpc_url"])).eth.contract(address=chain["usdc"], abi=BALANCE_OF_ABI)
    return {address: token.functions.balanceOf(address).call() for address in addresses}


def check_result(completed: subprocess.CompletedProcess, threads: int, total: int) -> dict:
    assert completed.returncode == 0, completed.stderr[-3000:]
    lines = completed.stdout.splitlines()
    assert len(lines) == 1, completed.stdout
    result = json.loads(lines[0])
    assert set(result) == {"threads", "total", "settled", "failed", "seconds", "per_minute", "failures",
                           "settle_p50_ms", "settle_p99_ms"}
    assert result["threads"] == threads and result["total"] == total
    assert result["settled"] + result["failed"] == total
    assert sum(result["failures"].values()) == result["failed"]
    assert result["seconds"] > 0
    assert result["per_minute"] == pytest.approx(result["settled"] / result["seconds"] * 60, rel=0.01)
    return result


def settle_and_check_balances(chain: dict, tmp_path: Path, threads: int, count: int) -> tuple[Path, str]:
    pay_to = Account.create().address  # a fresh recipient: its balance is exactly what settled
    requirements = requirements_for(chain, pay_to)
    payloads = sign_payloads(chain, requirements, count)
    buyers = [buyer["address"] for buyer in chain["buyers"]]
    before = balances(chain, buyers + [pay_to])

    input_path = write_input(tmp_path / "input.json", chain, requirements, payloads)
    completed = run_peer(input_path, threads)
    result = check_result(completed, threads, count)
    print(f"threads {threads}: {completed.stdout.strip()}", file=sys.stderr)

    assert result["settled"] == count, result["failures"]
    assert result["failures"] == {}
    assert 0 < result["settle_p50_ms"] <= result["settle_p99_ms"]
    after = balances(chain, buyers + [pay_to])
    assert after[pay_to] - before[pay_to] == AMOUNT * count
    for index, buyer in enumerate(buyers):
        paid = sum(1 for i in range(count) if i % len(buyers) == index)
        assert before[buyer] - after[buyer] == AMOUNT * paid, buyer
    return input_path, pay_to


def test_one_at_a_time_settles_every_payment_and_a_replay_moves_nothing(chain, tmp_path):
    input_path, pay_to = settle_and_check_balances(chain, tmp_path, threads=1, count=10)

    # The same authorizations again: the SDK's verify simulates them and finds the nonces used.
    replay = check_result(run_peer(input_path, 2), 2, 10)
    assert replay["settled"] == 0 and replay["failed"] == 10
    assert replay["failures"] == {"invalid_exact_evm_nonce_already_used": 10}
    assert replay["settle_p50_ms"] is None and replay["settle_p99_ms"] is None
    assert replay["per_minute"] == 0
    assert balances(chain, [pay_to])[pay_to] == AMOUNT * 10


def test_eight_threads_sharing_one_signer_settle_every_payment(chain, tmp_path):
    settle_and_check_balances(chain, tmp_path, threads=8, count=40)


def test_bad_input_exits_2_with_a_message(chain, tmp_path, capsys):
    import facilitator_peer  # in-process: each interpreter start costs ~2-3 s of imports

    requirements = requirements_for(chain, Account.create().address)
    good = sign_payloads(chain, requirements, 1)
    cases = {
        "not json": "{",
        "no payloads": json.dumps({"rpc_url": chain["rpc_url"], "chain_id": chain["chain_id"],
                                   "facilitator_private_key": chain["signers"][0]["private_key"],
                                   "requirements": requirements.model_dump(by_alias=True), "payloads": []}),
        "wrong network": write_input(tmp_path / "w.json", {**chain, "chain_id": 1}, requirements, good).read_text(),
        "v1 payload": write_input(tmp_path / "v.json", chain, requirements, [{**good[0], "x402Version": 1}]).read_text(),
        "no authorization": write_input(tmp_path / "a.json", chain, requirements,
                                        [{**good[0], "payload": {"signature": "0x00"}}]).read_text(),
        "short key": write_input(tmp_path / "k.json", {**chain, "signers": [{"private_key": "0x1234"}]},
                                 requirements, good).read_text(),
    }
    for name, text in cases.items():
        path = tmp_path / "bad.json"
        path.write_text(text)
        assert facilitator_peer.main(["--input", str(path), "--threads", "1"]) == 2, name
        captured = capsys.readouterr()
        assert captured.out == "", name
        assert "bad input" in captured.err, (name, captured.err)
    assert facilitator_peer.main(["--input", str(tmp_path / "missing.json"), "--threads", "1"]) == 2
    assert "cannot read" in capsys.readouterr().err

    # The real process, once: the exit status the bench sees.
    path = tmp_path / "bad.json"
    path.write_text("{")
    completed = run_peer(path, 1)
    assert completed.returncode == 2 and completed.stdout == "" and "bad input" in completed.stderr


def test_help_explains_the_input_format(capsys):
    import facilitator_peer

    with pytest.raises(SystemExit) as exited:
        facilitator_peer.main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for words in ("x402FacilitatorSync", "--threads", "facilitator_private_key", "payloads", "per_minute"):
        assert words in out
