"""The whole-environment checks of load_settings, and librdkafka's log routing."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import pytest
from structlog.testing import capture_logs

from bcx.errors import ConfigurationError
from bcx.kafka.client_logs import BOOTSTRAP_VARIABLE, ClientLogRouter
from bcx.settings import ProcessSettings, load_settings
from bcx.settings_checks import KNOWN_SECTIONS, is_placeholder
from bcx_app.cli.common import AdminSettings


def _all_process_settings() -> set[type[ProcessSettings]]:
    for package in ("bcx", "consumers", "producers"):
        root = importlib.import_module(package)
        for module in pkgutil.walk_packages(root.__path__, prefix=f"{package}."):
            if module.name.rsplit(".", 1)[-1] in ("settings", "common") or module.name.endswith("_cmd"):
                importlib.import_module(module.name)
    found: set[type[ProcessSettings]] = set()
    pending = [ProcessSettings]
    while pending:
        for sub in pending.pop().__subclasses__():
            if not sub.__module__.startswith("tests."):
                found.add(sub)
                pending.append(sub)
    return found


class TestKnownSections:
    def test_every_process_section_is_known(self) -> None:
        """KNOWN_SECTIONS is exactly the top-level fields of every process's settings model."""
        models = _all_process_settings()
        assert len(models) >= 6
        fields = {name for model in models for name in model.model_fields}
        assert fields == KNOWN_SECTIONS

    def test_other_processes_sections_are_tolerated(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A section some other bcx process reads may sit in a shared environment."""
        monkeypatch.setenv("BCX_BRIDGE__PORT", "8200")
        monkeypatch.setenv("BCX_TEST_ANYTHING", "harness")
        assert load_settings(AdminSettings).kafka.bootstrap_servers

    def test_misspelt_section_is_refused(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A section no process reads is refused by name."""
        monkeypatch.setenv("BCX_REGSITRY__URL", "http://registry:8080")
        with pytest.raises(ConfigurationError, match="BCX_REGSITRY__URL"):
            load_settings(AdminSettings)


class TestPlaceholders:
    @pytest.mark.parametrize(
        "text", ["REPLACE_ME", "replace-me", "CHANGE_ME", "<store hash>", "${SECRET}", "whsec_REPLACE_ME"]
    )
    def test_template_values_are_placeholders(self, text: str) -> None:
        """Template markers are recognised, alone or inside a value."""
        assert is_placeholder(text)

    @pytest.mark.parametrize("text", ["abc123", "s3cr3t-value", "https://exstream.example.com", ""])
    def test_real_values_are_not(self, text: str) -> None:
        """Ordinary values pass."""
        assert not is_placeholder(text)


class _Error:
    def __init__(self, name: str) -> None:
        self._name = name

    def name(self) -> str:
        return self._name

    def str(self) -> str:
        return "broker:9092/bootstrap: Connect failed"

    def fatal(self) -> bool:
        return False


class TestClientLogRouter:
    def test_unreachable_broker_names_the_variable_once_per_window(self) -> None:
        """Repeated transport errors become one warning naming the bootstrap variable, then a count."""
        now = [0.0]
        router = ClientLogRouter(window_s=60, clock=lambda: now[0])
        with capture_logs() as logs:
            for _ in range(50):
                router.error_cb(_Error("_TRANSPORT"))
            now[0] = 61.0
            router.error_cb(_Error("_TRANSPORT"))
        assert [(e["event"], e["log_level"]) for e in logs] == [("kafka.unreachable", "warning")] * 2
        assert all(e["variable"] == BOOTSTRAP_VARIABLE for e in logs)
        assert logs[1]["repeated"] == 49

    def test_librdkafka_lines_keep_their_level_and_fold_repeats(self) -> None:
        """A librdkafka line is a structured event at its level; the same line with other numbers folds."""
        router = ClientLogRouter(window_s=60, clock=lambda: 0.0)
        with capture_logs() as logs:
            router.log(30, "%s [%s] %s", "REQTMOUT", "bcx#producer-1", "timed out 1 requests")
            router.log(30, "%s [%s] %s", "REQTMOUT", "bcx#producer-1", "timed out 7 requests")
            router.log(40, "%s [%s] %s", "FAIL", "bcx#producer-1", "Connect failed")
        levels: list[Any] = [(e["facility"], e["log_level"]) for e in logs]
        assert levels == [("REQTMOUT", "warning"), ("FAIL", "debug")]
