"""Settings of ``bcx hooks``: the BigCommerce stores, where hooks point and the secret header they carry.

``BCX_HOOKS__DESTINATION`` is the bridge's public URL (``https://hooks.example.com/webhooks/bigcommerce``;
BigCommerce delivers to https on port 443 only). ``BCX_HOOKS__SECRET_HEADER`` / ``BCX_HOOKS__SECRET`` are
the custom header every hook sends, the same pair the bridge's ``StoreAuth`` expects
(``BCX_BRIDGE__STORES``); ``BCX_HOOKS__STORE_SECRETS`` (JSON ``{"hash": "secret"}``) gives a store its own
value. A store with no secret gets hooks without headers: its bridge entry must then require signatures.
``BCX_HOOKS__USE_CASES`` is a JSON list or a comma-separated list (``order-documents,returns``).
"""

from __future__ import annotations

import json
import re
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode

from bcx.bigcommerce.settings import BigCommerceSettings
from bcx.errors import ConfigurationError
from bcx.hooks.plan import Endpoint
from bcx.settings import ProcessSettings

#: the bridge's default header name (``producers.webhook_bridge.settings.DEFAULT_SECRET_HEADER``)
DEFAULT_SECRET_HEADER = "X-Bcx-Webhook-Secret"  # noqa: S105 - a header name, not a secret
_USE_CASE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,64}$")  # RFC 9110 token, BigCommerce's 64-byte cap


class HookOptions(BaseModel):
    """``BCX_HOOKS__*``: what every subscription looks like."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    destination: str | None = None
    secret_header: str = DEFAULT_SECRET_HEADER
    secret: SecretStr | None = None
    store_secrets: dict[str, SecretStr] = Field(default_factory=dict)
    #: ``NoDecode``: the validator below accepts JSON and comma-separated text
    use_cases: Annotated[tuple[str, ...], NoDecode] = ()

    @field_validator("destination")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            raise ValueError("destination must be an absolute https URL")
        if parts.username or parts.password:
            raise ValueError("destination must not carry credentials; use the secret header")
        return value

    @field_validator("secret_header")
    @classmethod
    def _header(cls, value: str) -> str:
        if not _HEADER_NAME.match(value):
            raise ValueError("secret_header is not a valid HTTP header name")
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            raise ValueError("secret is empty")
        return value

    @field_validator("use_cases", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return tuple(part.strip() for part in text.split(",") if part.strip())
        return value

    @field_validator("use_cases")
    @classmethod
    def _names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        # only the spelling here: which flows exist is the composition root's knowledge (bcx hooks checks)
        bad = [name for name in value if not _USE_CASE.match(name)]
        if bad:
            raise ValueError(f"{len(bad)} use case name(s) are not kebab case like order-documents")
        return value

    def endpoint(self, store_hash: str) -> Endpoint:
        """Where ``store_hash``'s hooks point and the header they send; needs ``destination``."""
        if self.destination is None:
            raise ConfigurationError("BCX_HOOKS__DESTINATION is not set (the bridge's public URL)")
        return Endpoint(
            destination=self.destination,
            secret_header=self.secret_header,
            secret=self.store_secrets.get(store_hash, self.secret),
        )


class HooksSettings(ProcessSettings):
    """Everything ``bcx hooks sync|status`` needs, loaded once with :func:`bcx.settings.load_settings`."""

    bigcommerce: BigCommerceSettings = BigCommerceSettings()
    hooks: HookOptions = HookOptions()

    @model_validator(mode="after")
    def _has_stores(self) -> Self:
        self.bigcommerce.require_stores()
        return self
