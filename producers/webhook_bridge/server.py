"""Serving the bridge with uvicorn (uvloop + httptools when installed), with a graceful shutdown.

On SIGTERM/SIGINT uvicorn stops accepting connections, lets in-flight requests finish (bounded by
``shutdown_timeout_s``), then runs the lifespan shutdown, which flushes the producer and then the log
lines. JSON log lines are batched (written every ``LOG_BUFFER_S`` by a flusher thread) rather than written
and flushed one by one on the event loop; on a terminal they are written at once.
"""

from __future__ import annotations

import uvicorn

from bcx.logging import configure_logging, get_logger
from bcx.metrics import serve_metrics
from producers.webhook_bridge.app import Bridge, app_from_settings
from producers.webhook_bridge.http_protocol import bounded_protocol
from producers.webhook_bridge.settings import BridgeSettings

log = get_logger(__name__)

LOG_BUFFER_S = 0.25


def uvicorn_config(settings: BridgeSettings, bridge: Bridge | None = None) -> uvicorn.Config:
    bridge = bridge or app_from_settings(settings)
    return uvicorn.Config(
        bridge.app,
        host=settings.bridge.host,
        port=settings.bridge.port,
        lifespan="on",
        log_config=None,
        access_log=False,  # the bridge writes one canonical line per callback itself
        server_header=False,
        timeout_graceful_shutdown=int(settings.bridge.shutdown_timeout_s),
        ws="none",
        http=bounded_protocol(settings.bridge.max_header_bytes),
    )


def serve(settings: BridgeSettings) -> None:
    """Run in the foreground until SIGTERM/SIGINT."""
    configure_logging(settings.log, buffer_s=LOG_BUFFER_S, component="bridge")
    bridge = app_from_settings(settings)
    # /metrics is always on the listen port; BCX_METRICS__PORT adds a listener of its own, e.g. to keep
    # the metrics off the port the internet reaches
    metrics_server = serve_metrics(bridge.registry, settings.metrics)
    config = uvicorn_config(settings, bridge)
    log.info(
        "bridge.listening",
        host=settings.bridge.host,
        port=settings.bridge.port,
        metrics_port=metrics_server.port if metrics_server else None,
    )
    try:
        uvicorn.Server(config).run()
    finally:
        if metrics_server is not None:
            metrics_server.close()
