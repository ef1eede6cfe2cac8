"""The demo, start to finish: its own Kafka and registry, both simulators, the bridge, the enricher and every
built flow's consumer as separate processes; real webhooks and returns-intake submissions in, and a small B2B
statement run (``bcx statements plan``); a summary of the results (returns documents among them) out; then
the store's policies published into BigCommerce and listed with where they are."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from bcx.avro.compat import check_schema
from bcx.avro.registry import registry_client
from bcx.avro.schemas import all_schemas
from bcx.contracts.document_result import DocumentStatus
from bcx.contracts.webhook_event import TOPIC as WEBHOOKS_TOPIC
from bcx.errors import BcxError
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import expand, load_catalogue
from bcx.local.fetch import fetch_all
from bcx.local.kafka_node import KafkaNode, free_port
from bcx.local.paths import LocalPaths
from bcx.local.postgres_node import PostgresNode
from bcx.local.registry_node import RegistryNode
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.processes import deployed
from bcx_app.demo.marketing import catalog_run
from bcx_app.demo.plan import DemoPlan, Ports, build_plan, statement_run
from bcx_app.demo.policies import POLICY_CATALOGUE, publish_policies, write_demo_catalogue
from bcx_app.demo.processes import Supervisor
from bcx_app.demo.tally import render_summary
from bcx_app.demo.trace import print_one_trace
from bcx_app.demo.traffic import TrafficReport, send_traffic
from bcx_app.demo.watch import ResultsWatcher, group_lag
from consumers.document_index.process import INDEX
from consumers.registry import FLOWS
from producers.enricher.process import ENRICHER

QUIET_S = 5.0


@dataclass(frozen=True)
class DemoOptions:
    workdir: Path
    orders: int = 300
    seed: int = 7
    timeout_s: float = 600.0
    keep_running: bool = False
    interactive: bool = False
    # BigCommerce's top published budget (450 requests / 30 s), with time compressed 10x so a demo of a
    # few hundred orders takes a minute or two rather than ten; the enricher honours whatever it is told
    rate_limit: int = 450
    rate_window_ms: int = 3000


class TrafficThread(threading.Thread):
    def __init__(self, plan: DemoPlan, seed: int) -> None:
        super().__init__(name="demo-traffic", daemon=True)
        self._plan = plan
        self._seed = seed
        self.report: TrafficReport | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.report = asyncio.run(send_traffic(self._plan, random.Random(self._seed)))
        except BaseException as exc:  # reported by the main thread, which owns the exit
            self.error = exc


def _distinct_ports(count: int) -> list[int]:
    """``count`` different free ports: ``free_port`` can hand out the same port twice (nothing holds it
    between calls), and two processes on one health port leave one of them unable to start."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


def _prepare(kafka: KafkaSettings, registry: RegistrySettings) -> None:
    TopicAdmin(kafka.client_config()).apply(expand(load_catalogue(), 1, 1))
    with closing(registry_client(registry)) as client:
        for schema in all_schemas():
            check_schema(client, schema)


def _wait_for_results(
    plan: DemoPlan,
    kafka: KafkaSettings,
    watcher: ResultsWatcher,
    traffic: TrafficThread,
    timeout_s: float,
    say: Callable[[str], None],
    interactive: bool,
) -> bool:
    """Print progress until traffic is sent, both groups have caught up and results went quiet."""
    started = time.monotonic()
    while time.monotonic() - started < timeout_s:
        time.sleep(1.0)
        if traffic.error is not None:
            raise BcxError(f"sending webhooks failed: {traffic.error}")
        tally, last = watcher.snapshot()
        enrich_lag = group_lag(kafka, ENRICHER.group, WEBHOOKS_TOPIC)
        docs_lag = sum(group_lag(kafka, f.group, t) for f in FLOWS for t in f.input_topics)
        index_lag = sum(group_lag(kafka, INDEX.group, t) for t in INDEX.input_topics)
        sent = traffic.report.sent if traffic.report else "…"
        delivered, failed = tally.count(DocumentStatus.DELIVERED), tally.count(DocumentStatus.FAILED)
        line = (
            f"  {time.monotonic() - started:5.0f} s  webhooks sent {sent!s:>5} · "
            f"enricher lag {enrich_lag:>4} · consumer lag {docs_lag:>4} · "
            f"documents {tally.documents:>4} (delivered {delivered:>4}, failed {failed})"
        )
        if interactive:
            say(f"\r{line}   ")
        elif int(time.monotonic() - started) % 5 == 0:
            say(f"{line}\n")
        done = traffic.report is not None and enrich_lag == 0 and docs_lag == 0 and index_lag == 0
        if done and tally.total and time.monotonic() - last > QUIET_S:
            say("\n")
            return True
    say("\n")
    return False  # timed out


def _plan_statements(plan: DemoPlan, say: Callable[[str], None]) -> None:
    """A small B2B statement run beside the webhooks: ``bcx statements plan`` for the demo store."""
    command, env = statement_run(plan)
    say("planning a B2B statement run (bcx statements plan)…\n")
    done = subprocess.run(
        command, env={**os.environ, **env}, capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise BcxError(f"bcx statements plan failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    # the command's own summary is its last line; its logs come before it
    lines = done.stdout.strip().splitlines()
    say(f"  {lines[-1] if lines else 'no output'}\n")


def run_demo(options: DemoOptions, say: Callable[[str], None]) -> int:
    workdir = options.workdir.resolve()
    if workdir.exists():
        shutil.rmtree(workdir)
    paths = LocalPaths()
    say("bcx demo: fetching Kafka and Apicurio (cached after the first run)…\n")
    fetch_all(paths)
    kafka_node = KafkaNode(paths, workdir / "kafka", port=free_port(), controller_port=free_port())
    registry_node = RegistryNode(paths, workdir / "registry", port=free_port(), management_port=free_port())
    postgres_node = PostgresNode(workdir / "postgres", port=free_port())
    postgres_node.remove_data()  # a fresh index, like the fresh workdir
    supervisor = Supervisor(workdir / "logs")
    watcher: ResultsWatcher | None = None
    try:
        kafka_node.start()
        registry_node.start()
        postgres_node.start()
        kafka = KafkaSettings(bootstrap_servers=kafka_node.bootstrap_servers, client_id="bcx-demo")
        registry = RegistrySettings(url=registry_node.url)
        say(
            f"  Apache Kafka {kafka_node.version()} at {kafka.bootstrap_servers}, {registry_node.version()}, "
            f"{postgres_node.version()} at {postgres_node.dsn}\n"
        )
        _prepare(kafka, registry)
        consumers = deployed()
        picked = _distinct_ports(3 + len(consumers))
        health = {c.name: port for c, port in zip(consumers, picked[3:], strict=True)}
        ports = Ports(picked[0], picked[1], picked[2], health)
        plan = build_plan(
            workdir=workdir,
            ports=ports,
            bootstrap_servers=kafka.bootstrap_servers,
            registry_url=registry.url,
            orders=options.orders,
            seed=options.seed,
            consumers=consumers,
            rate_limit=options.rate_limit,
            rate_window_ms=options.rate_window_ms,
            index_dsn=postgres_node.dsn,
        )
        workdir.mkdir(parents=True, exist_ok=True)
        write_demo_catalogue(workdir / POLICY_CATALOGUE)
        for spec in plan.processes:
            supervisor.start(spec)
            say(f"  started {spec.name:16} ({spec.ready_url.rsplit('/', 1)[0]})\n")
        watcher = ResultsWatcher(kafka, registry)
        watcher.start()
        say(f"sending webhooks for {options.orders} orders (with duplicates and reordering) to the bridge…\n")
        begun = time.monotonic()
        traffic = TrafficThread(plan, options.seed)
        traffic.start()
        _plan_statements(plan, say)
        finished = _wait_for_results(
            plan, kafka, watcher, traffic, options.timeout_s, say, options.interactive
        )
        if finished:
            catalog_run(plan, kafka, say)
            time.sleep(QUIET_S)  # the catalogs' results
        tally, _ = watcher.snapshot()
        report = traffic.report
        if report is not None:
            answered = ", ".join(f"{k}: {v}" for k, v in sorted(report.answered.items()))
            say(
                f"\nwebhooks: {report.sent} deliveries for {report.orders} orders + live scenarios; "
                f"bridge answered {answered}; "
                f"bcx sweep delayed-orders published {report.delayed} delay events\n"
            )
            if report.returns is not None:
                intake = ", ".join(f"{k}: {v}" for k, v in sorted(report.returns.answered.items()))
                say(
                    f"returns intake: {report.returns.posted} posts (each submission twice) to "
                    f"{plan.returns_url}; answered {intake}\n"
                )
        where = {
            "PDFs": str(plan.documents_dir),
            "mailbox": str(plan.outbox_dir / "email") + " (.eml, HTML body + PDF)",
            "print": str(plan.outbox_dir / "print"),
            "portal": str(plan.outbox_dir / "portal"),
            "logs": str(plan.logs_dir),
        }
        say(render_summary(tally, elapsed_s=time.monotonic() - begun, where=where) + "\n")
        print_one_trace(postgres_node.dsn, say)
        if not finished:
            say(f"bcx demo: gave up waiting after {options.timeout_s:.0f} s; see the logs above\n")
        policies_ok = publish_policies(plan, kafka, registry, say, timeout_s=120.0)
        if options.keep_running:
            say(
                f"\nkeeping everything running (Ctrl-C stops it): bridge {plan.bridge_url}, "
                f"Kafka {kafka.bootstrap_servers}, registry {registry.url}, "
                f"BigCommerce simulator {plan.bigcommerce_url}\n"
            )
            try:
                while supervisor.alive():
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
        ok = (
            finished
            and policies_ok
            and tally.duplicate_documents == 0
            and tally.count(DocumentStatus.DELIVERED) > 0
        )
        if report is not None and report.returns is not None:
            ok = ok and set(report.returns.answered) == {"200"}  # the intake refused none of the demo's
        return 0 if ok else 1
    finally:
        if watcher is not None:
            watcher.close()
        codes = supervisor.stop_all()
        postgres_node.stop()
        registry_node.stop()
        kafka_node.stop()
        unclean = {name: code for name, code in codes.items() if code not in (0, -15)}
        say("stopped everything" + (f" (exit codes {unclean})" if unclean else " cleanly") + "\n")
