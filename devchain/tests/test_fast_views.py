"""Getters answered from state (devchain/fast_views.py) equal executing them, byte for byte.

Every request of a random, partly hostile mix is answered both ways at several states
(before and after payments, mints, a rollback that removes the contracts and the block
that brings them back); whenever the fast path answers, execution must have succeeded
with exactly that output. Whatever it declines must still be answered by execution, and
the JSON-RPC answers must be identical with the fast path on and off.
"""

import os
import random

from devchain.execution import CallRequest
from helpers import calldata
from test_call_equivalence import reference_execute

GETTER_SIGNATURES = {
    "usdc": ["authorizationState(address,bytes32)", "balanceOf(address)"],
    "mint_token": ["hasMinted(bytes32)", "balanceOf(address)", "isMinter(address)"],
}


def _addr(hex_address: str) -> bytes:
    return bytes.fromhex(hex_address[2:])


def _mutations(rng, data: bytes):
    """The honest calldata, and hostile variants of it."""
    yield data
    yield data + b"\0"  # one byte too many
    yield data[:-1]  # one too few
    yield data + os.urandom(32)  # an extra word
    if len(data) >= 36:
        dirty = bytearray(data)
        dirty[4 + rng.randrange(12)] = rng.randrange(1, 256)  # a high byte of the first word
        yield bytes(dirty)


def _requests(chain, rng, known):
    info = chain.info
    usdc, mint = _addr(chain.usdc), _addr(chain.mint_token)
    buyers = [b["address"] for b in info["buyers"]]
    people = buyers + [info["minter"]["address"], info["receiver"], info["deployer"]["address"],
                       "0x" + os.urandom(20).hex()]
    senders = [b"\0" * 20, _addr(buyers[0]), usdc]  # the zero address, a buyer, a contract
    datas = []
    for person in people:
        datas.append((usdc, calldata("balanceOf(address)", person)))
        datas.append((mint, calldata("balanceOf(address)", person)))
        datas.append((mint, calldata("isMinter(address)", person)))
        datas.append((usdc, calldata("authorizationState(address,bytes32)", person, os.urandom(32))))
    for authorizer, nonce in known["authorizations"]:
        datas.append((usdc, calldata("authorizationState(address,bytes32)", authorizer, nonce)))
    for tx_hash in known["minted"] + [os.urandom(32)]:
        datas.append((mint, calldata("hasMinted(bytes32)", tx_hash)))
    datas.append((usdc, calldata("hasMinted(bytes32)", os.urandom(32))))  # the other contract's getter
    datas.append((usdc, calldata("totalSupply()")))  # not a listed getter
    datas.append((_addr(info["multicall"]), calldata("balanceOf(address)", buyers[0])))  # not a listed contract
    out = []
    for to, data in datas:
        for variant in _mutations(rng, data):
            out.append(CallRequest(sender=rng.choice(senders), to=to, value=0, data=variant, gas=30_000_000))
        out.append(CallRequest(sender=senders[1], to=to, value=1, data=data, gas=30_000_000))
        out.append(CallRequest(sender=senders[0], to=to, value=0, data=data,
                               gas=rng.choice([22_000, 30_000, 99_999, 100_000, 2**64])))
    rng.shuffle(out)
    return out


def _compare_at_head(chain, rng, known) -> int:
    node = chain.service.node
    head = node.ledger.head
    timestamp = node.clock.peek_timestamp(head.header.timestamp)
    answered = 0
    for request in _requests(chain, rng, known):
        fast = node.fast_views.answer(head.header.state_root, request)
        if fast is None:
            continue
        error, output, _gas, logs = reference_execute(node.chain, head.header, timestamp, request, request.gas)
        assert (error, output, logs) == (None, fast, ()), request
        answered += 1
    return answered


def _pay_and_mint(chain, rng, known):
    info = chain.info
    signer = info["signers"][rng.randrange(4)]["private_key"]
    for _ in range(3):
        buyer = info["buyers"][rng.randrange(8)]
        auth = chain.authorization(buyer["private_key"], info["receiver"], rng.randrange(1, 1000))
        chain.relay(signer, auth)
        known["authorizations"].append((auth["from"], auth["nonce"]))
    hashes = [os.urandom(32) for _ in range(3)]
    chain.send(info["minter"]["private_key"], to=chain.mint_token,
               data=calldata("batchMint(address[],bytes32[])", [info["buyers"][0]["address"]] * 3, hashes),
               gas=1_000_000)
    known["minted"].extend(hashes)
    chain.mine()


def test_fast_getters_equal_execution_across_states(chain):
    rng = random.Random(7)
    known = {"authorizations": [], "minted": []}
    answered = _compare_at_head(chain, rng, known)
    for _ in range(2):
        _pay_and_mint(chain, rng, known)
        answered += _compare_at_head(chain, rng, known)
    assert answered > 150  # the honest requests are answered, not all declined

    node = chain.service.node
    # Genesis has no contracts: every request is declined there.
    genesis = node.ledger.by_number(0)
    assert all(node.fast_views.answer(genesis.header.state_root, r) is None for r in _requests(chain, rng, known))
    # Remove every block: the deployment goes back to the pool, the contracts vanish.
    chain.rpc.call("anvil_rollback", hex(chain.block_number()))
    assert chain.block_number() == 0
    assert _compare_at_head(chain, rng, known) == 0
    chain.mine()  # the deployment again: same addresses, same code
    assert _compare_at_head(chain, rng, known) > 50


def test_rpc_answers_are_identical_with_and_without_the_fast_path(chain):
    rng = random.Random(8)
    known = {"authorizations": [], "minted": []}
    _pay_and_mint(chain, rng, known)
    batch = []
    for i, request in enumerate(_requests(chain, rng, known)):
        tx = {"to": "0x" + request.to.hex(), "data": "0x" + request.data.hex()}
        if request.sender != b"\0" * 20:
            tx["from"] = "0x" + request.sender.hex()
        if request.value:
            tx["value"] = hex(request.value)
        if request.gas != 30_000_000:
            tx["gas"] = hex(request.gas)
        batch.append({"jsonrpc": "2.0", "id": i, "method": "eth_call", "params": [tx, rng.choice(["latest", "0x1"])]})
    node = chain.service.node
    _, fast = chain.rpc.post(batch)
    node.fast_views.enabled = False
    try:
        _, executed = chain.rpc.post(batch)
    finally:
        node.fast_views.enabled = True
    assert fast == executed
    assert sum("result" in r for r in fast) > 50 and sum("error" in r for r in fast) > 10
