"""Exstream client metrics: request latency by operation and status class, and the breaker state gauge."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
from prometheus_client import REGISTRY, CollectorRegistry

from bcx.exstream.breaker import BreakerState
from bcx.exstream.client import ExstreamClient
from bcx.exstream.errors import (
    CircuitOpenError,
    ExstreamRequestError,
    ExstreamTimeoutError,
    ExstreamUnavailableError,
)
from bcx.exstream.metrics import ExstreamMetrics, status_class, transport_status
from tests.bcx.exstream.fakes import FakeClock, envelope, settings, token_reply

DURATION = "bcx_exstream_request_duration_seconds"


class Observed:
    """A client on a MockTransport whose handler advances the clock, with metrics on a fresh registry."""

    def __init__(self, handler: Callable[[httpx.Request], httpx.Response], **overrides: object) -> None:
        self.clock = FakeClock()
        self.registry = CollectorRegistry()

        def timed(request: httpx.Request) -> httpx.Response:
            self.clock.now += 0.25  # every request "takes" 250 ms
            return handler(request)

        self.client = ExstreamClient(
            settings(**overrides),
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(timed)),
            clock=self.clock,
            metrics=ExstreamMetrics(self.registry),
        )

    def count(self, operation: str, status: str) -> float:
        value = self.registry.get_sample_value(
            f"{DURATION}_count", {"operation": operation, "status": status}
        )
        return value or 0.0

    def seconds(self, operation: str, status: str) -> float:
        value = self.registry.get_sample_value(f"{DURATION}_sum", {"operation": operation, "status": status})
        return value or 0.0

    def circuit(self, endpoint: str) -> float | None:
        return self.registry.get_sample_value("bcx_exstream_circuit_state", {"endpoint": endpoint})


async def _generate(client: ExstreamClient) -> None:
    await client.generate(communication_id="c", driver_data_source="D", driver_data={})


def _ok(request: httpx.Request) -> httpx.Response:
    if request.url.path.endswith("/token"):
        return token_reply(request, [])
    return httpx.Response(200, json=envelope((b"%PDF", "application/pdf", "a.pdf")))


class TestLabels:
    def test_status_classes(self) -> None:
        """Status codes collapse to one label value per class."""
        assert [status_class(c) for c in (200, 201, 404, 429, 503)] == ["2xx", "2xx", "4xx", "4xx", "5xx"]

    def test_transport_failures(self) -> None:
        """Any httpx timeout is 'timeout'; other transport failures are 'connection_error'."""
        assert transport_status(httpx.ReadTimeout("slow")) == "timeout"
        assert transport_status(httpx.ConnectTimeout("slow")) == "timeout"
        assert transport_status(httpx.ConnectError("refused")) == "connection_error"
        assert transport_status(httpx.RemoteProtocolError("reset")) == "connection_error"


class TestRequestLatency:
    async def test_success_observes_token_and_generate(self) -> None:
        """A generate call records the token request and the generate request with their durations."""
        observed = Observed(_ok)
        async with observed.client as client:
            await _generate(client)
        assert observed.count("token", "2xx") == 1
        assert observed.count("generate", "2xx") == 1
        assert observed.seconds("generate", "2xx") == pytest.approx(0.25)

    async def test_each_http_request_is_observed_including_the_401_retry(self) -> None:
        """A refused token makes two generate requests: one 4xx, then one 2xx with the fresh token."""
        fetched: list[int] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, fetched)
            if request.headers["authorization"] == "Bearer tok-1":
                return httpx.Response(401, json={"error": "invalid_token"})
            return httpx.Response(200, json=envelope((b"%PDF", "application/pdf", "a.pdf")))

        observed = Observed(handler)
        async with observed.client as client:
            await _generate(client)
        assert observed.count("generate", "4xx") == 1
        assert observed.count("generate", "2xx") == 1
        assert observed.count("token", "2xx") == 2

    async def test_server_errors_and_rejections_by_class(self) -> None:
        """A 503 on a job look-up is 5xx, a 400 on generate is 4xx, under each call's operation name."""

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            if "/runtime/" in request.url.path:
                return httpx.Response(503)
            return httpx.Response(400, json={"message": "bad driver data"})

        observed = Observed(handler, retry_500_with_fresh_token=False)
        async with observed.client as client:
            with pytest.raises(ExstreamUnavailableError):
                await client.get_job("j-1")
            with pytest.raises(ExstreamRequestError):
                await _generate(client)
        assert observed.count("get_job", "5xx") == 1
        assert observed.count("generate", "4xx") == 1

    async def test_timeouts_and_connection_errors(self) -> None:
        """Requests without an HTTP answer are labelled timeout or connection_error."""

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            if request.url.path.endswith("/jobs"):
                raise httpx.ReadTimeout("no answer", request=request)
            raise httpx.ConnectError("connection refused", request=request)

        observed = Observed(handler)
        async with observed.client as client:
            with pytest.raises(ExstreamUnavailableError):
                await client.get_job("j-1")
            with pytest.raises(ExstreamTimeoutError):
                await client.find_jobs(reference="r")
        assert observed.count("get_job", "connection_error") == 1
        assert observed.count("find_jobs", "timeout") == 1

    async def test_token_timeout_is_observed_as_token(self) -> None:
        """An OTDS request that times out is recorded under operation token, status timeout."""

        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectTimeout("OTDS is slow", request=request)

        observed = Observed(handler)
        async with observed.client as client:
            with pytest.raises(ExstreamTimeoutError):
                await client.get_job("j-1")
        assert observed.count("token", "timeout") == 1
        assert observed.count("get_job", "timeout") == 0

    async def test_a_bare_client_works_without_metrics(self) -> None:
        """Without an ExstreamMetrics the client makes the same calls and records nothing anywhere."""
        client = ExstreamClient(
            settings(), http_client=httpx.AsyncClient(transport=httpx.MockTransport(_ok)), clock=FakeClock()
        )
        async with client:
            await _generate(client)
        assert (
            REGISTRY.get_sample_value(f"{DURATION}_count", {"operation": "generate", "status": "2xx"}) is None
        )


class TestCircuitGauge:
    async def test_gauge_follows_the_breaker_through_open_half_open_closed(self) -> None:
        """Closed is 0; consecutive failures open it (2) and refused calls count as circuit_open;
        after the reset timeout it reads half-open (1); a successful probe closes it (0)."""
        healthy = False

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            if not healthy:
                return httpx.Response(503)
            return httpx.Response(200, json={"data": []})

        observed = Observed(handler, retry_500_with_fresh_token=False, breaker_reset_timeout_s=30)
        assert observed.circuit("runtime") == 0
        async with observed.client as client:
            for _ in range(3):  # the fake settings' breaker_failure_threshold
                with pytest.raises(ExstreamUnavailableError):
                    await client.find_jobs(reference="r")
            assert observed.circuit("runtime") == 2
            assert observed.circuit("generate") == 0  # breakers are per endpoint
            with pytest.raises(CircuitOpenError):
                await client.find_jobs(reference="r")
            assert observed.count("find_jobs", "circuit_open") == 1
            assert observed.count("find_jobs", "5xx") == 3
            observed.clock.now += 30
            assert observed.circuit("runtime") == 1
            assert client.http.breakers["runtime"].peek(observed.clock()) is BreakerState.HALF_OPEN
            healthy = True
            await client.find_jobs(reference="r")
        assert observed.circuit("runtime") == 0

    def test_reading_the_gauge_does_not_consume_a_half_open_trial(self) -> None:
        """Scrapes only peek: a half-open breaker still lets its trial call through afterwards."""
        registry = CollectorRegistry()
        clock = FakeClock()
        client = ExstreamClient(
            settings(breaker_reset_timeout_s=10),
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(_ok)),
            clock=clock,
            metrics=ExstreamMetrics(registry),
        )
        breaker = client.http.breakers["generate"]
        for _ in range(3):
            breaker.record_failure(clock())
        clock.now += 10
        for _ in range(5):
            assert registry.get_sample_value("bcx_exstream_circuit_state", {"endpoint": "generate"}) == 1
        assert breaker.try_acquire(clock())
