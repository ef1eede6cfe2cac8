"""The bridge's Prometheus metrics, on a registry passed in (served at ``/metrics`` by the bridge itself).

Labels are closed sets: ``outcome`` is ``accepted``, ``duplicate`` or a rejection reason code; ``scope`` is
the callback's scope with channel ids folded to ``{channel_id}``, and ``unauthenticated`` until the store
proved who it is (an attacker must not be able to mint label values).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from producers.webhook_bridge.success_ratio import SuccessRatio

UNAUTHENTICATED = "unauthenticated"
_CHANNEL = re.compile(r"^store/channel/\d+/")
_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def scope_label(scope: str) -> str:
    return _CHANNEL.sub("store/channel/{channel_id}/", scope)


class BridgeMetrics:
    def __init__(self, registry: CollectorRegistry, *, clock: Callable[[], float] = time.time) -> None:
        self.success_ratio = SuccessRatio()
        self._clock = clock
        self._children: dict[tuple[str, str], tuple[Any, Any]] = {}
        self.requests = Counter(
            "bcx_bridge_requests",
            "Webhook callbacks by scope and outcome. Rising invalid_secret/invalid_signature: a "
            "misconfigured store or forged calls; kafka_*: check broker health. 4xx count against "
            "BigCommerce's success ratio too.",
            ["scope", "outcome"],
            registry=registry,
        )
        self.request_latency = Histogram(
            "bcx_bridge_request_duration_seconds",
            "Time from request start to answer. BigCommerce's deadline is undocumented; "
            "keep p99 well under 1 s.",
            ["outcome"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.produce_latency = Histogram(
            "bcx_bridge_produce_duration_seconds",
            "Time from handing a record to the producer until the broker acknowledged it (acks=all). "
            "A rising tail means a slow or under-replicated cluster.",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        # Counted by the handler on the event loop's one thread; read when scraped (no lock per request).
        self.in_flight_now = 0
        self.in_flight = Gauge(
            "bcx_bridge_in_flight_requests",
            "Callbacks being handled now. Growing without bound means Kafka acknowledgements are slow.",
            registry=registry,
        )
        self.in_flight.set_function(lambda: self.in_flight_now)
        self.ratio = Gauge(
            "bcx_bridge_success_ratio",
            "Share of callbacks answered 2xx over the last 2 minutes, as BigCommerce computes it. Below "
            "0.9 (with 100+ requests) BigCommerce blocklists the domain for 3 minutes: fix rejections or "
            "Kafka now.",
            registry=registry,
        )
        self.ratio.set_function(lambda: self.success_ratio.ratio(self._clock()))
        self.window_requests = Gauge(
            "bcx_bridge_success_ratio_window_requests",
            "Callbacks in the 2-minute success-ratio window; BigCommerce ignores the ratio below 100.",
            registry=registry,
        )
        self.window_requests.set_function(lambda: self.success_ratio.counts(self._clock())[1])
        self.duplicates_remembered = Gauge(
            "bcx_bridge_duplicate_window_entries",
            "Event ids held in the in-memory duplicate window (bounded by BCX_BRIDGE__DEDUPE_MAX_ENTRIES).",
            registry=registry,
        )

    def track_duplicate_window(self, size: Callable[[], int]) -> None:
        """Report the duplicate window's size when scraped (rather than setting it per request)."""
        self.duplicates_remembered.set_function(size)

    def observe(self, scope: str, outcome: str, status: int, seconds: float) -> None:
        """Count one answered callback (``scope`` already a safe label) and feed the success ratio."""
        children = self._children.get((scope, outcome))
        if children is None:  # label lookups take a lock and hash; do them once per label pair
            children = (self.requests.labels(scope, outcome), self.request_latency.labels(outcome))
            self._children[(scope, outcome)] = children
        children[0].inc()
        children[1].observe(seconds)
        self.success_ratio.record(200 <= status < 300, self._clock())
