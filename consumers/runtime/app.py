"""Assembling and running one use case's consumer process (what ``bcx consume <use-case>`` does).

A use case module exposes ``build(services: Services) -> UseCase``; ``services`` holds what it may need
(the document step, the result publisher, the Exstream client, output storage, the ledger, settings), all
created once per process here and closed after the runtime stopped.
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
import socket
import threading
import uuid
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from prometheus_client import CollectorRegistry

from bcx.avro.registry import registry_client
from bcx.contracts.codecs import document_result_codec, ledger_entry_codec
from bcx.exstream.client import ExstreamClient
from bcx.exstream.metrics import ExstreamMetrics
from bcx.exstream.storage import build_storage
from bcx.exstream.storage.base import OutputStorage
from bcx.kafka.config import consumer_config, producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.kafka.topics import group_topic
from bcx.logging import get_logger
from bcx.metrics import new_registry
from bcx.settings import KafkaSettings, MetricsSettings
from consumers.runtime.document_step import DocumentStep
from consumers.runtime.kafka_ledger import KafkaLedger
from consumers.runtime.results import ResultPublisher
from consumers.stream.backoff import RetryPolicy
from consumers.stream.dead_letters import Rerouter
from consumers.stream.dlq_limit import DlqLimit
from consumers.stream.executor import Executor, RetrySetup
from consumers.stream.health import HealthServer
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.processor import Decoder, Processor
from consumers.stream.runner import ConsumerRunner
from consumers.stream.settings import ConsumeSettings, RuntimeSettings
from consumers.stream.transactions import Sender, TransactionalSender

log = get_logger(__name__)

T = TypeVar("T")
PRODUCER_CLOSE_S = 5.0


def producer_version() -> str:
    try:
        return importlib.metadata.version("bcx")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout without installing
        return "0.1.0"


@dataclass(frozen=True)
class UseCase(Generic[T]):
    """What a use case module builds: its input topics, how to decode a record, and what to do with it."""

    name: str
    topics: tuple[str, ...]
    decoder: Decoder[T]
    processor: Processor[T]
    #: awaited on the processing loop after the runtime stopped (e.g. a use case's own HTTP client)
    close: Callable[[], Coroutine[Any, Any, None]] | None = None


@dataclass
class Services:
    """Everything a use case may use; created and closed by :func:`run_use_case`."""

    settings: ConsumeSettings
    group: str
    registry: Any
    producer: KafkaProducer
    results: ResultPublisher
    ledger: KafkaLedger
    exstream: ExstreamClient
    storage: OutputStorage
    owner: str
    metrics: RuntimeMetrics | None = None
    transactions: TransactionalSender | None = None

    def document_step(self, use_case: str) -> DocumentStep:
        return DocumentStep(
            use_case=use_case,
            exstream=self.exstream,
            storage=self.storage,
            ledger=self.ledger,
            results=self.results,
            owner=self.owner,
            producer_version=producer_version(),
            metrics=self.metrics,
            atomic=self.transactions.send_many if self.transactions is not None else None,
        )


UseCaseFactory = Callable[[Services], UseCase[Any]]


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


def run_use_case(
    name: str,
    factory: UseCaseFactory,
    settings: ConsumeSettings,
    *,
    shutdown: threading.Event | None = None,
    registry: Any = None,
) -> int:
    """Run ``name``'s consumer group until SIGTERM/SIGINT (or ``shutdown``); returns the exit code."""
    rt = settings.consumer
    group = group_for(name, rt)
    shutdown = shutdown or threading.Event()
    install_signals(shutdown)
    owner = f"{settings.kafka.client_id}@{socket.gethostname()}:{os.getpid()}"
    with ExitStack() as stack:
        if registry is None:
            registry = registry_client(settings.registry)
            stack.callback(registry.close)
        producer = KafkaProducer(producer_config(settings.kafka))
        # everything was acknowledged or abandoned by the drain; a broker that is gone must not hold exit
        stack.callback(producer.close, PRODUCER_CLOSE_S)
        ledger_topic = group_topic(group, "ledger")
        auto_register = settings.registry.auto_register
        ledger_codec = ledger_entry_codec(ledger_topic, registry, auto_register=auto_register)
        ledger = KafkaLedger(settings.kafka, ledger_topic, ledger_codec, producer)
        ledger.start()
        stack.callback(ledger.close)
        metrics_registry = new_registry()
        metrics = RuntimeMetrics(metrics_registry, group)
        transactions = transactional_sender(stack, settings.kafka, rt, group) if rt.transactions else None
        sender: Sender = transactions or producer
        results = ResultPublisher(
            sender, document_result_codec(registry, auto_register=auto_register), metrics=metrics
        )
        exstream = ExstreamClient(settings.exstream, metrics=ExstreamMetrics(metrics_registry))
        services = Services(
            settings=settings,
            group=group,
            registry=registry,
            producer=producer,
            results=results,
            ledger=ledger,
            exstream=exstream,
            storage=build_storage(settings.output_storage),
            owner=owner,
            metrics=metrics,
            transactions=transactions,
        )
        use_case = factory(services)
        metrics.ledger_keys.set_function(lambda: float(ledger.size()))
        executor = start_executor(
            stack,
            group=group,
            decoder=use_case.decoder,
            processor=use_case.processor,
            producer=sender,
            results=results,
            settings=rt,
            metrics=metrics,
        )
        stack.callback(lambda: executor.run(exstream.aclose(), timeout=10))
        if use_case.close is not None:
            close = use_case.close
            stack.callback(lambda: executor.run(close(), timeout=10))
        return run_until_stopped(
            stack,
            group=group,
            executor=executor,
            kafka=settings.kafka,
            settings=rt,
            topics=list(rt.topics or use_case.topics),
            health=settings.metrics,
            metrics=metrics,
            metrics_registry=metrics_registry,
            shutdown=shutdown,
            ledger_ready=ledger.wait_caught_up,
            transactions=transactions,
            ledger_rollback=ledger.rollback,
        )
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack never swallows here


def transactional_sender(
    stack: ExitStack, kafka: KafkaSettings, settings: RuntimeSettings, group: str
) -> TransactionalSender:
    """The group's transactional producer. Its id is unique per process: a killed process's open
    transaction is aborted by the broker after ``transaction_timeout_s`` (no successor shares its id)."""
    timeout_ms = int(settings.transaction_timeout_s * 1000)
    config = producer_config(
        kafka,
        **{"transaction.timeout.ms": timeout_ms, "delivery.timeout.ms": min(30000, timeout_ms)},
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
    results: ResultPublisher,
    settings: RuntimeSettings,
    metrics: RuntimeMetrics,
) -> Executor[Any]:
    """The processing side of a consumer process (asyncio loop in its worker thread), stopped by ``stack``."""
    retry_topic = group_topic(group, "retry") if settings.retry_topic_rounds > 0 else None
    executor: Executor[Any] = Executor(
        group=group,
        decoder=decoder,
        processor=processor,
        rerouter=Rerouter(
            producer, group=group, dlq_topic=group_topic(group, "dlq"), retry_topic=retry_topic
        ),
        results=results,
        retry=retry_setup(settings),
        dlq_limit=DlqLimit(settings.dlq_max_count, settings.dlq_window_s),
        metrics=metrics,
        ordered=settings.ordered,
        attempt_timeout_s=settings.attempt_timeout_s,
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
    """The Kafka side: the poll loop plus /livez, /readyz and /metrics, until shutdown; the exit code."""
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
    code = runner.run()
    log.info("runtime.exit", group=group, code=code)
    return code
