"""Statement-run benchmark: a whole store's period for N B2B companies (default 10,000) against the
simulators, through the real broker.

``bcx statements plan`` then the account-statements consumer (``run_use_case`` in this process, so the peak
RSS is bcx's: planner + consumer), with the BigCommerce simulator (B2B budget 150 requests/min enforced) and
the Exstream simulator (``--benchmark``: fixed small PDF) in their own processes. Reports wall time of the
plan and of the documents, B2B API calls (total and per company, from the simulator's own counters),
Exstream batch jobs (or on-demand calls) and runtime API calls (job status, outputs), documents, peak RSS.

What bounds a run: at 150 B2B requests/min, one call per company is 2.5 companies/s (4 000 s for
10 000). bcx reads the store through list endpoints, 250 items a request (companies 249): a few hundred
requests for 10 000 companies. Credit and payment terms have no list endpoint: ``--credit-and-terms`` adds
two calls per company and the budget bounds the run again (75 companies/min) — measure it at a small N.

Usage (needs a broker and registry: BCX_TEST_KAFKA_BOOTSTRAP and BCX_TEST_REGISTRY_URL, or the
BCX_KAFKA__BOOTSTRAP_SERVERS / BCX_REGISTRY__URL pair)::

    .venv/bin/python benchmarks/statements.py --companies 10000
    .venv/bin/python benchmarks/statements.py --companies 60 --credit-and-terms

Measures, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import resource
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pydantic import SecretStr

from bcx.avro.registry import registry_client
from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.local.kafka_node import free_port
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.statements_cmd import PlanSettings, run_plan
from consumers.account_statements.app import build
from consumers.account_statements.period import Period
from consumers.account_statements.settings import AccountStatementsConfig, AccountStatementsSettings
from consumers.runtime import Services, UseCase
from tests.consumers.support import (
    RunningConsumer,
    consume_settings,
    create_group_topics,
    exstream_settings,
    wait_drained,
)

TOKEN = "sim-access-token"


@contextlib.contextmanager
def simulator(args: list[str], port: int, health: str) -> Iterator[str]:
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "bcx_app.cli.main", "sim", *args, "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}{health}", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"simulator {args[0]} did not start")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(20)


def b2b_requests(base: str) -> int:
    stats = httpx.get(f"{base}/_sim/stats", timeout=30).json()
    total = 0
    for store in stats["stores"].values():
        total += sum(int(n) for route, n in store["by_route"].items() if "/api/v3/io" in route)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--companies", type=int, default=10_000)
    parser.add_argument("--period", default="2025-11", help="the simulator's data ends on 2025-12-31")
    parser.add_argument("--credit-and-terms", action="store_true", help="two B2B calls per company")
    parser.add_argument("--batch-threshold", type=int, default=200)
    parser.add_argument("--batch-chunk", type=int, default=500, help="companies per chunk (one job each)")
    parser.add_argument("--max-in-flight", type=int, default=256)
    args = parser.parse_args()

    bootstrap = os.environ.get("BCX_TEST_KAFKA_BOOTSTRAP") or os.environ.get("BCX_KAFKA__BOOTSTRAP_SERVERS")
    registry_url = os.environ.get("BCX_TEST_REGISTRY_URL") or os.environ.get("BCX_REGISTRY__URL")
    if not bootstrap or not registry_url:
        print("set BCX_TEST_KAFKA_BOOTSTRAP and BCX_TEST_REGISTRY_URL (a running broker and registry)")
        return 2
    kafka = KafkaSettings(bootstrap_servers=bootstrap)
    registry_settings = RegistrySettings(url=registry_url)
    store = f"bench{uuid.uuid4().hex[:6]}"
    bc_args = ["bigcommerce", "--store-hash", store, "--companies", str(args.companies), "--orders", "100"]
    with (
        simulator(bc_args, free_port(), "/_sim/health") as bc_base,
        simulator(["exstream", "--benchmark"], free_port(), "/_sim/health") as ex_base,
    ):
        topic = f"bench.schedules.{uuid.uuid4().hex[:8]}"
        group = f"bcx-account-statements-bench-{uuid.uuid4().hex[:6]}"
        TopicAdmin(kafka.client_config()).create(
            [TopicSpec(topic, 12, 1, {}), TopicSpec(RESULTS_TOPIC, 3, 1, {})]
        )
        create_group_topics(kafka, group, partitions=12)
        bigcommerce = BigCommerceSettings(
            api_base_url=bc_base,
            b2b_base_url=bc_base,
            stores=(StoreCredentials(store_hash=store, access_token=SecretStr(TOKEN)),),
        )
        registry = registry_client(registry_settings)

        config = AccountStatementsConfig(
            batch_threshold=args.batch_threshold,
            batch_chunk=args.batch_chunk,
            credit_and_terms=args.credit_and_terms,
        )
        started = time.monotonic()
        plan_settings = PlanSettings(
            kafka=kafka, registry=registry_settings, bigcommerce=bigcommerce, account_statements=config
        )
        report: Any = asyncio.run(
            run_plan(plan_settings, store, Period.parse(args.period), topic=topic, registry=registry)
        )
        plan_s = time.monotonic() - started
        plan_calls = b2b_requests(bc_base)

        exstream = exstream_settings(ex_base).model_copy(
            update={
                "poll_initial_delay_s": 0.2,
                "poll_max_delay_s": 1.0,
                "poll_timeout_s": 600.0,
                "max_concurrency": 64,
            }
        )
        settings = consume_settings(
            kafka,
            registry_settings,
            group=group,
            topics=[topic],
            exstream=exstream,
            storage_root=Path(f"var/bench-statements/{store}"),
            max_in_flight=args.max_in_flight,
        )

        def factory(services: Services) -> UseCase[Any]:
            return build(
                services, AccountStatementsSettings(account_statements=config, bigcommerce=bigcommerce)
            )

        started = time.monotonic()
        consumer = RunningConsumer("account-statements", factory, settings)
        wait_drained(kafka, group, topic, timeout=24 * 3600)
        documents_s = time.monotonic() - started
        consumer.stop()
        calls = b2b_requests(bc_base)
        ex_stats = httpx.get(f"{ex_base}/_sim/stats", timeout=30).json()

    companies = max(1, report.published)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"companies in store      {args.companies} (approved, planned: {report.published})")
    print(f"period                  {args.period}; credit and terms: {args.credit_and_terms}")
    print(f"plan                    {plan_s:8.1f} s, {plan_calls} B2B requests")
    made = ex_stats.get("documents", 0)
    print(f"documents               {documents_s:8.1f} s, {made} documents made, {made / documents_s:.1f}/s")
    print(f"chunk requests          {report.chunks}")
    print(f"wall time               {plan_s + documents_s:8.1f} s")
    print(f"B2B requests            {calls} total, {calls / companies:.4f} per company")
    # the simulator counts input calls and runtime calls (job status and output downloads); every input
    # call of a run above the batch threshold is a batch job submission (one per chunk and communication)
    batch = report.published > args.batch_threshold
    inputs, polls = ex_stats.get("inputs_requests", 0), ex_stats.get("runtime_requests", 0)
    kind = "batch jobs" if batch else "on-demand calls"
    print(f"Exstream                {inputs} {kind}, {polls} runtime API calls")
    print(f"job-status calls        {ex_stats.get('job_status_requests', 0)}")
    print(f"peak RSS (bcx process)  {peak_mb:8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
