"""The HTTP layer: auth headers, retries with backoff, 429 waits, error translation, budgets, concurrency."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bcx.bigcommerce.errors import (
    AuthError,
    ClientError,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
)
from bcx.bigcommerce.http import ApiResponse
from bcx.errors import BcxError, ConfigurationError
from tests.bcx.bigcommerce.fakes import STORE, TOKEN, FakeClock, http_with


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def sequence(*responses: httpx.Response | Exception) -> tuple[list[httpx.Request], Any]:
    seen: list[httpx.Request] = []
    remaining = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = remaining.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return seen, handler


async def call(
    http: Any, method: str = "GET", path: str = "/orders/1", api: str = "v2", **kw: Any
) -> ApiResponse:
    try:
        response: ApiResponse = await http.request(STORE, api, method, path, **kw)
        return response
    finally:
        await http.aclose()


class TestRequests:
    def test_rest_request_carries_token_and_store_path(self) -> None:
        """A v2 call goes to /stores/{hash}/v2 with X-Auth-Token and JSON accept."""
        seen, handler = sequence(httpx.Response(200, json={"id": 1}))
        response = run(call(http_with(handler, FakeClock())))
        assert response.body == {"id": 1}
        assert str(seen[0].url) == f"https://bc.test/stores/{STORE}/v2/orders/1"
        assert seen[0].headers["x-auth-token"] == TOKEN
        assert seen[0].headers["accept"] == "application/json"

    def test_b2b_request_uses_its_host_and_store_hash_header(self) -> None:
        """B2B Edition calls go to /api/v3/io with X-Auth-Token and X-Store-Hash; invoices under /ip."""
        seen, handler = sequence(
            httpx.Response(200, json={"code": 200, "data": {}}), httpx.Response(200, json={})
        )
        clock = FakeClock()
        run(call(http_with(handler, clock), path="/companies/1", api="b2b"))
        run(call(http_with(handler, clock), path="/invoices", api="b2b_ip"))
        assert str(seen[0].url) == "https://b2b.test/api/v3/io/companies/1"
        assert str(seen[1].url) == "https://b2b.test/api/v3/io/ip/invoices"
        assert seen[0].headers["x-store-hash"] == STORE

    def test_no_content_is_an_empty_body(self) -> None:
        """204 answers a None body (BigCommerce's empty sub-collection)."""
        _, handler = sequence(httpx.Response(204))
        assert run(call(http_with(handler, FakeClock()))).body is None

    def test_unknown_store_is_a_configuration_error(self) -> None:
        """Asking for a store without credentials fails before any I/O."""
        _, handler = sequence()
        http = http_with(handler, FakeClock())
        with pytest.raises(ConfigurationError):
            run(http.request("other", "v2", "GET", "/store"))


class TestRetries:
    def test_get_is_retried_on_5xx_with_exponential_backoff(self) -> None:
        """Two 503s then 200: two backoff sleeps (1 s·2⁰, 1 s·2¹, halved by the jitter) and success."""
        seen, handler = sequence(httpx.Response(503), httpx.Response(502), httpx.Response(200, json={}))
        clock = FakeClock()
        run(call(http_with(handler, clock)))
        assert len(seen) == 3
        assert clock.sleeps == [0.5, 1.0]

    def test_gives_up_after_max_attempts_with_a_retryable_error(self) -> None:
        """Persistent 500s end in ServerError (retryable) after three attempts."""
        seen, handler = sequence(*(httpx.Response(500) for _ in range(3)))
        with pytest.raises(ServerError) as caught:
            run(call(http_with(handler, FakeClock())))
        assert caught.value.retryable
        assert caught.value.status == 500
        assert isinstance(caught.value, BcxError)
        assert len(seen) == 3

    def test_post_is_not_repeated_after_a_5xx(self) -> None:
        """A POST whose outcome is unknown (500) is not blindly re-sent."""
        seen, handler = sequence(httpx.Response(500))
        with pytest.raises(ServerError):
            run(call(http_with(handler, FakeClock()), method="POST", path="/hooks", api="v3", json={}))
        assert len(seen) == 1

    def test_post_is_repeated_when_the_connection_never_opened(self) -> None:
        """A connect error means the POST never arrived, so it is safe to retry."""
        seen, handler = sequence(httpx.ConnectError("refused"), httpx.Response(200, json={"data": {}}))
        run(call(http_with(handler, FakeClock()), method="POST", path="/hooks", api="v3", json={}))
        assert len(seen) == 2

    def test_timeouts_become_transport_errors(self) -> None:
        """Read timeouts on a GET are retried, then surface as TransportError with the cause chained."""
        _, handler = sequence(*(httpx.ReadTimeout("slow") for _ in range(3)))
        with pytest.raises(TransportError) as caught:
            run(call(http_with(handler, FakeClock())))
        assert isinstance(caught.value.__cause__, httpx.ReadTimeout)

    @pytest.mark.parametrize(
        ("status", "error"), [(401, AuthError), (403, AuthError), (400, ClientError), (422, ClientError)]
    )
    def test_4xx_fail_at_once(self, status: int, error: type[Exception]) -> None:
        """4xx other than 429 are permanent: one request, no sleep."""
        seen, handler = sequence(httpx.Response(status, json={"title": "bad"}))
        clock = FakeClock()
        with pytest.raises(error):
            run(call(http_with(handler, clock)))
        assert len(seen) == 1
        assert clock.sleeps == []

    def test_404_names_the_missing_resource(self) -> None:
        """A 404 is NotFound carrying the resource kind and id given by the caller."""
        _, handler = sequence(httpx.Response(404, json={"status": 404}))
        with pytest.raises(NotFound) as caught:
            run(call(http_with(handler, FakeClock()), resource="order", resource_id=77))
        assert (caught.value.resource, caught.value.resource_id) == ("order", "77")
        assert not caught.value.retryable


class TestRateLimits:
    def test_429_waits_for_the_reset_then_repeats(self) -> None:
        """A 429 with X-Rate-Limit-Time-Reset-Ms 1500 sleeps 1.5 s and the repeat succeeds."""
        limited = httpx.Response(
            429, headers={"X-Rate-Limit-Time-Reset-Ms": "1500", "X-Rate-Limit-Requests-Left": "0"}
        )
        seen, handler = sequence(limited, httpx.Response(200, json={}))
        clock = FakeClock()
        run(call(http_with(handler, clock), method="POST", api="v3", path="/hooks", json={}))
        assert len(seen) == 2
        assert clock.sleeps[0] == pytest.approx(1.5)

    def test_endless_429s_end_in_rate_limited(self) -> None:
        """After the bounded number of 429 waits the call fails with RateLimited (retryable)."""
        responses = [httpx.Response(429, headers={"X-Rate-Limit-Time-Reset-Ms": "10"}) for _ in range(11)]
        _, handler = sequence(*responses)
        with pytest.raises(RateLimited) as caught:
            run(call(http_with(handler, FakeClock())))
        assert caught.value.reset_after_s == pytest.approx(0.01)

    def test_spent_budget_waits_before_sending(self) -> None:
        """After "0 left, reset in 2 s" the next request first sleeps 2 s instead of provoking a 429."""
        spent = httpx.Response(
            200, json={}, headers={"X-Rate-Limit-Requests-Left": "0", "X-Rate-Limit-Time-Reset-Ms": "2000"}
        )
        _, handler = sequence(spent, httpx.Response(200, json={}))
        clock = FakeClock()
        http = http_with(handler, clock)

        async def two() -> None:
            await http.request(STORE, "v2", "GET", "/orders/1")
            await http.request(STORE, "v2", "GET", "/orders/2")
            await http.aclose()

        run(two())
        assert clock.sleeps == [pytest.approx(2.0)]

    def test_b2b_window_limits_requests_per_minute(self) -> None:
        """With a B2B window of 2 per 60 s the third call waits for the window to end."""
        _, handler = sequence(*(httpx.Response(200, json={}) for _ in range(3)))
        clock = FakeClock()
        http = http_with(handler, clock, b2b_requests_per_window=2)

        async def three() -> None:
            for _ in range(3):
                await http.request(STORE, "b2b", "GET", "/companies")
            await http.aclose()

        run(three())
        assert clock.sleeps == [pytest.approx(60.0)]

    def test_concurrency_per_store_is_capped(self) -> None:
        """No more than concurrency_per_store requests to one store are in flight at once."""
        in_flight = 0
        peak = 0

        async def handler(request: httpx.Request) -> httpx.Response:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.001)
            in_flight -= 1
            return httpx.Response(200, json={})

        http = http_with(handler, FakeClock(), concurrency_per_store=2)

        async def many() -> None:
            await asyncio.gather(*(http.request(STORE, "v2", "GET", f"/orders/{i}") for i in range(8)))
            await http.aclose()

        run(many())
        assert peak == 2
