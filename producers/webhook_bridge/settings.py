"""The bridge's settings: listen address, limits, and per-store authentication (``BCX_BRIDGE__*``).

Stores come from ``BCX_BRIDGE__STORES`` (JSON: ``{"abc123": {"secret_header": "X-Bcx-Webhook-Secret",
"secret": "…", "client_secret": "…", "require_signature": true}}``) and/or the JSON or YAML file named by
``BCX_BRIDGE__STORES_FILE`` (e.g. a mounted Kubernetes Secret); a store may be defined in only one of them.
"""

from __future__ import annotations

import base64
import binascii
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, TypeAdapter, ValidationError, model_validator

from bcx.contracts.webhook_event import TOPIC
from bcx.errors import ConfigurationError
from bcx.settings import KafkaSettings, MetricsSettings, ProcessSettings, RegistrySettings
from bcx.settings_checks import is_placeholder

STORE_HASH = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_HEADER_NAME = re.compile(
    r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$"
)  # an RFC 9110 token, BigCommerce's 64-byte cap
DEFAULT_SECRET_HEADER = "X-Bcx-Webhook-Secret"  # noqa: S105 - a header name, not a secret


class StoreAuth(BaseModel):
    """How callbacks for one store are authenticated.

    ``secret`` is the value put in the custom header ``secret_header`` when the hook was created (the
    baseline BigCommerce documents). The Standard Webhooks key is either ``client_secret`` (the app's client
    secret as BigCommerce shows it; the bridge base64-encodes it as BigCommerce's sample does) or
    ``standard_webhooks_secret`` (the key already base64, ``whsec_`` prefix allowed). With a key configured,
    signatures that are present are always verified; ``require_signature`` also refuses unsigned callbacks.
    A store with no shared secret must be signed.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    secret_header: str = DEFAULT_SECRET_HEADER
    secret: SecretStr | None = None
    client_secret: SecretStr | None = None
    standard_webhooks_secret: SecretStr | None = None
    require_signature: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> StoreAuth:
        if not _HEADER_NAME.match(self.secret_header):
            raise ValueError("secret_header is not a valid HTTP header name")
        if self.secret is not None and not self.secret.get_secret_value():
            raise ValueError("secret is empty")
        if self.client_secret is not None and self.standard_webhooks_secret is not None:
            raise ValueError("set client_secret or standard_webhooks_secret, not both")
        if self.standard_webhooks_secret is not None:
            raw = self.standard_webhooks_secret.get_secret_value().removeprefix("whsec_")
            try:
                if not base64.b64decode(raw, validate=True):
                    raise ValueError("standard_webhooks_secret is empty")
            except binascii.Error:
                raise ValueError("standard_webhooks_secret is not base64") from None
        if self.client_secret is not None and not self.client_secret.get_secret_value():
            raise ValueError("client_secret is empty")
        if self.secret is None and self.signing_key() is None:
            raise ValueError("configure a shared secret, a signing key, or both")
        if self.require_signature and self.signing_key() is None:
            raise ValueError("require_signature needs client_secret or standard_webhooks_secret")
        return self

    def signing_key(self) -> str | None:
        """The Standard Webhooks key (base64) used to verify signatures, if the store has one."""
        if self.standard_webhooks_secret is not None:
            return self.standard_webhooks_secret.get_secret_value()
        if self.client_secret is not None:
            return base64.b64encode(self.client_secret.get_secret_value().encode()).decode()
        return None

    @property
    def signature_required(self) -> bool:
        return self.require_signature or self.secret is None


class BridgeOptions(BaseModel):
    """``BCX_BRIDGE__*``: the HTTP side of the bridge."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: int = Field(default=8200, ge=0, le=65535)
    topic: str = TOPIC
    stores: dict[str, StoreAuth] = {}
    stores_file: Path | None = None
    max_body_bytes: int = Field(default=65536, ge=1024, le=16 * 1024 * 1024)
    #: request line plus every header name and value; more gets 431 (BigCommerce sends well under 2 KiB)
    max_header_bytes: int = Field(default=16384, ge=1024, le=1024 * 1024)
    produce_timeout_s: float = Field(default=2.0, gt=0, le=60)
    retry_after_s: int = Field(default=60, ge=1, le=86400)
    signature_tolerance_s: int = Field(default=300, ge=1, le=3600)
    dedupe_window_s: float = Field(default=600.0, ge=0)
    dedupe_max_entries: int = Field(default=100_000, ge=0)
    readiness_timeout_s: float = Field(default=2.0, gt=0, le=30)
    shutdown_timeout_s: float = Field(default=25.0, gt=0, le=600)
    # The canonical line of each callback answered "accepted": "all", "none", or the share to log (0.01 =
    # one in a hundred, at random). Rejections, failures and duplicates are always logged.
    log_accepted: Literal["all", "none"] | Annotated[float, Field(gt=0, le=1)] = "all"

    @property
    def accepted_log_rate(self) -> float:
        """``log_accepted`` as a probability: 1.0 for ``all``, 0.0 for ``none``."""
        if self.log_accepted == "all":
            return 1.0
        if self.log_accepted == "none":
            return 0.0
        return float(self.log_accepted)


class BridgeSettings(ProcessSettings):
    """Everything ``bcx bridge`` needs, loaded once with :func:`bcx.settings.load_settings`."""

    bridge: BridgeOptions = BridgeOptions()
    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    #: /metrics is served on the listen port; a non-zero ``BCX_METRICS__PORT`` serves it there as well
    metrics: MetricsSettings = MetricsSettings(port=0)


_STORES = TypeAdapter(dict[str, StoreAuth])


def _validated(raw: Any, source: str) -> dict[str, StoreAuth]:
    try:
        stores = _STORES.validate_python(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors(include_input=False)
        )
        raise ConfigurationError(f"invalid stores in {source}: {problems}") from None
    bad = [name for name in stores if not STORE_HASH.match(name)]
    if bad:
        raise ConfigurationError(f"invalid store hash(es) in {source}: {', '.join(sorted(bad))}")
    templated = sorted(name for name, auth in stores.items() if is_placeholder(name) or _templated(auth))
    if templated:  # a store hash is no secret; a templated secret is named by its store only
        raise ConfigurationError(
            f"template placeholder (e.g. REPLACE_ME) left in {source} for store(s) {', '.join(templated)}"
        )
    return stores


def _templated(auth: StoreAuth) -> bool:
    secrets = (auth.secret, auth.client_secret, auth.standard_webhooks_secret)
    return any(value is not None and is_placeholder(value.get_secret_value()) for value in secrets)


def load_stores(options: BridgeOptions) -> dict[str, StoreAuth]:
    """Every configured store: ``options.stores`` plus the stores file, which must not overlap."""
    stores = _validated(dict(options.stores), "BCX_BRIDGE__STORES")
    if options.stores_file is not None:
        source = "the file named by BCX_BRIDGE__STORES_FILE"
        try:
            raw = yaml.safe_load(options.stores_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise ConfigurationError(f"cannot read {source}: {type(exc).__name__}") from None
        from_file = _validated(raw or {}, source)
        overlap = sorted(stores.keys() & from_file.keys())
        if overlap:
            raise ConfigurationError(f"stores defined twice (env and file): {', '.join(overlap)}")
        stores.update(from_file)
    if not stores:
        raise ConfigurationError("no stores configured: set BCX_BRIDGE__STORES or BCX_BRIDGE__STORES_FILE")
    return stores
