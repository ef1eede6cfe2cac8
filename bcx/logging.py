"""structlog configuration shared by every process: JSON on stdout, console on a TTY, secrets redacted.

Every line carries ``component`` (the process: ``bridge``, ``enricher``, the use case, …). Per-record
context is bound with ``structlog.contextvars.bound_contextvars`` by the code that handles the record:
the consumer runtime binds ``event_id`` (from the record's ``bcx.event_id`` header) around each record, so
every line written while the record is handled (document steps, Exstream and BigCommerce requests, retries,
the dead letter) carries the id the bridge gave the webhook. The store is always ``store_hash``. The
canonical line is one log event per request or record. Lines of the standard library's loggers (uvicorn,
confluent-kafka, httpx) go through the same pipeline, so they are JSON with the same fields.

The pipeline is on the hot path of every request (the webhook bridge writes a line per callback), so its
steps are the cheap equivalents of structlog's stock ones: the redaction decision per key is cached, the
timestamp reuses its formatted second, the JSON encoder is built once, and a process that exits cleanly on
SIGTERM may ask for buffered output (``buffer_s``): lines are written in batches by a flusher thread
instead of a ``write`` + ``flush`` per line on the caller's thread, and :func:`flush_logs` (also run at
exit) writes what is pending.
"""

from __future__ import annotations

import atexit
import contextvars
import functools
import json
import logging
import re
import sys
import threading
import time
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from pydantic import SecretStr

from bcx.settings import LogSettings

REDACTED = "[redacted]"

# Key names whose values must never reach a log line, whatever code put them there.
_SECRET_KEY = re.compile(
    r"(secret|token|password|passwd|authorization|signature|api[_-]?key|credential|cookie|x-auth)",
    re.IGNORECASE,
)
# Values of exactly these types hold nothing to recurse into and are never SecretStr: the key decides.
_SCALARS = frozenset({str, int, float, bool, type(None)})
# A buffered sink writes synchronously once this much is pending (a slow reader then slows the caller down
# rather than the process growing without bound or dropping lines).
_MAX_PENDING_CHARS = 256 * 1024


@functools.lru_cache(maxsize=4096)
def _is_secret_key(key: str) -> bool:
    # log keys repeat endlessly; the regex runs once per distinct key, not once per line
    return _SECRET_KEY.search(key) is not None


def _redact_value(key: str, value: Any) -> Any:
    if type(value) in _SCALARS:
        return REDACTED if _is_secret_key(key) else value
    if isinstance(value, SecretStr):
        return REDACTED
    if _is_secret_key(key):
        return REDACTED
    if isinstance(value, Mapping):
        return {k: _redact_value(str(k), v) for k, v in value.items()}
    return value


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: replace the values of secret-looking keys (recursively) and any SecretStr."""
    for key, value in list(event_dict.items()):
        if key == "event":
            continue
        if type(value) in _SCALARS:  # the common case, without a dict write per key
            if _is_secret_key(key):
                event_dict[key] = REDACTED
            continue
        event_dict[key] = _redact_value(key, value)
    return event_dict


class UtcTimestamper:
    """structlog processor: ``timestamp`` as ISO 8601 UTC with microseconds (``…T06:18:25.123456Z``).

    Formatting a datetime per line is most of a stock ``TimeStamper``'s cost; the date and time part only
    changes once a second, so it is cached (as one tuple, so threads never see a torn pair).
    """

    def __init__(self, clock: Any = time.time) -> None:
        self._clock = clock
        self._cached: tuple[int, str] = (-1, "")

    def __call__(
        self, _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        now = self._clock()
        second = int(now)
        cached = self._cached
        if cached[0] != second:
            cached = (second, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)))
            self._cached = cached
        event_dict["timestamp"] = f"{cached[1]}.{int((now - second) * 1_000_000):06d}Z"
        return event_dict


def _json_fallback(value: Any) -> Any:
    to_log = getattr(value, "__structlog__", None)
    return to_log() if callable(to_log) else repr(value)


_ENCODER = json.JSONEncoder(default=_json_fallback)


def render_json(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> str:
    """structlog renderer: one JSON object, with one encoder built once (``json.dumps`` builds one a call)."""
    return _ENCODER.encode(event_dict)


class LineSink:
    """Where rendered lines go: written and flushed one by one, or buffered and flushed every ``buffer_s``
    by a daemon thread (and on :meth:`flush`/:meth:`close`). Whole lines only.

    Buffered, a caller only appends under ``_lock``; the batch is taken under ``_lock`` but written under
    ``_write_lock`` alone, so a slow stream (a full pipe) holds up the writer, not the callers, and batches
    still reach the stream in order.
    """

    def __init__(self, stream: TextIO, *, buffer_s: float | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._pending: list[str] = []
        self._pending_chars = 0
        self._buffered = buffer_s is not None
        self._closed = threading.Event()
        self._flusher: threading.Thread | None = None
        if buffer_s is not None:
            self._flusher = threading.Thread(
                target=self._flush_every, args=(buffer_s,), name="log-flusher", daemon=True
            )
            self._flusher.start()

    @property
    def buffered(self) -> bool:
        return self._buffered

    def write(self, line: str) -> None:
        with self._lock:
            buffered = self._buffered
            if buffered:
                self._pending.append(line)
                self._pending_chars += len(line)
                if self._pending_chars < _MAX_PENDING_CHARS:
                    return
        if buffered:
            self.flush()  # the bound is reached: the caller writes (backpressure, never a dropped line)
            return
        with self._write_lock:
            self._stream.write(line + "\n")
            self._stream.flush()

    def flush(self) -> None:
        with self._write_lock:
            self._write_batch()

    def close(self) -> None:
        """Stop the flusher thread and write what is pending; later lines are written unbuffered."""
        self._closed.set()
        if self._flusher is not None and self._flusher is not threading.current_thread():
            self._flusher.join(timeout=5)
        with self._write_lock:
            with self._lock:
                self._buffered = False
            self._write_batch()

    def _write_batch(self) -> None:
        """Write what is pending; the caller holds ``_write_lock`` (locks are always taken in that order)."""
        with self._lock:
            pending, self._pending, self._pending_chars = self._pending, [], 0
        if not pending:
            return
        try:
            self._stream.write("\n".join(pending) + "\n")
            self._stream.flush()
        except ValueError:  # the stream was closed under us (interpreter teardown, a test's capture)
            pass

    def _flush_every(self, interval_s: float) -> None:
        while not self._closed.wait(interval_s):
            self.flush()


class SinkLogger:
    """The structlog logger: hands each rendered line to a :class:`LineSink` (every level is the same)."""

    def __init__(self, sink: LineSink) -> None:
        self._sink = sink

    def msg(self, message: str) -> None:
        self._sink.write(message)

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


class _SinkLoggerFactory:
    def __init__(self, sink: LineSink) -> None:
        self._logger = SinkLogger(sink)

    def __call__(self, *_args: Any) -> SinkLogger:
        return self._logger


_active_sink: LineSink | None = None


def flush_logs() -> None:
    """Write every buffered line now (a process calls this when it stops; it also runs at exit)."""
    if _active_sink is not None:
        _active_sink.flush()


atexit.register(flush_logs)


class _ToStructlog(logging.Handler):
    """Standard-library records through the structlog pipeline: the same JSON, context and redaction."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields: dict[str, Any] = {"logger": record.name}
            if record.exc_info:
                fields["exc_info"] = record.exc_info
            structlog.get_logger().log(record.levelno, record.getMessage(), **fields)
            # rare lines (uvicorn's start and stop), some written after the last flush before uvicorn
            # re-raises SIGTERM: write them at once rather than lose them with the buffer
            flush_logs()
        except Exception:  # logging must never take the process down
            self.handleError(record)


def _with_component(component: str) -> Any:
    def add(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        event_dict.setdefault("component", component)
        return event_dict

    return add


def configure_logging(
    settings: LogSettings | None = None,
    *,
    stream: Any = None,
    buffer_s: float | None = None,
    component: str = "bcx",
) -> None:
    """Configure structlog and the standard library root logger once per process.

    ``component`` is written on every line: the process's name (``bridge``, ``enricher``, the use case).

    ``buffer_s``: batch JSON lines and write them at least this often, instead of a write and flush per
    line. Only for processes whose shutdown path calls :func:`flush_logs` or exits normally (``atexit``);
    ignored on a terminal.
    """
    global _active_sink
    settings = settings or LogSettings()
    stream = stream or sys.stdout
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    use_console = settings.format == "console" or (settings.format == "auto" and is_tty)
    renderer: Any = structlog.dev.ConsoleRenderer() if use_console else render_json
    level = logging.getLevelName(settings.level)
    if _active_sink is not None:
        _active_sink.close()
    _active_sink = LineSink(stream, buffer_s=None if is_tty else buffer_s)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            _with_component(component),
            structlog.processors.add_log_level,
            UtcTimestamper(),
            redact_secrets,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=_SinkLoggerFactory(_active_sink),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level, handlers=[_ToStructlog()], force=True)
    # uvicorn's and httpx's own loggers are chatty at INFO and would break the one-line-per-request rule.
    for noisy in ("httpx", "httpx2", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


#: The Kafka header every bcx record carries its originating webhook's event id in (set by the bridge and
#: the enricher, kept by retry and dead-letter copies).
EVENT_ID_HEADER = "bcx.event_id"


def start_record_context(event_id: bytes | None) -> None:
    """Start a record's log context in the task that runs it: nothing a previous record of the same task
    bound stays, and ``event_id`` (a ``bcx.event_id`` header value) is bound when there is one.

    For tasks that run records one after another (the consumer runtime's executor): a task keeps one
    context for its whole life, so what a processor bound for one record would otherwise be logged with
    the next.

    What ``clear_contextvars`` and ``bind_contextvars`` do, at about half their cost (0.76 → 0.45 µs, once
    per record): only variables still holding a value are cleared, and the event id's variable is set
    directly (``bind_contextvars`` builds its name and a dict of tokens each time)."""
    for var, value in contextvars.copy_context().items():
        if value is not Ellipsis and var.name.startswith(_STRUCTLOG_PREFIX):
            var.set(Ellipsis)  # structlog's "unbound"
    if event_id:
        _event_id_var().set(event_id.decode("utf-8", "replace"))


_STRUCTLOG_PREFIX = structlog.contextvars.STRUCTLOG_KEY_PREFIX


@functools.cache
def _event_id_var() -> contextvars.ContextVar[Any]:
    """structlog's variable for ``event_id`` (made by its first bind, in a throwaway context)."""
    tokens = contextvars.Context().run(structlog.contextvars.bind_contextvars, event_id=None)
    return tokens["event_id"].var


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
