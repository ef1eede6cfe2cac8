"""Settings: environment variables in, one clear error out."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bcx.errors import ConfigurationError
from bcx.settings import KafkaSettings, RegistrySettings, load_settings
from bcx_app.cli.common import AdminSettings


class TestLoadSettings:
    def test_reads_nested_variables(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """BCX_KAFKA__BOOTSTRAP_SERVERS reaches settings.kafka.bootstrap_servers."""
        monkeypatch.setenv("BCX_KAFKA__BOOTSTRAP_SERVERS", "broker-1:9092,broker-2:9092")
        settings = load_settings(AdminSettings)
        assert settings.kafka.bootstrap_servers == "broker-1:9092,broker-2:9092"

    def test_error_names_the_variable_not_the_value(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A bad value is reported by its variable name, and the (possibly secret) value is not echoed."""
        monkeypatch.setenv("BCX_KAFKA__SECURITY_PROTOCOL", "hunter2-not-a-protocol")
        with pytest.raises(ConfigurationError) as caught:
            load_settings(AdminSettings)
        assert "BCX_KAFKA__SECURITY_PROTOCOL" in str(caught.value)
        assert "hunter2" not in str(caught.value)

    def test_settings_are_frozen(self) -> None:
        """A loaded settings object cannot be changed by the code that uses it."""
        settings = load_settings(AdminSettings)
        with pytest.raises(ValueError, match="frozen"):
            settings.kafka = KafkaSettings()  # type: ignore[misc]


class TestKafkaSettings:
    def test_sasl_ssl_options_reach_librdkafka(self, tmp_path: Path) -> None:
        """Security options become librdkafka properties, with the secret unwrapped only there."""
        ca = tmp_path / "ca.pem"
        ca.write_text("-----BEGIN CERTIFICATE-----\n")
        settings = KafkaSettings(
            bootstrap_servers="b:9093",
            security_protocol="SASL_SSL",
            sasl_mechanism="SCRAM-SHA-512",
            sasl_username="bcx",
            sasl_password=SecretStr("s3cret"),
            ssl_ca_location=str(ca),
        )
        conf = settings.client_config()
        assert conf["security.protocol"] == "SASL_SSL"
        assert conf["sasl.mechanism"] == "SCRAM-SHA-512"
        assert conf["sasl.password"] == "s3cret"
        assert conf["ssl.ca.location"] == str(ca)
        assert "s3cret" not in repr(settings)

    def test_plaintext_has_no_security_keys(self) -> None:
        """Unset options are left out rather than passed as empty strings."""
        conf = KafkaSettings().client_config()
        assert not any(key.startswith(("sasl.", "ssl.")) for key in conf)


class TestRegistrySettings:
    def test_basic_auth_is_joined_for_the_client(self) -> None:
        """User and password become the client's basic.auth.user.info."""
        conf = RegistrySettings(basic_auth_user="u", basic_auth_password=SecretStr("p")).client_config()
        assert conf["basic.auth.user.info"] == "u:p"
