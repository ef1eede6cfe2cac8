"""Settings shared by every bcx process.

Each process has one frozen pydantic-settings model (``BCX_`` environment variables, nested with ``__``,
``SecretStr`` for secrets, ``extra="forbid"``) built from the pieces here, loaded once at start-up with
:func:`load_settings`; nothing deeper down reads ``os.environ``.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from bcx.errors import ConfigurationError

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER"]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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

    def client_config(self) -> dict[str, Any]:
        """The librdkafka properties common to producers, consumers and admin clients."""
        conf: dict[str, Any] = {
            "bootstrap.servers": self.bootstrap_servers,
            "client.id": self.client_id,
            "security.protocol": self.security_protocol,
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
    """Build ``model`` from the environment, turning a validation failure into one clear error.

    The error names every bad variable the way an operator would set it (``BCX_KAFKA__BOOTSTRAP_SERVERS``)
    and never echoes the value, which may be a secret.
    """
    try:
        return model(**overrides)
    except ValidationError as exc:
        prefix = str(model.model_config.get("env_prefix", ""))
        delimiter = str(model.model_config.get("env_nested_delimiter") or "__")
        problems = []
        for err in exc.errors():
            variable = prefix + delimiter.join(str(part) for part in err["loc"]).upper()
            problems.append(f"{variable}: {err['msg']}")
        raise ConfigurationError("invalid configuration: " + "; ".join(problems)) from None
