"""The compile cache returns exactly what vyper produces."""

from devchain import compiler


def test_cached_bytecode_equals_a_fresh_compile(tmp_path, monkeypatch):
    monkeypatch.setenv("DEVCHAIN_CACHE_DIR", str(tmp_path))
    compiler.compile_contract.cache_clear()
    try:
        first = compiler.compile_contract("mint_token")
        assert len(list(tmp_path.glob("mint_token-*.json"))) == 1
        compiler.compile_contract.cache_clear()
        second = compiler.compile_contract("mint_token")  # from the disk cache
        source = (compiler.CONTRACTS_DIR / "mint_token.vy").read_text()
        fresh = compiler._compile(source)
        assert first == second
        assert second.bytecode.hex() == fresh["bytecode"][2:] and second.abi == fresh["abi"]
    finally:
        compiler.compile_contract.cache_clear()
