"""Prometheus metrics of the Exstream client: request latency by operation and status, breaker state.

The client takes an :class:`ExstreamMetrics` as an optional constructor argument; the process that owns
the registry (the consumer runtime) builds it, so the client itself never touches a global registry and
works bare in tests and tools. Labels are bounded: ``operation`` is one of the client's fixed operation
names (``token``, ``generate``, ``submit_batch``, ``get_job``, ``find_jobs``, …), ``status`` an HTTP status
class (``2xx`` … ``5xx``) or ``timeout``/``connection_error``/``circuit_open``, ``endpoint`` one of
``generate``, ``batch``, ``runtime``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
from prometheus_client import CollectorRegistry, Gauge, Histogram

from bcx.exstream.breaker import BreakerState

_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)

#: the gauge's value per breaker state (ordered by severity so ``max`` over pods is meaningful)
CIRCUIT_VALUES = {BreakerState.CLOSED: 0.0, BreakerState.HALF_OPEN: 1.0, BreakerState.OPEN: 2.0}

TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"
CIRCUIT_OPEN = "circuit_open"


def status_class(status_code: int) -> str:
    """``2xx``, ``4xx``, … for an HTTP status code (one label value per class, not per code)."""
    return f"{status_code // 100}xx"


def transport_status(exc: httpx.TransportError) -> str:
    """The status label of a request that got no HTTP answer: it timed out, or the connection failed."""
    return TIMEOUT if isinstance(exc, httpx.TimeoutException) else CONNECTION_ERROR


class ExstreamMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self._duration = Histogram(
            "bcx_exstream_request_duration_seconds",
            "Exstream/OTDS HTTP requests by operation and status (2xx…5xx, timeout, connection_error, "
            "circuit_open). Rising 5xx/timeout: Exstream is degraded, tell its owners; 4xx on token: "
            "check the bcx-exstream credentials; circuit_open: calls refused while the breaker is open.",
            ["operation", "status"],
            buckets=_BUCKETS,
            registry=registry,
        )
        self._circuit = Gauge(
            "bcx_exstream_circuit_state",
            "Circuit breaker per Exstream endpoint: 0 closed, 1 half-open (probing), 2 open (no calls "
            "made). Open means consecutive failures; it probes by itself after the reset timeout.",
            ["endpoint"],
            registry=registry,
        )

    def request(self, operation: str, status: str, seconds: float) -> None:
        """One request of ``operation`` ended with ``status`` after ``seconds``."""
        self._duration.labels(operation, status).observe(max(0.0, seconds))

    def watch_circuit(self, endpoint: str, state: Callable[[], BreakerState]) -> None:
        """Report ``endpoint``'s breaker as ``state()`` reads it at each scrape (one client per registry)."""
        self._circuit.labels(endpoint).set_function(lambda: CIRCUIT_VALUES[state()])
