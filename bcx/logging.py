"""structlog configuration shared by every process: JSON on stdout, console on a TTY, secrets redacted.

Per-message context (event id, store, partition, offset, idempotency key) is bound with
``structlog.contextvars.bound_contextvars`` by the code that handles the message; the canonical line is
one log event per request or record.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog
from pydantic import SecretStr

from bcx.settings import LogSettings

REDACTED = "[redacted]"

# Key names whose values must never reach a log line, whatever code put them there.
_SECRET_KEY = re.compile(
    r"(secret|token|password|passwd|authorization|signature|api[_-]?key|credential|cookie|x-auth)",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def _is_secret_key(key: str) -> bool:
    # log keys repeat endlessly; the regex runs once per distinct key, not once per line
    return _SECRET_KEY.search(key) is not None


def _redact_value(key: str, value: Any) -> Any:
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
    for key in list(event_dict):
        if key == "event":
            continue
        event_dict[key] = _redact_value(key, event_dict[key])
    return event_dict


def configure_logging(settings: LogSettings | None = None, *, stream: Any = None) -> None:
    """Configure structlog and the standard library root logger once per process."""
    settings = settings or LogSettings()
    stream = stream or sys.stdout
    use_console = settings.format == "console" or (
        settings.format == "auto" and hasattr(stream, "isatty") and stream.isatty()
    )
    renderer: Any = structlog.dev.ConsoleRenderer() if use_console else structlog.processors.JSONRenderer()
    level = logging.getLevelName(settings.level)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_secrets,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=stream),
        cache_logger_on_first_use=False,
    )
    logging.basicConfig(level=level, stream=stream, format="%(message)s", force=True)
    # uvicorn's and httpx's own loggers are chatty at INFO and would break the one-line-per-request rule.
    for noisy in ("httpx", "httpcore", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
