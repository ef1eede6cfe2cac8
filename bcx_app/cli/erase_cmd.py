"""``bcx erase --customer ID --store S [--requested-by NAME]``: erase a customer's personal data from
everything bcx keeps, and stop every future document for them.

The document index pseudonymises the customer's rows; each of their documents' ledger entries keeps only
its key and state; stored outputs are deleted through the configured storage (``BCX_OUTPUT_STORAGE__*``);
an erasure record on ``customers.erasures.v1`` stops the document flows. Prints what was purged where.
Safe to run again (e.g. after a failure part-way). Exit 0 when everything was purged, 1 when some output
could not be deleted, 2 on a configuration or connection error. See docs/document-index.md.
"""

from __future__ import annotations

import argparse
import getpass
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "erase", help="erase a customer's personal data and stop their documents", description=__doc__
    )
    parser.add_argument("--customer", required=True, help="BigCommerce customer id")
    parser.add_argument("--store", required=True, help="store hash")
    parser.add_argument("--requested-by", default=None, help="who asked (default: the OS user)")
    parser.set_defaults(handler=_erase)


def _erase(args: argparse.Namespace) -> int:
    import asyncio
    from datetime import UTC, datetime

    from bcx.avro.registry import registry_client
    from bcx.exstream.storage import build_storage
    from bcx.settings import load_settings
    from bcx_app.cli.processes import deployed
    from consumers.document_index.db import connect
    from consumers.document_index.erasure import erase
    from consumers.document_index.erasure_kafka import ErasureProducer
    from consumers.document_index.settings import IndexSettings

    settings = load_settings(IndexSettings)
    registry = registry_client(settings.registry)
    storage = build_storage(settings.output_storage)
    kafka = ErasureProducer(
        settings.kafka.client_config(), registry, erasures_topic=settings.index.erasures_topic
    )
    try:
        with connect(settings.index.dsn.get_secret_value()) as conn:
            report = asyncio.run(
                erase(
                    conn,
                    args.store,
                    args.customer,
                    requested_by=args.requested_by or getpass.getuser(),
                    now=datetime.now(UTC),
                    storage=storage,
                    write_ledger=kafka.write_ledger,
                    publish=kafka.publish,
                    processes=deployed(),
                )
            )
        kafka.flush()
    finally:
        registry.close()
    print("\n".join(report.lines()))
    return 1 if report.outputs_failed else 0
