"""``bcx demo``: the whole pipeline on this machine from real webhooks to delivered PDFs, then a summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bcx.local.paths import PROJECT_ROOT
from bcx.logging import configure_logging
from bcx.settings import LogSettings
from bcx_app.cli.sim_extra import require_simulators


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "demo",
        help="run the local end-to-end demo",
        description="Start Kafka, the schema registry, both simulators, the bridge, the enricher and the "
        "order-documents consumer; replay a store's orders as real webhooks (duplicates, reordering, live "
        "status changes); wait for the documents; print a summary; shut everything down (also on Ctrl-C, "
        "SIGTERM and SIGHUP).",
    )
    parser.add_argument("--orders", type=int, default=300, help="orders in the simulated store")
    parser.add_argument("--seed", type=int, default=7, help="seed of the generated store and traffic")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the pipeline")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=PROJECT_ROOT / "var" / "demo",
        help="where data, logs, PDFs and outboxes go; emptied first (default: var/demo/)",
    )
    parser.add_argument("--keep-running", action="store_true", help="leave everything up for exploration")
    parser.add_argument(
        "--rate-limit", type=int, default=450, help="BigCommerce simulator: API requests per window per store"
    )
    parser.add_argument(
        "--rate-window-ms",
        type=int,
        default=3000,
        help="the rate-limit window (BigCommerce's is 30000; the demo compresses time 10x)",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    require_simulators("demo")
    from bcx_app.demo.run import DemoOptions, run_demo
    from bcx_app.demo.signals import Terminated, terminate_on_signals

    def say(text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    options = DemoOptions(
        workdir=args.workdir,
        orders=args.orders,
        seed=args.seed,
        timeout_s=args.timeout,
        keep_running=args.keep_running,
        interactive=sys.stdout.isatty(),
        rate_limit=args.rate_limit,
        rate_window_ms=args.rate_window_ms,
    )
    # the demo's own logs (webhook sender, clients) would drown the progress line; children log to files
    configure_logging(LogSettings(level="ERROR", format="console"), stream=sys.stderr, component="demo")
    try:
        with terminate_on_signals():
            return run_demo(options, say)
    except Terminated as stopped:
        say(f"bcx demo: stopped by {stopped}\n")
        return stopped.exit_code
