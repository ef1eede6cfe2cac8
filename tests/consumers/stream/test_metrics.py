"""The processing loop's lock-free histogram exposes what prometheus_client's own histogram would."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Histogram, generate_latest

from consumers.stream.metrics import LoopHistogram

BUCKETS = (0.005, 0.01, 0.1, 1, 2.5)
VALUES = (0.0, 0.005, 0.007, 0.01, 0.5, 1.0, 2.5, 3.0, 120.0, 0.05)


def exposition(registry: CollectorRegistry) -> list[str]:
    """The scraped lines, without the ``_created`` series only prometheus_client's histogram has."""
    return [line for line in generate_latest(registry).decode().splitlines() if "_created" not in line]


class TestLoopHistogram:
    def test_scrapes_exactly_as_a_prometheus_client_histogram_given_the_same_values(self) -> None:
        """Same HELP and TYPE, the same cumulative buckets (a value on a bound counts in it), count and
        sum."""
        ours, theirs = CollectorRegistry(), CollectorRegistry()
        loop = LoopHistogram("t_seconds", "doc", "g", BUCKETS, ours)
        reference = Histogram("t_seconds", "doc", ["group"], buckets=BUCKETS, registry=theirs).labels("g")
        for value in VALUES:
            loop.observe(value)
            reference.observe(value)
        assert exposition(ours) == exposition(theirs)
        assert ours.get_sample_value("t_seconds_bucket", {"group": "g", "le": "0.01"}) == 4
        assert ours.get_sample_value("t_seconds_count", {"group": "g"}) == len(VALUES)

    def test_an_unobserved_histogram_scrapes_zeros(self) -> None:
        """Scraped before any record finished: every bucket, the count and the sum are 0."""
        registry = CollectorRegistry()
        LoopHistogram("t_seconds", "doc", "g", BUCKETS, registry)
        assert registry.get_sample_value("t_seconds_bucket", {"group": "g", "le": "+Inf"}) == 0
        assert registry.get_sample_value("t_seconds_sum", {"group": "g"}) == 0
