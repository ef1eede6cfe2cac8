"""Logging: JSON lines, secrets never written."""

from __future__ import annotations

import asyncio
import io
import json
import logging

import structlog
from pydantic import SecretStr

from bcx.logging import REDACTED, configure_logging, get_logger, start_record_context
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

    def test_component_and_stdlib_lines_share_the_pipeline(self) -> None:
        """Every line names the component, and a standard-library logger's line is the same JSON with the
        bound context (uvicorn's and confluent-kafka's own lines)."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out, component="bridge")
        with structlog.contextvars.bound_contextvars(event_id="e-2"):
            get_logger("t").info("mine")
            logging.getLogger("tests.stdlib").info("Started server process [%d]", 42)
        first, second = (json.loads(line) for line in out.getvalue().splitlines())
        assert (first["component"], first["event_id"]) == ("bridge", "e-2")
        assert second == {**second, "component": "bridge", "event_id": "e-2", "logger": "tests.stdlib"}
        assert second["event"] == "Started server process [42]"

    async def test_a_record_context_holds_its_event_id_and_nothing_of_the_record_before(self) -> None:
        """One task runs records back to back (the runtime's executor): each record's lines carry its own
        event id and nothing the previous record bound; the task's creator keeps its own context."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)

        async def run_records(headers: list[bytes | None]) -> None:
            for n, header in enumerate(headers):
                start_record_context(header)
                structlog.contextvars.bind_contextvars(**({"order_id": n} if n == 0 else {}))
                get_logger("t").info("handled")

        with structlog.contextvars.bound_contextvars(event_id="inherited"):
            await asyncio.create_task(run_records([b"evt-1", None, b"evt-3"]))
            get_logger("t").info("after")
        lines = [json.loads(line) for line in out.getvalue().splitlines()]
        assert [line.get("event_id") for line in lines] == ["evt-1", None, "evt-3", "inherited"]
        assert [line.get("order_id") for line in lines] == [0, None, None, None]

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


class TestHotPathPipeline:
    def test_redaction_covers_scalars_nested_maps_secretstr_and_str_subclasses(self) -> None:
        """Secret-looking keys are redacted whatever the value's type, SecretStr under any key, and plain
        values under ordinary keys (including str subclasses and None) pass unchanged."""
        from enum import StrEnum

        class Outcome(StrEnum):
            OK = "ok"

        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        get_logger("t").info(
            "call",
            api_key=12345,
            password=None,
            Authorization="Bearer abc",
            outcome=Outcome.OK,
            partition=3,
            ratio=0.5,
            nested={"inner": {"refresh_token": "r-1", "id": 7}},
            note=SecretStr("hidden-value"),
        )
        line = json.loads(out.getvalue())
        assert line["api_key"] == REDACTED
        assert line["password"] == REDACTED
        assert line["Authorization"] == REDACTED
        assert line["outcome"] == "ok"
        assert line["partition"] == 3
        assert line["ratio"] == 0.5
        assert line["nested"] == {"inner": {"refresh_token": REDACTED, "id": 7}}
        assert line["note"] == REDACTED
        assert "hidden-value" not in out.getvalue()
        assert "Bearer" not in out.getvalue()

    def test_timestamp_is_iso_utc_with_microseconds(self) -> None:
        """The cached-second timestamper writes the same instant as datetime, as ISO 8601 UTC."""
        from datetime import UTC, datetime

        from bcx.logging import UtcTimestamper

        stamper = UtcTimestamper(clock=lambda: 1_764_140_000.000123)
        first = stamper(None, "info", {})["timestamp"]
        assert first == "2025-11-26T06:53:20.000123Z"
        assert datetime.fromisoformat(first) == datetime.fromtimestamp(1_764_140_000.000123, UTC)
        later = UtcTimestamper(clock=lambda: 1_764_140_001.5)(None, "info", {})["timestamp"]
        assert later == "2025-11-26T06:53:21.500000Z"

    def test_values_json_cannot_encode_are_written_as_their_repr(self) -> None:
        """An object without a JSON form is logged as its repr instead of failing the line."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out)
        get_logger("t").info("call", thing=object.__new__(type("Thing", (), {"__repr__": lambda s: "<T>"})))
        assert json.loads(out.getvalue())["thing"] == "<T>"


class TestBufferedOutput:
    def test_buffered_lines_wait_for_a_flush_and_none_is_lost(self) -> None:
        """With buffer_s, lines are held (no write per line) until flush_logs writes them all, in order."""
        from bcx.logging import flush_logs

        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out, buffer_s=3600)
        log = get_logger("t")
        for i in range(100):
            log.info("line", n=i)
        assert out.getvalue() == ""
        flush_logs()
        assert [json.loads(line)["n"] for line in out.getvalue().splitlines()] == list(range(100))

    def test_reconfiguring_writes_what_the_previous_sink_held(self) -> None:
        """Configuring logging again first writes every line the previous buffered sink still held."""
        first, second = io.StringIO(), io.StringIO()
        configure_logging(LogSettings(format="json"), stream=first, buffer_s=3600)
        get_logger("t").info("held")
        configure_logging(LogSettings(format="json"), stream=second)
        assert json.loads(first.getvalue())["event"] == "held"
        get_logger("t").info("direct")
        assert json.loads(second.getvalue())["event"] == "direct"

    def test_a_full_buffer_is_written_at_once(self) -> None:
        """When the pending lines exceed the bound they are written by the caller (bounded memory)."""
        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out, buffer_s=3600)
        log = get_logger("t")
        for _ in range(300):
            log.info("big", payload="x" * 1000)
        assert len(out.getvalue().splitlines()) >= 200  # ~256 KiB of ~1 KiB lines
        configure_logging(LogSettings(format="json"), stream=io.StringIO())
        assert len(out.getvalue().splitlines()) == 300

    def test_flusher_thread_writes_without_an_explicit_flush(self) -> None:
        """The flusher thread writes pending lines on its own (polled, never asserted on timing)."""
        import time

        out = io.StringIO()
        configure_logging(LogSettings(format="json"), stream=out, buffer_s=0.01)
        get_logger("t").info("eventually")
        deadline = time.monotonic() + 10
        while not out.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert json.loads(out.getvalue())["event"] == "eventually"
        configure_logging(LogSettings(format="json"), stream=io.StringIO())

    def test_a_terminal_is_never_buffered(self) -> None:
        """On a TTY every line is written at once even when buffering was asked for."""

        class Tty(io.StringIO):
            def isatty(self) -> bool:
                return True

        out = Tty()
        configure_logging(LogSettings(format="json"), stream=out, buffer_s=3600)
        get_logger("t").info("now")
        assert json.loads(out.getvalue())["event"] == "now"

    def test_a_stuck_stream_holds_up_the_flusher_not_the_callers(self) -> None:
        """While the flusher thread is blocked writing (a full pipe), logging calls still return at once,
        and once the stream moves again every line arrives, in order."""
        import threading

        from bcx.logging import flush_logs

        class StuckStream(io.StringIO):
            def __init__(self) -> None:
                super().__init__()
                self.entered = threading.Event()
                self.release = threading.Event()

            def write(self, text: str) -> int:
                self.entered.set()
                self.release.wait(30)
                return super().write(text)

        out = StuckStream()
        configure_logging(LogSettings(format="json"), stream=out, buffer_s=0.01)
        log = get_logger("t")
        log.info("line", n=0)
        assert out.entered.wait(10)  # the flusher now sits in write()
        for i in range(1, 50):
            log.info("line", n=i)
        assert out.getvalue() == ""  # the callers got here while the write was still blocked
        out.release.set()
        flush_logs()
        assert [json.loads(line)["n"] for line in out.getvalue().splitlines()] == list(range(50))
        configure_logging(LogSettings(format="json"), stream=io.StringIO())
