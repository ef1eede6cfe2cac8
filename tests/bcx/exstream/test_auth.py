"""OTDS token caching, proactive refresh and the retry after a refused token."""

from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest

from bcx.exstream.errors import ExstreamAuthError, InvalidResponseError
from bcx.exstream.token_cache import AccessToken, TokenCache, parse_token_response
from tests.bcx.exstream.fakes import FakeClock, body_of, envelope, make_client, token_reply

GEN = "/orchestration/api/v1/inputs/ondemand/dom/generate"


class TestTokenCache:
    def test_fresh_until_refresh_ratio(self) -> None:
        """A token is reused until 80% of its lifetime has passed, then must be refetched."""
        cache = TokenCache(refresh_ratio=0.8)
        cache.put(AccessToken("t", obtained_at=0, expires_in_s=100))
        assert cache.current(79.9) is not None
        assert cache.current(80) is None

    def test_invalidate_only_the_refused_token(self) -> None:
        """Invalidating an older token value leaves a newer cached token in place."""
        cache = TokenCache()
        cache.put(AccessToken("new", obtained_at=0, expires_in_s=100))
        cache.invalidate("old")
        assert cache.current(1) is not None
        cache.invalidate("new")
        assert cache.current(1) is None

    def test_parse_rejects_missing_token(self) -> None:
        """A token reply without access_token is an invalid response."""
        with pytest.raises(InvalidResponseError):
            parse_token_response({"token_type": "Bearer"}, 0)

    def test_repr_hides_the_token(self) -> None:
        """The token value never appears in a repr (and so never in a log line)."""
        assert "secret-value" not in repr(AccessToken("secret-value", 0, 1))


class TestTokenProvider:
    async def test_token_is_cached_and_refreshed_before_expiry(self) -> None:
        """Calls reuse one token until the refresh point on the injected clock, then fetch a new one."""
        clock = FakeClock()
        fetched: list[int] = []
        seen: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, fetched)
            seen.append(request.headers["authorization"])
            return httpx.Response(200, json=envelope((b"%PDF", "application/pdf", "a.pdf")))

        async with make_client(handler, clock) as client:
            for _ in range(3):
                await client.generate(communication_id="c", driver_data_source="D", driver_data={})
            clock.now += 81
            await client.generate(communication_id="c", driver_data_source="D", driver_data={})
        assert len(fetched) == 2
        assert seen == ["Bearer tok-1"] * 3 + ["Bearer tok-2"]

    async def test_client_credentials_form_body(self) -> None:
        """The token request is a form-encoded client_credentials grant with the configured client."""
        captured: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                captured.append(request)
                return token_reply(request, [])
            return httpx.Response(200, json=envelope((b"x", "application/pdf", "a.pdf")))

        async with make_client(handler, scope="otds:groups") as client:
            await client.generate(communication_id="c", driver_data_source="D", driver_data={})
        form = parse_qs(captured[0].content.decode())
        assert form == {
            "grant_type": ["client_credentials"],
            "client_id": ["bcx"],
            "client_secret": ["s3cret"],
            "scope": ["otds:groups"],
        }

    async def test_json_body_and_tenant_url(self) -> None:
        """The gateway form posts JSON to the tenant URL built from the {tenant} placeholder."""
        captured: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                captured.append(request)
                return token_reply(request, [])
            return httpx.Response(200, json=envelope((b"x", "application/pdf", "a.pdf")))

        async with make_client(
            handler,
            token_url="http://exstream.test/tenants/{tenant}/oauth2/token",
            tenant="t-1",
            token_request_format="json",
        ) as client:
            await client.generate(communication_id="c", driver_data_source="D", driver_data={})
        assert captured[0].url.path == "/tenants/t-1/oauth2/token"
        assert body_of(captured[0])["grant_type"] == "client_credentials"

    async def test_401_refreshes_and_retries_once(self) -> None:
        """A 401 with a cached token triggers one new token and one retry, transparently."""
        fetched: list[int] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, fetched)
            if request.headers["authorization"] == "Bearer tok-1":
                return httpx.Response(401, json={"error": "invalid_token"})
            return httpx.Response(200, json=envelope((b"%PDF", "application/pdf", "a.pdf")))

        async with make_client(handler) as client:
            result = await client.generate(communication_id="c", driver_data_source="D", driver_data={})
        assert result.documents[0].content == b"%PDF"
        assert len(fetched) == 2

    async def test_500_with_stale_token_refreshes_once(self) -> None:
        """A 500 (the SDK's expired-token symptom) is retried once with a fresh token."""
        fetched: list[int] = []

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, fetched)
            if request.headers["authorization"] == "Bearer tok-1":
                return httpx.Response(500, json={"status": 500})
            return httpx.Response(200, json=envelope((b"ok", "application/pdf", "a.pdf")))

        async with make_client(handler) as client:
            result = await client.generate(communication_id="c", driver_data_source="D", driver_data={})
        assert result.documents[0].content == b"ok"

    async def test_persistent_401_is_an_auth_error(self) -> None:
        """A token refused even after a refresh is a permanent authentication error."""

        def handler(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/token"):
                return token_reply(request, [])
            return httpx.Response(401)

        async with make_client(handler) as client:
            with pytest.raises(ExstreamAuthError) as info:
                await client.generate(communication_id="c", driver_data_source="D", driver_data={})
        assert not info.value.retryable

    async def test_refused_credentials_are_permanent(self) -> None:
        """OTDS answering invalid_client makes every call fail with a non-retryable auth error."""

        def handler(request: httpx.Request) -> httpx.Response:
            return httpx.Response(401, json={"error": "invalid_client"})

        async with make_client(handler) as client:
            with pytest.raises(ExstreamAuthError):
                await client.get_job("j")
