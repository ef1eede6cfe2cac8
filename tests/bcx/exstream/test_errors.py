"""Classification of Exstream replies and transport failures into bcx's error hierarchy."""

from __future__ import annotations

import httpx
import pytest

from bcx.errors import BcxError
from bcx.exstream.breaker import BreakerState
from bcx.exstream.classify import classify_status, parse_retry_after, trace_id_from
from bcx.exstream.errors import (
    CircuitOpenError,
    ExstreamError,
    ExstreamRateLimitedError,
    ExstreamRequestError,
    ExstreamTimeoutError,
    ExstreamUnavailableError,
    OutcomeUnknownError,
    PermanentExstreamError,
    RetryableExstreamError,
)
from tests.bcx.exstream.fakes import FakeClock, envelope, make_client, token_reply


class TestClassifyStatus:
    @pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
    def test_client_errors_are_permanent(self, status: int) -> None:
        """4xx request problems are permanent and carry the status code."""
        error = classify_status(status, headers={}, body=None, idempotent=False, operation="op")
        assert isinstance(error, ExstreamRequestError)
        assert isinstance(error, PermanentExstreamError)
        assert error.status_code == status
        assert not error.retryable

    @pytest.mark.parametrize("status", [500, 502, 503, 504])
    def test_server_errors_on_reads_are_retryable(self, status: int) -> None:
        """5xx on an idempotent call is retryable."""
        error = classify_status(status, headers={}, body=None, idempotent=True, operation="op")
        assert isinstance(error, ExstreamUnavailableError)
        assert error.retryable

    def test_gateway_timeout_on_a_post_is_outcome_unknown(self) -> None:
        """504 on a generate may hide a processed request: outcome unknown."""
        error = classify_status(504, headers={}, body=None, idempotent=False, operation="op")
        assert isinstance(error, OutcomeUnknownError)

    def test_429_carries_retry_after(self) -> None:
        """429 is retryable and exposes the Retry-After delay."""
        error = classify_status(
            429, headers={"Retry-After": "7"}, body=None, idempotent=False, operation="op"
        )
        assert isinstance(error, ExstreamRateLimitedError)
        assert error.retry_after == 7

    def test_trace_id_from_body_or_headers(self) -> None:
        """The trace id comes from the body's traceId, else B3 or W3C headers."""
        assert trace_id_from({}, {"traceId": "b"}) == "b"
        assert trace_id_from({"X-B3-TraceId": "h"}) == "h"
        assert trace_id_from({"traceparent": "00-abc-def-01"}) == "abc"

    def test_retry_after_http_date(self) -> None:
        """Retry-After as an HTTP date is converted to seconds from now."""
        assert parse_retry_after("Thu, 01 Jan 1970 00:01:40 GMT", now_epoch=40) == pytest.approx(60)

    def test_everything_is_a_bcx_error(self) -> None:
        """Consumers can catch BcxError and classify on ExstreamError.retryable."""
        assert issubclass(ExstreamError, BcxError)
        assert issubclass(CircuitOpenError, RetryableExstreamError)


def _failing(exc: Exception) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/token"):
            return token_reply(request, [])
        raise exc

    return httpx.MockTransport(handler)


class TestTransportFailures:
    @pytest.mark.parametrize(
        ("exc", "expected"),
        [
            (httpx.ConnectError("refused"), ExstreamUnavailableError),
            (httpx.ConnectTimeout("slow"), ExstreamTimeoutError),
            (httpx.ReadTimeout("slow"), OutcomeUnknownError),
            (httpx.RemoteProtocolError("closed"), OutcomeUnknownError),
        ],
    )
    async def test_generate_failures(self, exc: Exception, expected: type[ExstreamError]) -> None:
        """A POST failing after sending is outcome-unknown; before sending it is plainly retryable."""

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            raise exc

        async with make_client(handler) as client:
            with pytest.raises(expected):
                await client.generate(communication_id="c", driver_data_source="D", driver_data={})

    async def test_read_timeout_on_get_is_retryable(self) -> None:
        """A read timeout on an idempotent job look-up is an ordinary retryable timeout."""

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            raise httpx.ReadTimeout("slow")

        async with make_client(handler) as client:
            with pytest.raises(ExstreamTimeoutError):
                await client.get_job("j")


class TestCircuitBreakerIntegration:
    async def test_opens_after_failures_then_recovers(self) -> None:
        """Three 503s open the breaker; calls fail fast until the timeout, then a success closes it."""
        clock = FakeClock()
        healthy = {"value": False}
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [], expires_in=10_000)
            calls.append(request.url.path)
            if healthy["value"]:
                return httpx.Response(200, json=envelope((b"%PDF", "application/pdf", "a.pdf")))
            return httpx.Response(503)

        async with make_client(handler, clock, breaker_reset_timeout_s=30) as client:
            for _ in range(3):
                with pytest.raises(ExstreamUnavailableError):
                    await client.generate(communication_id="c", driver_data_source="D", driver_data={})
            with pytest.raises(CircuitOpenError):
                await client.generate(communication_id="c", driver_data_source="D", driver_data={})
            assert len(calls) == 3
            healthy["value"] = True
            clock.now += 31
            await client.generate(communication_id="c", driver_data_source="D", driver_data={})
            assert client.http.breakers["generate"].state(clock.now) is BreakerState.CLOSED
            assert client.http.breakers["runtime"].state(clock.now) is BreakerState.CLOSED

    async def test_client_errors_do_not_open_the_breaker(self) -> None:
        """Repeated 400s say our request is wrong, not that Exstream is down."""

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            return httpx.Response(400, json={"message": "bad"})

        async with make_client(handler) as client:
            for _ in range(5):
                with pytest.raises(ExstreamRequestError):
                    await client.generate(communication_id="c", driver_data_source="D", driver_data={})
