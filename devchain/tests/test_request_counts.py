"""devchain_requestCounts: the traffic a benchmark divides by its payments."""


def test_counts_requests_calls_and_methods_but_not_control_methods(chain):
    chain.rpc.call("devchain_requestCounts", True)  # start from zero
    chain.rpc.call("eth_blockNumber")
    batch = [chain.rpc.request("eth_chainId"), chain.rpc.request("eth_blockNumber"), chain.rpc.request("eth_chainId")]
    status, _ = chain.rpc.post(batch)
    assert status == 200
    chain.mine()  # evm_mine: a control method, not counted
    counts = chain.rpc.call("devchain_requestCounts")
    assert counts == {"httpRequests": 2, "calls": 4, "methods": {"eth_blockNumber": 2, "eth_chainId": 2}}


def test_reset_returns_the_counts_then_zeroes_them(chain):
    chain.rpc.call("devchain_requestCounts", True)
    chain.rpc.call("eth_chainId")
    assert chain.rpc.call("devchain_requestCounts", True)["calls"] == 1
    assert chain.rpc.call("devchain_requestCounts") == {"httpRequests": 0, "calls": 0, "methods": {}}


def test_injected_failures_still_count_as_requests_made(chain):
    chain.rpc.call("devchain_requestCounts", True)
    chain.rpc.call("devchain_failNextRequests", 1, "http503")
    status, _ = chain.rpc.post(chain.rpc.request("eth_chainId"))
    assert status == 503
    assert chain.rpc.call("devchain_requestCounts")["httpRequests"] == 1
