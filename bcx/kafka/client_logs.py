"""librdkafka's own log lines and error callbacks, routed through structlog at a sane level and rate.

Left alone, librdkafka writes raw ``%3|…|FAIL|…`` lines to stderr, one per reconnect attempt and client
(hundreds a minute for a bad bootstrap), none of which says which setting to fix. Every client config built
from :meth:`bcx.settings.KafkaSettings.client_config` gets :func:`routing_config` instead:

- ``logger``: each librdkafka line becomes a ``kafka.client_log`` event (facility, client, message) at the
  matching level; connection failures (``FAIL``) go to DEBUG because ``error_cb`` reports them below;
- ``error_cb``: a broker that cannot be resolved or reached becomes one ``kafka.unreachable`` warning
  naming ``BCX_KAFKA__BOOTSTRAP_SERVERS``, a failed handshake ``kafka.authentication_failed`` naming the
  security settings; anything else ``kafka.error``;
- the same event repeats at most once per ``REPEAT_WINDOW_S``; the next one carries ``repeated=<n>``.

Callbacks run on whichever thread serves the client (``poll``, ``consume``, ``flush``).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from typing import Any

from bcx.logging import get_logger

log = get_logger("bcx.kafka.client")

REPEAT_WINDOW_S = 60.0
BOOTSTRAP_VARIABLE = "BCX_KAFKA__BOOTSTRAP_SERVERS"
SECURITY_VARIABLES = "BCX_KAFKA__SECURITY_PROTOCOL, BCX_KAFKA__SASL_*, BCX_KAFKA__SSL_*"

_UNREACHABLE = frozenset({"_RESOLVE", "_TRANSPORT", "_ALL_BROKERS_DOWN"})
_HANDSHAKE = frozenset({"_AUTHENTICATION", "_SSL", "SASL_AUTHENTICATION_FAILED"})
# librdkafka's connection-failure facilities duplicate what error_cb reports with the variable's name
_DEBUG_FACILITIES = frozenset({"FAIL"})
_NUMBERS = re.compile(r"\d+")


class _Folder:
    """Lets one event per key through per window and counts what it held back."""

    def __init__(self, window_s: float, clock: Callable[[], float]) -> None:
        self._window_s = window_s
        self._clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, tuple[float, int]] = {}

    def admit(self, key: str) -> int | None:
        """``None`` to drop this occurrence, else how many were dropped since the last one let through."""
        now = self._clock()
        with self._lock:
            last, held = self._seen.get(key, (float("-inf"), 0))
            if now - last < self._window_s:
                self._seen[key] = (last, held + 1)
                return None
            self._seen[key] = (now, 0)
            return held


class ClientLogRouter:
    """The ``logger`` and ``error_cb`` of one librdkafka client."""

    def __init__(
        self, *, window_s: float = REPEAT_WINDOW_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._folder = _Folder(window_s, clock)

    def log(self, level: int, _fmt: str, facility: str, client: str, message: str, *_rest: Any) -> None:
        """confluent-kafka calls ``logger.log(level, "%s [%s] %s", facility, client_name, message)``."""
        held = self._folder.admit(f"log:{facility}:{_NUMBERS.sub('#', message)}")
        if held is None:
            return
        fields: dict[str, Any] = {"facility": facility, "client": client, "message": message}
        if held:
            fields["repeated"] = held
        if facility in _DEBUG_FACILITIES:
            log.debug("kafka.client_log", **fields)
        elif level >= 40:
            log.error("kafka.client_log", **fields)
        elif level >= 30:
            log.warning("kafka.client_log", **fields)
        elif level >= 20:
            log.info("kafka.client_log", **fields)
        else:
            log.debug("kafka.client_log", **fields)

    def error_cb(self, error: Any) -> None:
        name = str(error.name())
        held = self._folder.admit(f"error:{name}")
        if held is None:
            return
        fields: dict[str, Any] = {"code": name, "reason": error.str()}
        if held:
            fields["repeated"] = held
        if name in _UNREACHABLE:
            log.warning("kafka.unreachable", variable=BOOTSTRAP_VARIABLE, **fields)
        elif name in _HANDSHAKE:
            log.warning("kafka.authentication_failed", variable=SECURITY_VARIABLES, **fields)
        else:
            log.error("kafka.error", fatal=bool(error.fatal()), **fields)


def routing_config() -> dict[str, Any]:
    """librdkafka properties routing one client's logs and errors through structlog."""
    router = ClientLogRouter()
    return {"logger": router, "error_cb": router.error_cb, "log.connection.close": False}
