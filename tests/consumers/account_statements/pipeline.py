"""The account-statements pipeline for end-to-end tests: the two simulators, a unique store, topics, the
planner, a consumer in a thread or a subprocess, and readers of what came out."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from confluent_kafka import Consumer, TopicPartition
from pydantic import SecretStr

from bcx.bigcommerce.settings import BigCommerceSettings, StoreCredentials
from bcx.contracts.codecs import document_result_codec
from bcx.contracts.document_result import TOPIC as RESULTS_TOPIC
from bcx.contracts.document_result import DocumentResult
from bcx.kafka.admin import TopicAdmin
from bcx.kafka.topics import TopicSpec
from bcx.settings import KafkaSettings, RegistrySettings
from bcx_app.cli.statements_cmd import PlanSettings, run_plan
from consumers.account_statements.app import build
from consumers.account_statements.period import Period
from consumers.account_statements.plan import PlanReport
from consumers.account_statements.settings import AccountStatementsConfig, AccountStatementsSettings
from consumers.runtime import Services, UseCase
from consumers.runtime.ledger import exstream_reference
from routing import default_rules_path
from simulators.bigcommerce import gen_people, receivables
from simulators.bigcommerce.server import RunningSimulator
from simulators.exstream.server import RunningSimulator as RunningExstream
from tests.consumers.support import (
    RunningConsumer,
    consume_settings,
    create_group_topics,
    exstream_settings,
    produce,
)
from tests.consumers.support import settings_env as runtime_env
from tests.support.pdf import pdf_text, stored_pdf

ROOT = Path(__file__).resolve().parents[3]
TOKEN = "sim-access-token"  # the simulator's well-known dev token
CHICAGO_DEC_2025 = (datetime(2025, 12, 1, 6, tzinfo=UTC), datetime(2026, 1, 1, 6, tzinfo=UTC))


def eligible(seed: int, company_count: int, extra: set[int]) -> set[int]:
    """Approved companies with activity in December 2025 (store time) or an open balance, from the
    simulator's generated data (stated from the data, not from the code under test), plus ``extra``."""
    start, end = (int(t.timestamp()) for t in CHICAGO_DEC_2025)
    book = receivables.build(seed, range(1, company_count + 1))
    found = set(extra)
    for cid in range(1, company_count + 1):
        if int(gen_people.company(seed, cid)["companyStatus"]) != 1:
            continue
        invoices = book.invoices.get(cid, [])
        active = any(start <= int(i["createdAt"]) < end for i in invoices) or any(
            start <= r["createdAt"] < end for r in book.receipts if r["customerId"] == str(cid)
        )
        open_ = any(i["status"] in (0, 1) and float(i["openBalance"]["value"]) > 0 for i in invoices)
        if active or open_:
            found.add(cid)
    return found


def quiet_company(seed: int, company_count: int) -> int:
    """An approved company whose generated history is empty: the fixture's invoices are all it has."""
    book = receivables.build(seed, range(1, company_count + 1))
    for cid in range(1, company_count + 1):
        approved = int(gen_people.company(seed, cid)["companyStatus"]) == 1
        if (
            approved
            and not book.invoices.get(cid)
            and not any(r["customerId"] == str(cid) for r in book.receipts)
        ):
            return cid
    raise AssertionError("no approved company without history: change the seed or the company count")


class Pipeline:
    def __init__(
        self,
        kafka: KafkaSettings,
        registry_settings: RegistrySettings,
        registry: Any,
        bigcommerce: RunningSimulator,
        exstream: RunningExstream,
        schedules_topic: str,
        store: str,
        tmp: Path,
        batch_threshold: int,
        batch_chunk: int = 500,
    ) -> None:
        self.kafka, self.registry, self.store = kafka, registry, store
        self.bigcommerce, self.exstream = bigcommerce, exstream
        self.topic = schedules_topic
        self.group = f"bcx-account-statements-{uuid.uuid4().hex[:8]}"
        self.storage_root = tmp / "documents"
        create_group_topics(kafka, self.group, partitions=3)
        TopicAdmin(kafka.client_config()).create([TopicSpec(RESULTS_TOPIC, 3, 1, {})])
        self.bc_settings = BigCommerceSettings(
            api_base_url=bigcommerce.base_url,
            b2b_base_url=bigcommerce.base_url,
            stores=(StoreCredentials(store_hash=store, access_token=SecretStr(TOKEN)),),
        )
        self.config = AccountStatementsConfig(
            rules_path=default_rules_path(), batch_threshold=batch_threshold, batch_chunk=batch_chunk
        )
        self.plan_settings = PlanSettings(
            kafka=kafka,
            registry=registry_settings,
            bigcommerce=self.bc_settings,
            account_statements=self.config,
        )
        exstream_conf = exstream_settings(exstream.base_url).model_copy(
            update={"poll_initial_delay_s": 0.1, "poll_max_delay_s": 0.5, "poll_timeout_s": 120.0}
        )
        self.settings = consume_settings(
            kafka,
            registry_settings,
            group=self.group,
            topics=[schedules_topic],
            exstream=exstream_conf,
            storage_root=self.storage_root,
            retry_topic_rounds=0,
            max_in_flight=4,
            shutdown_timeout_s=2.0,
        )

    def headers(self) -> dict[str, str]:
        return {"X-Auth-Token": TOKEN, "X-Store-Hash": self.store}

    def post_invoices(self, bodies: list[dict[str, Any]]) -> None:
        for body in bodies:
            reply = httpx.post(
                f"{self.bigcommerce.base_url}/api/v3/io/ip/invoices", json=body, headers=self.headers()
            )
            reply.raise_for_status()

    def plan(self, period: str, *, reissue: bool = False) -> PlanReport:
        report: PlanReport = asyncio.run(
            run_plan(
                self.plan_settings,
                self.store,
                Period.parse(period),
                reissue=reissue,
                registry=self.registry,
                topic=self.topic,
            )
        )
        return report

    def factory(self, services: Services) -> UseCase[Any]:
        settings = AccountStatementsSettings(account_statements=self.config, bigcommerce=self.bc_settings)
        return build(services, settings)

    def start(self) -> RunningConsumer:
        return RunningConsumer("account-statements", self.factory, self.settings)

    def spawn(self) -> subprocess.Popen[bytes]:
        """``bcx consume account-statements`` in its own process (to be SIGKILLed)."""
        env = {
            **os.environ,
            **runtime_env(self.settings),
            "PYTHONPATH": str(ROOT),
            "BCX_BIGCOMMERCE__API_BASE_URL": self.bigcommerce.base_url,
            "BCX_BIGCOMMERCE__B2B_BASE_URL": self.bigcommerce.base_url,
            "BCX_BIGCOMMERCE__STORES": json.dumps([{"store_hash": self.store, "access_token": TOKEN}]),
            "BCX_ACCOUNT_STATEMENTS__BATCH_THRESHOLD": str(self.config.batch_threshold),
        }
        command = [sys.executable, "-m", "bcx_app.cli.main", "consume", "account-statements"]
        return subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def results(self) -> list[DocumentResult]:
        """Every result of this store on the results topic, read to its end."""
        codec = document_result_codec(self.registry, auto_register=False)
        consumer = Consumer({**self.kafka.client_config(), "group.id": f"r-{uuid.uuid4().hex[:8]}"})
        prefix = f"account_statements:{self.store}:".encode()
        found: list[DocumentResult] = []
        try:
            parts = consumer.list_topics(RESULTS_TOPIC, timeout=10).topics[RESULTS_TOPIC].partitions
            ends = {
                p: consumer.get_watermark_offsets(TopicPartition(RESULTS_TOPIC, p), timeout=10) for p in parts
            }
            live = {p: hw for p, (lw, hw) in ends.items() if hw > lw}
            consumer.assign([TopicPartition(RESULTS_TOPIC, p, 0) for p in live])
            left = set(live)
            deadline = time.monotonic() + 60
            while left:
                assert time.monotonic() < deadline, f"results partitions {sorted(left)} not read to their end"
                for msg in consumer.consume(1000, 0.5):
                    value = msg.value()
                    if msg.error() is None and (msg.key() or b"").startswith(prefix) and value is not None:
                        found.append(codec.decode(value))
                # results are written in transactions: a partition's last offset may be a commit marker, never
                # delivered, so a partition is read when the consumer's position reaches its end
                positions = consumer.position([TopicPartition(RESULTS_TOPIC, p) for p in left])
                left -= {tp.partition for tp in positions if tp.offset >= live[tp.partition]}
        finally:
            consumer.close()
        return found

    def generated(self) -> Counter[str]:
        return Counter(r.key for r in self.results() if r.status.value == "GENERATED")

    def redeliver(self, key: str) -> None:
        """Produce the schedules topic's record of ``key`` once more (a duplicate delivery)."""
        consumer = Consumer(
            {
                **self.kafka.client_config(),
                "group.id": f"d-{uuid.uuid4().hex[:8]}",
                "auto.offset.reset": "earliest",
            }
        )
        try:
            consumer.subscribe([self.topic])
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                msg = consumer.poll(0.5)
                if msg is not None and msg.error() is None and msg.key() == key.encode():
                    produce(self.kafka, self.topic, [(key, msg.value())])
                    return
        finally:
            consumer.close()
        raise AssertionError(f"no record {key} on {self.topic}")

    def exstream_pdfs(self, key: str) -> int:
        body = httpx.get(
            f"{self.exstream.base_url}/_sim/documents", params={"reference": exstream_reference(key)}
        ).json()
        return sum(1 for d in body["documents"] if d["mimeType"] == "application/pdf")

    def pdf_text(self, key: str) -> str:
        return pdf_text(stored_pdf(self.storage_root, key))

    def pdf_fields(self, key: str) -> dict[str, str]:
        """The generic template's ``path: value`` lines of the stored PDF."""
        text = self.pdf_text(key)
        pairs = (line.split(": ", 1) for line in text.splitlines() if ": " in line)
        return {k.strip(): v.strip() for k, v in pairs}
