"""Configuration of the BigCommerce simulator: stores, data size, rate limits, faults."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FaultConfig(_Section):
    """Injected trouble, applied to every API request (not to ``/_sim`` admin calls)."""

    latency_ms: int = Field(default=0, ge=0)
    #: share of requests answered 500 (0..1)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    #: share of requests that hang for ``timeout_s`` and then answer 504 (0..1)
    timeout_rate: float = Field(default=0.0, ge=0, le=1)
    timeout_s: float = Field(default=30.0, ge=0)


class RateLimitConfig(_Section):
    """Per-store REST budget (BigCommerce: 150 or 450 per 30 s) and the B2B per-minute window."""

    quota: int = Field(default=450, ge=0)  # 0 disables limiting
    window_ms: int = Field(default=30_000, ge=1)
    b2b_quota: int = Field(default=150, ge=0)
    b2b_window_s: int = Field(default=60, ge=1)


class SimulatorConfig(_Section):
    """One simulator process: one or more stores, each generated deterministically from ``seed``."""

    store_hashes: tuple[str, ...] = ("simstore1",)
    access_token: str = "sim-access-token"  # noqa: S105  # the simulator's well-known dev token
    client_id: str = "sim-client-id"
    seed: int = 42
    orders: int = Field(default=500, ge=1, le=2_000_000)
    #: defaults scale with the order count when None
    customers: int | None = Field(default=None, ge=1)
    products: int = Field(default=60, ge=1, le=100_000)
    companies: int | None = Field(default=None, ge=1)
    carts: int | None = Field(default=None, ge=1)
    #: storefront channels (1 is the default storefront); pages and checkout settings are per channel
    channel_ids: tuple[int, ...] = (1, 2)
    rate_limit: RateLimitConfig = RateLimitConfig()
    faults: FaultConfig = FaultConfig()

    @property
    def customer_count(self) -> int:
        return self.customers if self.customers is not None else max(50, self.orders // 4)

    @property
    def company_count(self) -> int:
        return self.companies if self.companies is not None else max(5, min(500, self.customer_count // 50))

    @property
    def cart_count(self) -> int:
        return self.carts if self.carts is not None else max(20, min(50_000, self.orders // 10))

    def store_id(self, store_hash: str) -> int:
        """The numeric store id (webhook ``store_id``) of a configured store."""
        return 1_000_000 + self.store_hashes.index(store_hash) + 1
