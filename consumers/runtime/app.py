"""Assembling and running one document flow's consumer process (what ``bcx consume <use-case>`` does).

The process is the stream runtime's (:func:`consumers.stream.app.run_stream`); the document pipeline
extends its services with what a document flow may need — the document step, the result publisher, the
Exstream client, output storage, the group's ledger — created once per process here and closed after the
runtime stopped. The ledger takes part in the runtime's transactions (its entries and the results go
through ``services.sender``; it catches up before partitions are processed and rolls back a failed
transaction), and the executor classifies failures with the pipeline's classifier (Exstream, storage,
ledger).

A flow module exposes ``build(services: Services) -> UseCase``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, fields
from typing import Any

from bcx.contracts.codecs import document_result_codec, ledger_entry_codec
from bcx.exstream.client import ExstreamClient
from bcx.exstream.metrics import ExstreamMetrics
from bcx.exstream.storage import build_storage
from bcx.exstream.storage.base import OutputStorage
from bcx.kafka.topics import group_topic
from consumers.runtime.classify import classify
from consumers.runtime.document_step import DocumentStep
from consumers.runtime.kafka_ledger import KafkaLedger
from consumers.runtime.metrics import DocumentMetrics
from consumers.runtime.results import ResultPublisher
from consumers.runtime.settings import ConsumeSettings
from consumers.stream.app import StreamServices, UseCase, run_stream
from consumers.stream.assembly import producer_version

__all__ = ["Services", "UseCase", "UseCaseFactory", "document_services", "producer_version", "run_use_case"]


@dataclass(kw_only=True)
class Services(StreamServices[ConsumeSettings]):
    """Everything a document flow may use; created and closed by :func:`run_use_case`."""

    results: ResultPublisher
    ledger: KafkaLedger
    exstream: ExstreamClient
    storage: OutputStorage
    document_metrics: DocumentMetrics | None = None

    def document_step(self, use_case: str) -> DocumentStep:
        return DocumentStep(
            use_case=use_case,
            exstream=self.exstream,
            storage=self.storage,
            ledger=self.ledger,
            results=self.results,
            owner=self.owner,
            producer_version=producer_version(),
            metrics=self.document_metrics,
            atomic=self.transactions.send_many if self.transactions is not None else None,
        )


UseCaseFactory = Callable[[Services], UseCase[Any]]


def document_services(base: StreamServices[ConsumeSettings], stack: ExitStack) -> Services:
    """The stream runtime's services plus the document pipeline's (closed by ``stack``)."""
    settings = base.settings
    auto_register = settings.registry.auto_register
    ledger_topic = group_topic(base.group, "ledger")
    ledger_codec = ledger_entry_codec(ledger_topic, base.registry, auto_register=auto_register)
    ledger = KafkaLedger(settings.kafka, ledger_topic, ledger_codec, base.producer)
    ledger.start()
    stack.callback(ledger.close)
    metrics = DocumentMetrics(base.metrics_registry, base.group)
    metrics.ledger_keys.set_function(lambda: float(ledger.size()))
    results = ResultPublisher(
        base.sender, document_result_codec(base.registry, auto_register=auto_register), metrics=metrics
    )
    exstream = ExstreamClient(settings.exstream, metrics=ExstreamMetrics(base.metrics_registry))
    services = Services(
        **{f.name: getattr(base, f.name) for f in fields(base)},
        results=results,
        ledger=ledger,
        exstream=exstream,
        storage=build_storage(settings.output_storage),
        document_metrics=metrics,
    )
    services.classify = classify
    services.participant = ledger
    services.close_on_loop(exstream.aclose)
    return services


def run_use_case(
    name: str,
    factory: UseCaseFactory,
    settings: ConsumeSettings,
    *,
    shutdown: threading.Event | None = None,
    registry: Any = None,
) -> int:
    """Run ``name``'s consumer group until SIGTERM/SIGINT (or ``shutdown``); returns the exit code."""
    return run_stream(name, factory, settings, extend=document_services, shutdown=shutdown, registry=registry)
