"""Settings of the BigCommerce adapter: per-store credentials, base URLs, limits and retry policy.

A process embeds :class:`BigCommerceSettings` in its own ``ProcessSettings`` (``BCX_BIGCOMMERCE__*``).
Base URLs are configurable so the simulator can stand in for BigCommerce; the defaults are production's.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from bcx.errors import ConfigurationError


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class StoreCredentials(_Section):
    """One store's API account: its hash (``stores/{hash}``) and access token (``X-Auth-Token``)."""

    store_hash: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    access_token: SecretStr
    #: OAuth client secret of the app/API account; keys the Standard Webhooks signature of callbacks.
    client_secret: SecretStr | None = None


class RetrySettings(_Section):
    """Exponential backoff with full jitter for 5xx and transport failures; 429 waits for the reset."""

    max_attempts: int = Field(default=5, ge=1, le=20)
    base_delay_s: float = Field(default=0.5, gt=0)
    max_delay_s: float = Field(default=30.0, gt=0)
    #: upper bound on a single wait for a rate-limit reset (BigCommerce windows are 30 s).
    max_rate_limit_wait_s: float = Field(default=60.0, gt=0)


class BigCommerceSettings(_Section):
    """How bcx talks to BigCommerce (``BCX_BIGCOMMERCE__*``)."""

    api_base_url: str = "https://api.bigcommerce.com"
    b2b_base_url: str = "https://api-b2b.bigcommerce.com"
    stores: tuple[StoreCredentials, ...] = ()
    timeout_s: float = Field(default=15.0, gt=0)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    #: requests in flight per store at once (BigCommerce throttles bursts even inside the quota).
    concurrency_per_store: int = Field(default=4, ge=1, le=64)
    #: requests kept in reserve for other apps sharing the store's quota; we wait for the reset below it.
    reserve_requests: int = Field(default=2, ge=0)
    #: B2B Edition: 150 requests per 60 s per store across all integrations.
    b2b_requests_per_window: int = Field(default=150, ge=1)
    b2b_window_s: float = Field(default=60.0, gt=0)
    retry: RetrySettings = RetrySettings()
    user_agent: str = "bcx/0.1 (+https://github.com/bcx)"

    @field_validator("api_base_url", "b2b_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    def require_stores(self) -> None:
        """For a process that calls BigCommerce: no stores means nothing it does can succeed, so it refuses
        to start (a ``ValueError`` for a settings validator; ``{bigcommerce__stores}`` names the variable)."""
        if not self.stores:
            raise ValueError("set {bigcommerce__stores}: this process calls BigCommerce and has no store")

    def credentials(self, store_hash: str) -> StoreCredentials:
        """The credentials of ``store_hash``; a :class:`ConfigurationError` when the store is unknown."""
        for store in self.stores:
            if store.store_hash == store_hash:
                return store
        raise ConfigurationError(f"no BigCommerce credentials configured for store {store_hash!r}")

    def rest_base(self, store_hash: str, version: str) -> str:
        """``{api_base_url}/stores/{hash}/v2`` or ``…/v3``."""
        return f"{self.api_base_url}/stores/{store_hash}/{version}"

    def b2b_base(self, *, invoice_portal: bool = False) -> str:
        """B2B Edition base: ``/api/v3/io``, or ``/api/v3/io/ip`` for the invoice portal."""
        return f"{self.b2b_base_url}/api/v3/io" + ("/ip" if invoice_portal else "")
