# pragma version ~=0.4.3
# A minimal multicall: runs each (target, data) call in order, in one transaction, and reverts
# the whole transaction if any call reverts. Facilitators settle several x402 payments this way
# (Multicall3's aggregate); the settlement engine's tests use it to put several
# transferWithAuthorization calls, ours and an attacker's, into one receipt.


struct Call:
    target: address
    data: Bytes[2048]


@external
def aggregate(calls: DynArray[Call, 64]) -> uint256:
    for c: Call in calls:
        raw_call(c.target, c.data)
    return len(calls)
