"""Assembling and running one process on the stream runtime, once for every kind of consumer process.

A process module exposes ``build(services) -> UseCase``: its input topics, a decoder and a processor.
:func:`run_stream` creates what every such process has (registry client, producer, the transactional
sender when transactions are on, runtime metrics, health), lets a pipeline ``extend`` those services with
its own (the document pipeline: ledger, result publisher, Exstream; see :mod:`consumers.runtime.app`),
calls ``build``, runs the poll loop until SIGTERM/SIGINT and closes everything in reverse order.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable, Coroutine
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from prometheus_client import CollectorRegistry

from bcx.avro.registry import registry_client
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.metrics import new_registry
from consumers.stream.assembly import (
    group_for,
    install_signals,
    run_until_stopped,
    start_executor,
    transactional_sender,
)
from consumers.stream.classify import Classifier, classify
from consumers.stream.executor import Executor
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.participant import TransactionParticipant
from consumers.stream.processor import Decoder, Processor
from consumers.stream.settings import StreamSettings
from consumers.stream.transactions import Sender, TransactionalSender

T = TypeVar("T")
P = TypeVar("P", bound=StreamSettings)
S = TypeVar("S", bound="StreamServices[Any]")
PRODUCER_CLOSE_S = 5.0

AsyncClose = Callable[[], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class UseCase(Generic[T]):
    """What a process module builds: its input topics, how to decode a record, and what to do with it."""

    name: str
    topics: tuple[str, ...]
    decoder: Decoder[T]
    processor: Processor[T]
    #: awaited on the processing loop after the runtime stopped (e.g. a use case's own HTTP client)
    close: AsyncClose | None = None


@dataclass(kw_only=True)
class StreamServices(Generic[P]):
    """What every process on the stream runtime may use; created and closed by :func:`run_stream`."""

    settings: P
    group: str
    registry: Any
    producer: KafkaProducer
    #: where records that belong to the open transaction go (``transactions``, or ``producer`` without)
    sender: Sender
    owner: str
    metrics_registry: CollectorRegistry
    metrics: RuntimeMetrics | None = None
    transactions: TransactionalSender | None = None
    #: what a pipeline adds: a classifier for its adapters' failures, a participant in the transactions
    classify: Classifier = classify
    participant: TransactionParticipant | None = None
    closers: list[AsyncClose] = field(default_factory=list)

    def close_on_loop(self, close: AsyncClose) -> None:
        """Await ``close`` on the processing loop after the runtime stopped (clients bound to that loop)."""
        self.closers.append(close)


def _close_on(executor: Executor[Any], close: AsyncClose) -> None:
    executor.run(close(), timeout=10)


def plain(base: StreamServices[P], stack: ExitStack) -> StreamServices[P]:
    """No pipeline: the process's ``build`` gets the stream runtime's services as they are."""
    return base


def run_stream(
    name: str,
    factory: Callable[[S], UseCase[Any]],
    settings: P,
    *,
    extend: Callable[[StreamServices[P], ExitStack], S],
    shutdown: threading.Event | None = None,
    registry: Any = None,
    signals: bool = True,
    transactional: bool = True,
) -> int:
    """Run ``name``'s consumer group until SIGTERM/SIGINT (or ``shutdown``); returns the exit code.

    ``transactional=False`` for a process whose outputs cannot join a transaction (the enricher's
    snapshots go through its own publisher): plain commits, whatever ``BCX_CONSUMER__TRANSACTIONS`` says.
    """
    rt = settings.consumer
    group = group_for(name, rt)
    shutdown = shutdown or threading.Event()
    if signals:
        install_signals(shutdown)
    with ExitStack() as stack:
        if registry is None:
            registry = registry_client(settings.registry)
            stack.callback(registry.close)
        producer = KafkaProducer(producer_config(settings.kafka))
        # everything was acknowledged or abandoned by the drain; a broker that is gone must not hold exit
        stack.callback(producer.close, PRODUCER_CLOSE_S)
        metrics_registry = new_registry()
        metrics = RuntimeMetrics(metrics_registry, group)
        transactions = (
            transactional_sender(stack, settings.kafka, rt, group)
            if rt.transactions and transactional
            else None
        )
        base = StreamServices(
            settings=settings,
            group=group,
            registry=registry,
            producer=producer,
            sender=transactions or producer,
            owner=f"{settings.kafka.client_id}@{socket.gethostname()}:{os.getpid()}",
            metrics_registry=metrics_registry,
            metrics=metrics,
            transactions=transactions,
        )
        services = extend(base, stack)
        use_case = factory(services)
        executor = start_executor(
            stack,
            group=group,
            decoder=use_case.decoder,
            processor=use_case.processor,
            producer=services.sender,
            settings=rt,
            metrics=metrics,
            classifier=services.classify,
        )
        closers = [*services.closers, *([use_case.close] if use_case.close is not None else [])]
        for close in closers:  # registered in order, so run in reverse: the use case's own first
            stack.callback(_close_on, executor, close)
        participant = services.participant
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
            ledger_ready=participant.wait_caught_up if participant is not None else None,
            transactions=transactions,
            ledger_rollback=participant.rollback if participant is not None else None,
        )
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack never swallows here
