"""The parts of a process on the stream runtime: signals, the transactional producer, the executor (the
processing side) and the poll loop with /livez, /readyz and /metrics (the Kafka side).

:func:`consumers.stream.app.run_stream` puts them together; a process with its own assembly (the document
index) uses them directly.
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from prometheus_client import CollectorRegistry

from bcx.kafka.config import consumer_config, producer_config
from bcx.kafka.topics import group_topic
from bcx.logging import get_logger
from bcx.settings import KafkaSettings, MetricsSettings
from consumers.stream.backoff import RetryPolicy
from consumers.stream.classify import Classifier, classify
from consumers.stream.dead_letters import Rerouter
from consumers.stream.dlq_limit import DlqLimit
from consumers.stream.executor import Executor
from consumers.stream.handling import RecordHandler, RetrySetup
from consumers.stream.health import HealthServer
from consumers.stream.heap import settle_heap
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.runner import ConsumerRunner
from consumers.stream.settings import RuntimeSettings
from consumers.stream.transactions import Sender, TransactionalSender

log = get_logger(__name__)


def producer_version() -> str:
    try:
        return importlib.metadata.version("bcx")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout without installing
        return "0.1.0"


def group_for(use_case: str, settings: RuntimeSettings) -> str:
    """``bcx-<use-case>`` (the groups of deploy/topics.yaml) unless the settings override it."""
    return settings.group_id or f"bcx-{use_case}"


def retry_setup(settings: RuntimeSettings) -> RetrySetup:
    return RetrySetup(
        policy=RetryPolicy(
            max_attempts=settings.retry_max_attempts,
            budget_s=settings.retry_budget_s,
            initial_delay_s=settings.retry_initial_delay_s,
            max_delay_s=settings.retry_max_delay_s,
        ),
        topic_rounds=settings.retry_topic_rounds,
        topic_delay_s=settings.retry_topic_delay_s,
    )


def install_signals(shutdown: threading.Event) -> None:
    if threading.current_thread() is not threading.main_thread():
        return

    def stop(signum: int, _frame: Any) -> None:
        log.info("runtime.signal", signal=signal.Signals(signum).name)
        shutdown.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


# How long the transactional producer gathers records into a batch. Its records are invisible to
# ``read_committed`` readers until the commit, and ``commit_transaction`` flushes at once whatever still
# lingers, so waiting longer than the plain producers' 5 ms delays nothing a reader can see; it makes
# ~10× fewer, larger batches (librdkafka's per-batch compression and request work): CPU per record
# ~10 % lower at window 2,048 and ~15 % at 500 records/s, results visible at the same time
# (docs/benchmarks.md, runs of 2026-12-05 16:50-17:40).
TRANSACTION_LINGER_MS = 50


def transactional_sender(
    stack: ExitStack, kafka: KafkaSettings, settings: RuntimeSettings, group: str
) -> TransactionalSender:
    """The group's transactional producer. Its id is unique per process: a killed process's open
    transaction is aborted by the broker after ``transaction_timeout_s`` (no successor shares its id)."""
    timeout_ms = int(settings.transaction_timeout_s * 1000)
    config = producer_config(
        kafka,
        **{
            "transaction.timeout.ms": timeout_ms,
            "delivery.timeout.ms": min(30000, timeout_ms),
            "linger.ms": TRANSACTION_LINGER_MS,
        },
    )
    transactional_id = f"{group}-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    sender = TransactionalSender(config, transactional_id)
    stack.callback(sender.close)
    return sender


def start_executor(
    stack: ExitStack,
    *,
    group: str,
    decoder: Any,
    processor: Any,
    producer: Sender,
    settings: RuntimeSettings,
    metrics: RuntimeMetrics,
    classifier: Classifier = classify,
) -> Executor[Any]:
    """The processing side of a consumer process (asyncio loop in its worker thread), stopped by ``stack``."""
    retry_topic = group_topic(group, "retry") if settings.retry_topic_rounds > 0 else None
    handler: RecordHandler[Any] = RecordHandler(
        group=group,
        decoder=decoder,
        processor=processor,
        rerouter=Rerouter(
            producer, group=group, dlq_topic=group_topic(group, "dlq"), retry_topic=retry_topic
        ),
        retry=retry_setup(settings),
        dlq_limit=DlqLimit(settings.dlq_max_count, settings.dlq_window_s),
        metrics=metrics,
        attempt_timeout_s=settings.attempt_timeout_s,
        classifier=classifier,
    )
    executor: Executor[Any] = Executor(
        handler, metrics=metrics, ordered=settings.ordered, max_in_flight=settings.max_in_flight
    ).start()
    stack.callback(executor.stop)
    return executor


def run_until_stopped(
    stack: ExitStack,
    *,
    group: str,
    executor: Executor[Any],
    kafka: KafkaSettings,
    settings: RuntimeSettings,
    topics: list[str],
    health: MetricsSettings,
    metrics: RuntimeMetrics,
    metrics_registry: CollectorRegistry,
    shutdown: threading.Event,
    ledger_ready: Callable[[float], bool] | None = None,
    transactions: TransactionalSender | None = None,
    ledger_rollback: Callable[[], int] | None = None,
) -> int:
    """The Kafka side: the poll loop plus /livez, /readyz and /metrics, until shutdown; the exit code.

    ``ledger_ready`` / ``ledger_rollback`` are a transaction participant's ``wait_caught_up`` / ``rollback``
    (:mod:`consumers.stream.participant`; the runner's parameters keep the name of the first one, the
    document ledger)."""
    retry_topic = group_topic(group, "retry") if settings.retry_topic_rounds > 0 else None
    runner = ConsumerRunner(
        consumer_config=consumer_config(kafka, group),
        topics=topics,
        executor=executor,
        settings=settings,
        metrics=metrics,
        retry_topic=retry_topic,
        shutdown=shutdown,
        ledger_ready=ledger_ready,
        transactions=transactions,
        ledger_rollback=ledger_rollback,
    )
    if health.port:
        server = HealthServer(
            health.host,
            health.port,
            registry=metrics_registry,
            alive=runner.alive,
            ready=lambda: runner.ready and not shutdown.is_set(),
        )
        stack.callback(server.close)
    settle_heap()  # start-up is over: what it made stays for the process's life
    code = runner.run()
    log.info("runtime.exit", group=group, code=code)
    return code
