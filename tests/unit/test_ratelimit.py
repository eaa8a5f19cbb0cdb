"""The token bucket's arithmetic, on a fake clock; client keys never hold the key itself."""

from __future__ import annotations

from search_api.ratelimit import TokenBuckets, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_refill_at_rate() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, clock=clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == 0.5  # one token comes back in 1/rate s
    clock.now += 0.25
    assert buckets.take("a") == 0.25
    clock.now += 0.25
    assert buckets.take("a") == 0.0
    clock.now += 60  # refills to the burst, never beyond
    assert [buckets.take("a") for _ in range(4)][-1] > 0
    assert buckets.take("b") == 0.0  # buckets are per client


def test_refused_requests_do_not_drain_the_bucket_further() -> None:
    clock = Clock()
    buckets = TokenBuckets(rate=1.0, burst=1, clock=clock)
    assert buckets.take("a") == 0.0
    for _ in range(10):
        assert buckets.take("a") == 1.0
    clock.now += 1.0
    assert buckets.take("a") == 0.0


def test_client_keys_hash_the_credential() -> None:
    bearer = client_key({b"authorization": b"Bearer s3cret"}, "10.0.0.1")
    header = client_key({b"x-api-key": b"s3cret"}, "10.0.0.2")
    assert bearer == header and bearer.startswith("key:") and "s3cret" not in bearer
    assert client_key({}, "10.0.0.1") == "addr:10.0.0.1"
    assert client_key({b"authorization": b"Basic abc"}, "10.0.0.1") == "addr:10.0.0.1"
