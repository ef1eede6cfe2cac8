"""``bcx sim exstream``: serve the Exstream simulator (OTDS, Orchestration inputs and runtime jobs).

``sim`` is a group other simulators join too: whichever module registers first creates it, later ones add
their subcommand to the same group.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bcx.logging import configure_logging
from bcx.settings import LogSettings
from bcx_app.cli.sim_extra import require_simulators


def sim_actions(subparsers: Any) -> Any:
    """The ``bcx sim`` sub-command group, created on first use."""
    existing = subparsers.choices.get("sim")
    if existing is None:
        existing = subparsers.add_parser("sim", help="run simulators of BigCommerce and Exstream")
        existing.add_subparsers(dest="simulator", metavar="SIMULATOR", required=True)
    for action in existing._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("bcx sim has no sub-commands")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = sim_actions(subparsers).add_parser(
        "exstream",
        help="serve the OpenText Exstream simulator",
        description="OTDS tokens, on-demand generation (real PDF/HTML), batch jobs, runtime job polling, "
        "simulated e-mail/print/portal delivery, fault and latency injection. Simulator-only "
        "endpoints live under /_sim (documents per reference, faults at runtime).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8300, help="port to listen on")
    parser.add_argument("--seed", type=int, default=None, help="seed for latency and fault draws")
    parser.add_argument(
        "--outbox", type=Path, default=Path("var/exstream-sim/outbox"), help="where delivered documents land"
    )
    parser.add_argument("--templates", type=Path, action="append", default=[], help="extra template folder")
    parser.add_argument(
        "--latency",
        choices=["none", "fixed", "uniform", "lognormal"],
        default="none",
        help="distribution of added response latency",
    )
    parser.add_argument("--latency-ms", type=float, default=0.0, help="fixed ms, or lognormal median")
    parser.add_argument("--latency-max-ms", type=float, default=0.0, help="uniform upper bound")
    parser.add_argument("--latency-sigma", type=float, default=0.5, help="lognormal spread")
    parser.add_argument("--fail-rate", type=float, default=0.0, help="share of calls answered 503")
    parser.add_argument("--rate-limit-rate", type=float, default=0.0, help="share of calls answered 429")
    parser.add_argument("--hang-rate", type=float, default=0.0, help="share of replies withheld")
    parser.add_argument("--hang-s", type=float, default=30.0, help="how long a withheld reply hangs")
    parser.add_argument("--malformed-rate", type=float, default=0.0, help="share of 2xx replies corrupted")
    parser.add_argument("--token-ttl-s", type=float, default=900.0, help="how long an OTDS token is accepted")
    parser.add_argument(
        "--batch-duration-s", type=float, default=0.5, help="how long a batch job stays started"
    )
    parser.add_argument("--client", action="append", default=[], metavar="ID:SECRET", help="OTDS client")
    parser.add_argument("--benchmark", action="store_true", help="answer a fixed small PDF, no rendering")
    parser.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    require_simulators("sim exstream")
    from simulators.exstream.config import FaultConfig, LatencyConfig, SimulatorConfig
    from simulators.exstream.server import serve

    configure_logging(LogSettings(), component="exstream-sim")
    latency = LatencyConfig(
        kind=args.latency,
        ms=args.latency_ms,
        min_ms=args.latency_ms,
        max_ms=args.latency_max_ms,
        median_ms=args.latency_ms,
        sigma=args.latency_sigma,
    )
    clients = dict(c.split(":", 1) for c in args.client if ":" in c) or {"bcx": "bcx-secret"}
    config = SimulatorConfig(
        host=args.host,
        port=args.port,
        seed=args.seed,
        outbox=args.outbox,
        template_dirs=tuple(args.templates),
        token_ttl_s=args.token_ttl_s,
        batch_duration_s=args.batch_duration_s,
        clients=clients,
        benchmark=args.benchmark,
        faults=FaultConfig(
            latency=latency,
            error_rate=args.fail_rate,
            rate_limit_rate=args.rate_limit_rate,
            hang_rate=args.hang_rate,
            hang_s=args.hang_s,
            malformed_rate=args.malformed_rate,
        ),
    )
    print(f"Exstream simulator on http://{config.host}:{config.port} (outbox {config.outbox})", flush=True)
    serve(config)
    return 0
