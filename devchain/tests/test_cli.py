"""`python -m devchain serve`: one JSON line when ready, clean exit on SIGTERM."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from helpers import RpcClient

DEVCHAIN_DIR = Path(__file__).resolve().parent.parent


def test_serve_prints_one_json_line_and_exits_zero_on_sigterm(tmp_path):
    deploy_json = tmp_path / "deploy.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "devchain", "serve", "--port", "0", "--block-ms", "200",
         "--signers", "2", "--buyers", "3", "--usdc-name", "USDC", "--deploy-json", str(deploy_json)],
        cwd=DEVCHAIN_DIR, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = proc.stdout.readline()
        info = json.loads(line)
        assert info["rpc_url"].startswith("http://127.0.0.1:")
        assert info["chain_id"] == 31337 and info["usdc_name"] == "USDC" and info["usdc_version"] == "2"
        assert info["receiver"] == info["mint_token"]
        assert len(info["signers"]) == 2 and len(info["buyers"]) == 3
        for account in [info["deployer"], info["minter"], *info["signers"], *info["buyers"]]:
            assert account["address"].startswith("0x") and len(account["private_key"]) == 66
        assert json.loads(deploy_json.read_text()) == info

        rpc = RpcClient(info["rpc_url"])
        assert rpc.call("eth_chainId") == "0x7a69"
        assert rpc.call("eth_getCode", info["usdc"], "latest") != "0x"
    finally:
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert out == ""  # nothing after the JSON line
    assert "private_key" not in err and info["deployer"]["private_key"] not in err


def test_keys_are_deterministic_across_runs():
    code = "import devchain, json; from devchain.keys import AccountSet; print(json.dumps(AccountSet.derive(1, 1).buyers[0].as_json()))"
    env = {**os.environ, "PYTHONPATH": str(DEVCHAIN_DIR)}
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    assert first == second and json.loads(first)["address"].startswith("0x")


def test_exit_with_parent_stops_the_node_when_its_parent_dies():
    # A shell starts the node in the background, prints its pid, and exits soon after.
    script = (f"{sys.executable} -m devchain serve --block-ms 0 --exit-with-parent "
              f"--signers 1 --buyers 1 >/dev/null 2>&1 & echo $!; sleep 1")
    pid = int(subprocess.run(["sh", "-c", script], cwd=DEVCHAIN_DIR, capture_output=True, text=True,
                             check=True).stdout)
    import time
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    raise AssertionError("node outlived its parent")
