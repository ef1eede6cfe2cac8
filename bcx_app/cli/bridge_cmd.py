"""``bcx bridge``: serve the webhook bridge (BigCommerce callbacks → ``bigcommerce.webhooks.v1``).

Settings come from ``BCX_BRIDGE__*``, ``BCX_KAFKA__*`` and ``BCX_REGISTRY__*`` (see docs/webhook-bridge.md);
``--host``/``--port`` override the listen address. ``--openapi`` prints the bridge's OpenAPI document.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "bridge",
        help="serve the BigCommerce webhook bridge",
        description="Receive BigCommerce webhook callbacks, authenticate them per store and publish each as "
        "one Avro record on bigcommerce.webhooks.v1; 200 only after Kafka acknowledged.",
    )
    parser.add_argument("--host", default=None, help="listen address (default BCX_BRIDGE__HOST)")
    parser.add_argument("--port", type=int, default=None, help="listen port (default BCX_BRIDGE__PORT)")
    parser.add_argument("--openapi", action="store_true", help="print the OpenAPI document and exit")
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if args.openapi:
        from producers.webhook_bridge.openapi import build_openapi

        json.dump(build_openapi(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0

    from bcx.settings import load_settings
    from producers.webhook_bridge.server import serve
    from producers.webhook_bridge.settings import BridgeSettings

    settings = load_settings(BridgeSettings)
    overrides = {k: v for k, v in (("host", args.host), ("port", args.port)) if v is not None}
    if overrides:
        settings = settings.model_copy(update={"bridge": settings.bridge.model_copy(update=overrides)})
    serve(settings)
    return 0
