"""Settings shared by every bcx process.

Each process has one frozen pydantic-settings model (``BCX_`` environment variables, nested with ``__``,
``SecretStr`` for secrets, ``extra="forbid"``) built from the pieces here, loaded once at start-up with
:func:`load_settings`; nothing deeper down reads ``os.environ``. A bad setting stops the process with one
:class:`~bcx.errors.ConfigurationError` naming the variable, never its value (``bcx`` exits 2): see
:mod:`bcx.settings_checks` for the checks that look at the environment as a whole.
"""

from __future__ import annotations

import os
import re
from typing import Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bcx import settings_checks

# host:port, the host a name, IPv4 or [IPv6], optionally behind a listener name (SASL_SSL://host:port)
_BOOTSTRAP_ENTRY = re.compile(r"^([A-Za-z_]+://)?([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):\d{1,5}$")

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _filled(value: str | SecretStr | None) -> bool:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    return bool(text)


def http_url(value: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host; the error never quotes it (it may hold
    credentials)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an absolute http:// or https:// URL")
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number in range
    except ValueError:
        raise ValueError("has an invalid port") from None
    return value


class KafkaSettings(_Section):
    """How to reach the Kafka cluster (``BCX_KAFKA__*``)."""

    bootstrap_servers: str = "127.0.0.1:19092"
    client_id: str = "bcx"
    security_protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_ca_location: str | None = None
    ssl_certificate_location: str | None = None
    ssl_key_location: str | None = None
    ssl_key_password: SecretStr | None = None

    @field_validator("bootstrap_servers")
    @classmethod
    def _host_port_list(cls, value: str) -> str:
        if not all(_BOOTSTRAP_ENTRY.match(entry.strip()) for entry in value.split(",")):
            raise ValueError("must be a comma-separated list of host:port")
        return value

    @model_validator(mode="after")
    def _security_is_complete(self) -> KafkaSettings:
        # Checked here, not by librdkafka at first connect: a missing optional Secret in Kubernetes must
        # stop the pod with a named variable, not leave it retrying a handshake that cannot succeed.
        if self.security_protocol.startswith("SASL_"):
            if self.sasl_mechanism is None:
                raise ValueError("set {sasl_mechanism}: a SASL security_protocol needs it")
            if self.sasl_mechanism != "OAUTHBEARER":
                for name in ("sasl_username", "sasl_password"):
                    if not _filled(getattr(self, name)):
                        raise ValueError(f"set {{{name}}}: the SASL mechanism needs it")
        if (self.sasl_username is None) != (self.sasl_password is None):
            raise ValueError("set both {sasl_username} and {sasl_password}, or neither")
        for name in ("ssl_ca_location", "ssl_certificate_location", "ssl_key_location"):
            path = getattr(self, name)
            if path is None or (name == "ssl_ca_location" and path == "probe"):
                continue
            if not os.path.isfile(path) or not os.access(path, os.R_OK):
                raise ValueError(f"{{{name}}} names no readable file")
        return self

    def client_config(self) -> dict[str, Any]:
        """The librdkafka properties common to producers, consumers and admin clients, with librdkafka's
        own logs and errors routed through structlog (:mod:`bcx.kafka.client_logs`)."""
        from bcx.kafka.client_logs import routing_config  # bcx.kafka imports this module

        conf: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "client.id": self.client_id,
            "security.protocol": self.security_protocol,
            **routing_config(),
        }
        optional: dict[str, str | SecretStr | None] = {
            "sasl.mechanism": self.sasl_mechanism,
            "sasl.username": self.sasl_username,
            "sasl.password": self.sasl_password,
            "ssl.ca.location": self.ssl_ca_location,
            "ssl.certificate.location": self.ssl_certificate_location,
            "ssl.key.location": self.ssl_key_location,
            "ssl.key.password": self.ssl_key_password,
        }
        for key, value in optional.items():
            if value is not None:
                conf[key] = value.get_secret_value() if isinstance(value, SecretStr) else value
        return conf


class RegistrySettings(_Section):
    """The Confluent-compatible schema registry (``BCX_REGISTRY__*``)."""

    url: str = "http://127.0.0.1:18081/apis/ccompat/v7"
    basic_auth_user: str | None = None
    basic_auth_password: SecretStr | None = None
    # false: consumers write only to subjects `bcx schemas check` (the init job) registered, so their
    # registry credentials can be read-only
    auto_register: bool = True

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)

    @model_validator(mode="after")
    def _auth_is_complete(self) -> RegistrySettings:
        if _filled(self.basic_auth_user) != _filled(self.basic_auth_password):
            raise ValueError("set both {basic_auth_user} and {basic_auth_password}, or neither")
        return self

    def client_config(self) -> dict[str, Any]:
        conf: dict[str, Any] = {"url": self.url}
        if self.basic_auth_user is not None and self.basic_auth_password is not None:
            conf["basic.auth.user.info"] = (
                f"{self.basic_auth_user}:{self.basic_auth_password.get_secret_value()}"
            )
        return conf


class LogSettings(_Section):
    """Logging (``BCX_LOG__*``). ``format=auto`` is JSON unless stdout is a terminal."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    format: Literal["auto", "json", "console"] = "auto"


class MetricsSettings(_Section):
    """Where the process serves ``/metrics`` for Prometheus (``BCX_METRICS__*``); port 0 disables it."""

    host: str = "127.0.0.1"
    port: int = Field(default=9400, ge=0, le=65535)


class ProcessSettings(BaseSettings):
    """Base of every process's settings model."""

    model_config = SettingsConfigDict(
        env_prefix="BCX_",
        env_nested_delimiter="__",
        extra="forbid",
        frozen=True,
        case_sensitive=False,
    )

    log: LogSettings = LogSettings()


S = TypeVar("S", bound=BaseSettings)


def load_settings(model: type[S], **overrides: Any) -> S:
    """Build ``model`` from the environment, turning any failure into one clear error.

    The error names every bad variable the way an operator would set it (``BCX_KAFKA__BOOTSTRAP_SERVERS``)
    and never echoes the value, which may be a secret. Beyond the model's own validation it refuses
    ``BCX_`` variables no bcx process reads (a misspelt section is otherwise silently ignored), JSON that
    does not parse, and template placeholders (``REPLACE_ME``) left in any setting.
    """
    settings_checks.refuse_unknown_variables(model, os.environ)
    return settings_checks.build(model, os.environ, overrides)
