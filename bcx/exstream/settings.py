"""Configuration of the Exstream client and of output storage, as frozen sections a process nests.

A process that talks to Exstream adds ``exstream: ExstreamSettings = ExstreamSettings()`` (and
``output_storage: OutputStorageSettings``) to its :class:`bcx.settings.ProcessSettings` subclass; operators
then set ``BCX_EXSTREAM__BASE_URL``, ``BCX_EXSTREAM__TOKEN_URL``, ``BCX_EXSTREAM__CLIENT_ID`` and
``BCX_EXSTREAM__CLIENT_SECRET``. Those four have no defaults: a process that would otherwise start, report
ready and dead-letter every document against a simulator address refuses to start instead. The demo,
compose and tests pass the simulator's address and client explicitly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from bcx.settings import http_url


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ExstreamSettings(_Section):
    """How to reach Exstream Orchestration and OTDS (``BCX_EXSTREAM__*``).

    ``token_url`` accepts a ``{tenant}`` placeholder filled from ``tenant``, covering the documented forms:
    ``{otds}/otdsws/oauth2/token`` (single tenant), ``{otds}/otdsws/otdstenant/{tenant}/oauth2/token``
    (self-hosted multi-tenant), ``{otds}/otdstenant/{tenant}/oauth2/token`` (OT2) and
    ``https://{region}.api.opentext.com/tenants/{tenant}/oauth2/token`` (API gateway, JSON body).
    """

    base_url: str
    orchestration_path: str = "/orchestration"
    # the design-asset service (DAS): approval states of communications
    design_path: str = "/design"
    token_url: str
    token_request_format: Literal["form", "json"] = "form"  # noqa: S105 (a format name)
    client_id: str = Field(min_length=1)
    client_secret: SecretStr
    scope: str | None = None
    tenant: str | None = None
    domain: str = "default"

    # Header names differ between deployments and spec generations; keep them configurable.
    communication_id_header: str = "communicationId"
    driver_data_source_header: str = "driverDataSource"
    # Exstream documents no way to set Job.externalId on submission; bcx sends its idempotency key in this
    # header (the simulator echoes it as externalId). Agree the real mechanism with the Exstream admins.
    reference_header: str = "externalId"

    connect_timeout_s: float = Field(default=5.0, gt=0)
    generate_timeout_s: float = Field(default=60.0, gt=0)
    runtime_timeout_s: float = Field(default=15.0, gt=0)
    token_timeout_s: float = Field(default=10.0, gt=0)
    # Refresh the cached token once this fraction of its lifetime has passed.
    token_refresh_ratio: float = Field(default=0.8, gt=0, le=1)
    # The SDK notes a 500 often means an expired token: refresh and retry once.
    retry_500_with_fresh_token: bool = True

    max_concurrency: int = Field(default=16, ge=1, description="in-flight calls per endpoint")
    # Idle keep-alive connections are dropped after this long: keep it below the idle timeout of whatever
    # sits in front of Exstream (load balancer, gateway), or reuses will meet connections it already closed.
    keepalive_expiry_s: float = Field(default=5.0, gt=0)
    breaker_failure_threshold: int = Field(default=5, ge=1)
    breaker_reset_timeout_s: float = Field(default=30.0, gt=0)
    breaker_half_open_max_calls: int = Field(default=1, ge=1)

    poll_initial_delay_s: float = Field(default=1.0, gt=0)
    poll_max_delay_s: float = Field(default=30.0, gt=0)
    poll_multiplier: float = Field(default=2.0, ge=1)
    poll_timeout_s: float = Field(default=3600.0, gt=0)

    @field_validator("base_url", "token_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("client_secret")
    @classmethod
    def _not_empty(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value():
            raise ValueError("is empty")
        return value

    def resolved_token_url(self) -> str:
        return self.token_url.replace("{tenant}", self.tenant or "")

    def orchestration_url(self, path: str) -> str:
        return self.base_url.rstrip("/") + self.orchestration_path.rstrip("/") + path

    def design_url(self, path: str) -> str:
        return self.base_url.rstrip("/") + self.design_path.rstrip("/") + path


class S3StorageSettings(_Section):
    """An S3-compatible bucket (AWS, MinIO, Ceph), addressed path-style (``BCX_OUTPUT_STORAGE__S3__*``)."""

    endpoint_url: str = "https://s3.amazonaws.com"
    bucket: str = "bcx-documents"
    region: str = "us-east-1"
    prefix: str = ""
    access_key_id: str = ""
    secret_access_key: SecretStr = SecretStr("")
    session_token: SecretStr | None = None
    timeout_s: float = Field(default=30.0, gt=0)


class OutputStorageSettings(_Section):
    """Where generated documents are copied (``BCX_OUTPUT_STORAGE__*``): Exstream is not a permanent store."""

    kind: Literal["filesystem", "s3"] = "filesystem"
    root: Path = Path("var/documents")
    s3: S3StorageSettings = S3StorageSettings()
