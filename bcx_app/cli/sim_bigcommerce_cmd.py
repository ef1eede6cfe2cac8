"""``bcx sim bigcommerce`` serves the BigCommerce simulator; ``bcx sim webhooks`` sends scenario callbacks.

``sim webhooks`` drives scenarios against a running simulator (``--simulator URL``), or against one it
starts in-process when no URL is given, and posts the resulting official-format callbacks to ``--target``
with the custom secret header and the Standard Webhooks signature.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
from typing import Any

from bcx.logging import configure_logging
from bcx.settings import LogSettings
from bcx_app.cli.sim_exstream_cmd import sim_actions
from bcx_app.cli.sim_extra import require_simulators


def register(subparsers: Any) -> None:
    actions = sim_actions(subparsers)
    serve = actions.add_parser(
        "bigcommerce",
        help="serve the BigCommerce simulator (REST v2/v3, B2B Edition)",
        description="A generated, deterministic store behind BigCommerce's REST v2/v3 and B2B Edition paths, "
        "with X-Rate-Limit headers, 429s and fault injection. Admin endpoints under /_sim.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8200, help="port to listen on")
    serve.add_argument(
        "--seed", type=int, default=42, help="seed of the generated store (same seed, same data)"
    )
    serve.add_argument("--orders", type=int, default=500, help="orders in the generated store")
    serve.add_argument("--customers", type=int, default=None, help="customers (default: from --orders)")
    serve.add_argument("--products", type=int, default=60, help="products in the catalogue")
    serve.add_argument("--companies", type=int, default=None, help="B2B companies (default: from --orders)")
    serve.add_argument("--store-hash", action="append", default=[], help="repeat for several stores")
    serve.add_argument("--access-token", default="sim-access-token", help="X-Auth-Token the API accepts")
    serve.add_argument("--rate-limit", type=int, default=450, help="requests per window per store; 0 = off")
    serve.add_argument(
        "--rate-window-ms", type=int, default=30_000, help="rate-limit window (BigCommerce: 30 s)"
    )
    serve.add_argument("--b2b-rate-limit", type=int, default=150, help="B2B requests per minute; 0 = off")
    serve.add_argument("--latency-ms", type=int, default=0, help="added to every API answer")
    serve.add_argument("--error-rate", type=float, default=0.0, help="share of calls answered 500")
    serve.add_argument("--timeout-rate", type=float, default=0.0, help="share of calls that hang, then 504")
    serve.add_argument("--timeout-s", type=float, default=30.0, help="how long a --timeout-rate call hangs")
    serve.set_defaults(handler=_serve)

    send = actions.add_parser(
        "webhooks",
        help="send BigCommerce webhook callbacks for scenarios",
        description="Scenarios: order-lifecycle, refund, fraud-review, cancellation, abandoned-cart, "
        "new-customer, price-change, policy-hand-edit (or 'all').",
    )
    send.add_argument("--target", required=True, help="URL the callbacks are POSTed to")
    send.add_argument("--scenario", action="append", required=True, help="scenario to run (repeat), or all")
    send.add_argument("--simulator", default=None, help="base URL of a running simulator (else in-process)")
    send.add_argument("--store-hash", default="simstore1", help="store the callbacks come from")
    send.add_argument("--access-token", default="sim-access-token", help="token for the simulator's API")
    send.add_argument(
        "--client-secret", default=None, help="app client secret for the Standard Webhooks signature"
    )
    send.add_argument(
        "--secret-header", default=None, metavar="NAME:VALUE", help="custom header sent on each call"
    )
    send.add_argument("--duplicates", type=float, default=0.0, help="chance a callback is sent twice")
    send.add_argument("--reorder", action="store_true", help="shuffle all callbacks before sending")
    send.add_argument("--burst", type=int, default=1, help="concurrent runs of each scenario")
    send.add_argument("--concurrency", type=int, default=8, help="callbacks in flight at once")
    send.add_argument("--seed", type=int, default=7, help="seed for duplicates, reordering and scenario data")
    send.set_defaults(handler=_send)


def _serve(args: argparse.Namespace) -> int:
    require_simulators("sim bigcommerce")
    from simulators.bigcommerce.config import FaultConfig, RateLimitConfig, SimulatorConfig
    from simulators.bigcommerce.server import serve_forever

    configure_logging(LogSettings(), component="bigcommerce-sim")
    config = SimulatorConfig(
        store_hashes=tuple(args.store_hash) or ("simstore1",),
        access_token=args.access_token,
        seed=args.seed,
        orders=args.orders,
        customers=args.customers,
        products=args.products,
        companies=args.companies,
        rate_limit=RateLimitConfig(
            quota=args.rate_limit, window_ms=args.rate_window_ms, b2b_quota=args.b2b_rate_limit
        ),
        faults=FaultConfig(
            latency_ms=args.latency_ms,
            error_rate=args.error_rate,
            timeout_rate=args.timeout_rate,
            timeout_s=args.timeout_s,
        ),
    )
    serve_forever(config, host=args.host, port=args.port)
    return 0


def _send(args: argparse.Namespace) -> int:
    require_simulators("sim webhooks")
    from simulators.bigcommerce.config import SimulatorConfig
    from simulators.bigcommerce.server import start_simulator
    from simulators.bigcommerce.webhooks.scenarios import SCENARIOS

    configure_logging(LogSettings(), component="bigcommerce-sim")
    names = sorted(SCENARIOS) if "all" in args.scenario else list(args.scenario)
    running = None
    base_url = args.simulator
    if base_url is None:
        running = start_simulator(
            SimulatorConfig(store_hashes=(args.store_hash,), access_token=args.access_token)
        )
        base_url = running.base_url
    try:
        report = asyncio.run(_run(args, names, base_url))
    finally:
        if running is not None:
            running.stop()
    print(json.dumps({"sent": len(report.results), "by_status": report.by_status, "scopes": report.scopes}))
    return 0 if all(r.status is not None and 200 <= r.status < 300 for r in report.results) else 1


async def _run(args: argparse.Namespace, names: list[str], base_url: str) -> Any:
    import httpx
    from pydantic import SecretStr

    from bcx.bigcommerce.client import BigCommerceClient
    from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
    from simulators.bigcommerce.webhooks.scenarios import ScenarioContext
    from simulators.bigcommerce.webhooks.sender import SendOptions, WebhookSender, run_scenarios

    settings = BigCommerceSettings(
        api_base_url=base_url,
        b2b_base_url=base_url,
        stores=(StoreCredentials(store_hash=args.store_hash, access_token=SecretStr(args.access_token)),),
    )
    header = tuple(args.secret_header.split(":", 1)) if args.secret_header else None
    async with BigCommerceClient(settings) as client, httpx.AsyncClient(base_url=base_url) as admin:
        info = await client.get_store_information(args.store_hash)
        sender = WebhookSender(
            args.target,
            store_id=info.store_id or 0,
            store_hash=args.store_hash,
            client_secret=args.client_secret,
            secret_header=(header[0], header[1]) if header and len(header) == 2 else None,
        )
        try:
            ctx = ScenarioContext(client, args.store_hash, admin, random.Random(args.seed))
            options = SendOptions(
                duplicates=args.duplicates,
                reorder=args.reorder,
                burst=args.burst,
                concurrency=args.concurrency,
            )
            return await run_scenarios(names, ctx, sender, options)
        finally:
            await sender.aclose()
