"""Bridge settings: stores from an env JSON and/or a file, validated without ever echoing a secret."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from bcx.errors import ConfigurationError
from bcx.settings import load_settings
from producers.webhook_bridge.settings import BridgeOptions, BridgeSettings, StoreAuth, load_stores


class TestStores:
    def test_stores_from_env_json(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """BCX_BRIDGE__STORES holds a JSON object of store hash → auth settings."""
        stores = {"abc123": {"secret_header": "X-Hook-Key", "secret": "topsecret", "client_secret": "cs"}}
        monkeypatch.setenv("BCX_BRIDGE__STORES", json.dumps(stores))
        monkeypatch.setenv("BCX_BRIDGE__PORT", "8210")
        settings = load_settings(BridgeSettings)
        loaded = load_stores(settings.bridge)
        assert settings.bridge.port == 8210
        assert loaded["abc123"].secret_header == "X-Hook-Key"
        assert loaded["abc123"].signing_key() == "Y3M="
        assert "topsecret" not in repr(settings)

    def test_stores_file_yaml_merges_with_env(self, tmp_path: Path) -> None:
        """A YAML (or JSON) stores file adds stores to the env ones."""
        path = tmp_path / "stores.yaml"
        path.write_text("def456:\n  secret: other\n")
        options = BridgeOptions(stores={"abc123": StoreAuth(secret=SecretStr("s"))}, stores_file=path)
        assert sorted(load_stores(options)) == ["abc123", "def456"]

    def test_store_defined_twice_is_refused(self, tmp_path: Path) -> None:
        """A store in both the env and the file is a configuration error naming the store."""
        path = tmp_path / "stores.json"
        path.write_text(json.dumps({"abc123": {"secret": "b"}}))
        options = BridgeOptions(stores={"abc123": StoreAuth(secret=SecretStr("a"))}, stores_file=path)
        with pytest.raises(ConfigurationError, match="abc123"):
            load_stores(options)

    def test_invalid_file_entry_names_the_field_not_the_value(self, tmp_path: Path) -> None:
        """A bad store entry in the file is reported by location, and the secret value never appears."""
        path = tmp_path / "stores.json"
        path.write_text(json.dumps({"abc123": {"secret": "hunter2", "require_signature": True}}))
        with pytest.raises(ConfigurationError) as info:
            load_stores(BridgeOptions(stores_file=path))
        assert "abc123" in str(info.value)
        assert "hunter2" not in str(info.value)

    def test_no_stores_is_refused(self) -> None:
        """A bridge with no store configured would refuse everything, so it does not start."""
        with pytest.raises(ConfigurationError, match="no stores"):
            load_stores(BridgeOptions())

    def test_bad_store_hash_is_refused(self) -> None:
        """Store hashes are short alphanumerics, as in producer stores/{store_hash}."""
        with pytest.raises(ConfigurationError, match="invalid store hash"):
            load_stores(BridgeOptions(stores={"a/b": StoreAuth(secret=SecretStr("s"))}))

    @pytest.mark.parametrize(
        "stores",
        [
            {"REPLACE_ME": {"secret": "long-random-value"}},
            {"abc123": {"secret": "REPLACE_ME"}},
            {"abc123": {"secret": "long-random-value", "client_secret": "<the app's client secret>"}},
        ],
    )
    def test_template_placeholders_in_the_file_are_refused(
        self, tmp_path: Path, stores: dict[str, object]
    ) -> None:
        """The secrets template copied unfilled into the mounted file stops the bridge, naming the setting."""
        path = tmp_path / "stores.yaml"
        path.write_text(json.dumps(stores))
        with pytest.raises(ConfigurationError, match="BCX_BRIDGE__STORES_FILE") as info:
            load_stores(BridgeOptions(stores_file=path))
        assert "placeholder" in str(info.value)
        assert str(path) not in str(info.value)

    def test_unreadable_file_is_a_configuration_error(self, tmp_path: Path) -> None:
        """A missing stores file is reported as configuration, not a crash."""
        with pytest.raises(ConfigurationError, match="cannot read"):
            load_stores(BridgeOptions(stores_file=tmp_path / "absent.yaml"))


class TestStoreAuth:
    @pytest.mark.parametrize(
        "fields",
        [
            {},
            {"secret": ""},
            {"secret": "s", "secret_header": "bad header"},
            {"client_secret": "a", "standard_webhooks_secret": "YQ=="},
            {"standard_webhooks_secret": "not base64!"},
            {"secret": "s", "require_signature": True},
        ],
    )
    def test_inconsistent_store_is_refused(self, fields: dict[str, object]) -> None:
        """A store without any method, with an empty secret, a bad header name, two keys or an unusable
        signature requirement is refused."""
        with pytest.raises(ValidationError):
            StoreAuth.model_validate(fields)

    def test_signed_only_store_requires_signatures(self) -> None:
        """A store with a signing key and no shared secret can only be authenticated by signature."""
        assert StoreAuth(client_secret=SecretStr("c")).signature_required
        assert not StoreAuth(secret=SecretStr("s"), client_secret=SecretStr("c")).signature_required
