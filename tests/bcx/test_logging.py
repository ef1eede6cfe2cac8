"""Logging: JSON lines, secrets never written."""

from __future__ import annotations

import io
import json

import structlog
from pydantic import SecretStr

from bcx.logging import REDACTED, configure_logging, get_logger
from bcx.settings import LogSettings


class TestLogging:
    def test_json_line_with_context(self) -> None:
        """Each log call is one JSON object carrying bound context variables."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        with structlog.contextvars.bound_contextvars(event_id="e-1", partition=3):
            get_logger("t").info("record.processed", outcome="ok")
        line = json.loads(out.getvalue().strip())
        assert line["event"] == "record.processed"
        assert line["event_id"] == "e-1"
        assert line["partition"] == 3
        assert line["level"] == "info"

    def test_secret_looking_keys_and_secretstr_are_redacted(self) -> None:
        """Values under secret-looking keys, nested or not, and any SecretStr never reach the output."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        get_logger("t").warning(
            "call",
            client_secret="abc123",
            headers={"X-Auth-Token": "tok-999", "Accept": "json"},
            anything=SecretStr("zzz-hidden"),
        )
        text = out.getvalue()
        assert "abc123" not in text
        assert "tok-999" not in text
        assert "zzz-hidden" not in text
        line = json.loads(text)
        assert line["client_secret"] == REDACTED
        assert line["headers"]["Accept"] == "json"

    def test_level_filters(self) -> None:
        """Events below the configured level are dropped."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json", level="WARNING"), stream=out)
        get_logger("t").info("quiet")
        assert out.getvalue() == ""
