"""``bcx preview <flow> --order ID --store S [--rules FILE] [--out DIR] [--json]``: what the flow would
send for an order now, and why, rendered to files, for compliance sign-off of a rule or template change.

Reads the order's latest snapshot from the flow's input topic, decides with the flow's rules (``--rules``
to try a changed file), prints each due document's explanation and renders it through Exstream (the
``BCX_EXSTREAM__*`` settings: the real tenant or the simulator) into ``--out``. Delivers nothing, writes
nothing to the ledger, the results topic or output storage. Exit 0 with documents rendered, 1 when the
rules ask for none, 2 on a configuration error or an order that is not on the topic.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "preview",
        help="decide and render a flow's documents for one order, sending nothing",
        description=__doc__,
    )
    parser.add_argument("flow", help="a built flow, e.g. order-documents")
    parser.add_argument("--order", required=True, help="BigCommerce order id")
    parser.add_argument("--store", required=True, help="store hash")
    parser.add_argument(
        "--rules", type=Path, default=None, help="routing rules file to try (default: the flow's)"
    )
    parser.add_argument("--out", type=Path, default=Path("var/preview"), help="folder for the rendered files")
    parser.add_argument("--topic", default=None, help="read the snapshot from this topic instead")
    parser.set_defaults(handler=_preview)


def _preview(args: argparse.Namespace) -> int:
    import asyncio

    from bcx.avro.registry import registry_client
    from bcx.errors import ConfigurationError
    from bcx.exstream.client import ExstreamClient
    from bcx.settings import load_settings
    from bcx_app.preview import PreviewError, latest_snapshot, preview
    from consumers.registry import factory_for, flow_named
    from consumers.runtime.settings import ConsumeSettings

    flow = flow_named(args.flow)
    factory = factory_for(flow.name)
    if args.rules is not None:
        if not args.rules.is_file():
            raise ConfigurationError(f"--rules: no file {args.rules}")
        # the flow's own settings name its rule file; the composition root points them at the candidate
        os.environ[f"BCX_{flow.use_case.upper()}__RULES_PATH"] = str(args.rules.resolve())
    settings = load_settings(ConsumeSettings)
    topic = args.topic or flow.input_topics[0]
    record = latest_snapshot(settings.kafka.client_config(), topic, f"{args.store}:order:{args.order}")
    if record is None:
        raise PreviewError(
            f"order {args.order} of store {args.store} is not on {topic} (older than its retention?)"
        )
    registry = registry_client(settings.registry)

    async def run() -> Any:
        exstream = ExstreamClient(settings.exstream)
        try:
            return await preview(
                flow, factory, record, settings=settings, registry=registry, exstream=exstream, out=args.out
            )
        finally:
            await exstream.aclose()

    try:
        documents = asyncio.run(run())
    finally:
        registry.close()
    for item in documents:
        decision, why = item.request.decision, item.request.explanation
        print(f"{decision.document_type}  key {decision.idempotency_key}")
        print(f"  would go to: {', '.join(c.value for c in decision.channels) or 'no channel'}")
        print(f"  why: {why.reason if why else decision.rule}")
        if why and why.rules_digest:
            print(f"  rules digest: {why.rules_digest}")
        for path in item.files:
            print(f"  rendered: {path}")
    if not documents:
        print(f"the rules ask for no document for order {args.order} now")
    return 0 if documents else 1
