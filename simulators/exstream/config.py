"""Configuration of the Exstream simulator: where it listens, who may get tokens, faults and latency."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class LatencyConfig(BaseModel):
    """Added response latency: ``fixed`` (ms), ``uniform`` (min..max) or ``lognormal`` (median, sigma)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["none", "fixed", "uniform", "lognormal"] = "none"
    ms: float = Field(default=0.0, ge=0)
    min_ms: float = Field(default=0.0, ge=0)
    max_ms: float = Field(default=0.0, ge=0)
    median_ms: float = Field(default=0.0, ge=0)
    sigma: float = Field(default=0.5, ge=0)


class FaultConfig(BaseModel):
    """Faults injected on Orchestration endpoints (never on OTDS or ``/_sim``); changeable at runtime."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    latency: LatencyConfig = LatencyConfig()
    error_rate: float = Field(default=0.0, ge=0, le=1, description="share of calls answered error_status")
    error_status: int = Field(default=503, ge=500, le=599)
    rate_limit_rate: float = Field(default=0.0, ge=0, le=1, description="share of calls answered 429")
    retry_after_s: int = Field(default=1, ge=0)
    # A hang happens after the request was processed, like a gateway losing the reply: the document exists.
    hang_rate: float = Field(default=0.0, ge=0, le=1)
    hang_s: float = Field(default=30.0, ge=0)
    malformed_rate: float = Field(default=0.0, ge=0, le=1, description="share of 2xx replies corrupted")
    scope: Literal["inputs", "all"] = "inputs"


#: the policy communications the simulator ships templates for (``templates/<id>/``), approved at version 1
POLICY_COMMUNICATIONS = {
    "5f0c2d0e-7a43-4c55-9b1e-2a6f3f5d7c01": "Terms and conditions",
    "5f0c2d0e-7a43-4c55-9b1e-2a6f3f5d7c02": "Privacy notice",
}


class DesignCommunication(BaseModel):
    """A communication in the design-asset service: its name and the state of its first version."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    state: Literal["DRAFT", "REVIEW", "APPROVED", "REJECTED"] = "APPROVED"


class SimulatorConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8300, ge=0, le=65535)
    seed: int | None = None
    clients: dict[str, str] = Field(default_factory=lambda: {"bcx": "bcx-secret"})
    accept_any_client: bool = False
    token_ttl_s: float = Field(default=900.0, gt=0, description="how long a token is really accepted")
    advertised_ttl_s: float | None = Field(default=None, description="expires_in sent; default token_ttl_s")
    # The SDK notes an expired token can surface as 500 (Interactive); 401 is the OAuth norm.
    expired_token_status: Literal[401, 500] = 401
    # bcx sends its idempotency key here; the simulator records it as the job's externalId.
    reference_header: str = "externalId"
    # Batch input name → communication id, when the submission carries no communicationId header.
    batch_inputs: dict[str, str] = Field(default_factory=dict)
    outbox: Path = Path("var/exstream-sim/outbox")
    template_dirs: tuple[Path, ...] = ()
    batch_duration_s: float = Field(default=0.5, ge=0, description="how long a batch job stays started")
    benchmark: bool = False
    email_from: str = "documents@bcx.invalid"
    max_records: int = Field(default=100_000, ge=1)
    faults: FaultConfig = FaultConfig()
    # Communications with an approval workflow (DAS); generating one without an APPROVED version is refused.
    communications: dict[str, DesignCommunication] = Field(
        default_factory=lambda: {k: DesignCommunication(name=v) for k, v in POLICY_COMMUNICATIONS.items()}
    )
