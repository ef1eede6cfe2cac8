"""Prometheus plumbing every process uses: its own registry and an HTTP exposition endpoint.

Metrics themselves are declared in one ``metrics.py`` per process, as attributes of a small class built
around a :class:`~prometheus_client.CollectorRegistry` passed in (no global singletons, so tests get a fresh
registry each). Label values are bounded enumerations (scope, outcome, use case), never ids or personal data.
"""

from __future__ import annotations

import threading
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, generate_latest, start_http_server
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from bcx.settings import MetricsSettings

__all__ = ["CONTENT_TYPE_LATEST", "MetricsServer", "new_registry", "render", "serve_metrics"]


def new_registry() -> CollectorRegistry:
    return CollectorRegistry(auto_describe=True)


def render(registry: CollectorRegistry) -> bytes:
    """The text exposition of ``registry``, for processes that serve /metrics from their own HTTP app."""
    return generate_latest(registry)


class MetricsServer:
    """A running exposition server; ``close()`` stops it."""

    def __init__(self, server: WSGIServer, thread: threading.Thread) -> None:
        self._server = server
        self._thread = thread

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


def serve_metrics(registry: CollectorRegistry, settings: MetricsSettings) -> MetricsServer | None:
    """Serve ``registry`` on ``settings.host:settings.port`` in a daemon thread; ``None`` when port is 0."""
    if settings.port == 0:
        return None
    server, thread = start_http_server(settings.port, addr=settings.host, registry=registry)
    return MetricsServer(server, thread)
