"""``bcx enrich``: the enrichment consumer group (``bcx-enricher``) in this process until SIGTERM.

Reads ``bigcommerce.webhooks.v1``, reads each named entity's current state from BigCommerce and publishes
full snapshots to ``commerce.*``. Stores and credentials: ``BCX_BIGCOMMERCE__STORES`` (JSON list of
``{store_hash, access_token}``). Exit codes: 0 after a graceful stop, 3 when the runtime stopped itself
(dead-letter cap exceeded), 2 on a configuration error.
"""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "enrich", help="run the enrichment stage (webhooks → commerce.* snapshots)", description=__doc__
    )
    parser.set_defaults(handler=_enrich)


def _enrich(_args: argparse.Namespace) -> int:
    from bcx.logging import configure_logging
    from bcx.settings import load_settings
    from producers.enricher.service import run_enricher
    from producers.enricher.settings import EnricherSettings

    settings = load_settings(EnricherSettings)
    configure_logging(settings.log, component="enricher")
    return run_enricher(settings)
