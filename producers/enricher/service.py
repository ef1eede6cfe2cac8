"""``bcx enrich``: the enricher as a consumer group on the consumer runtime.

The runtime (``consumers.runtime``) owns the consumer, per-key ordering inside partitions, the bounded
in-flight window (full window → paused partitions: a store that is rate limited slows consumption, it does
not fail it), contiguous-prefix commits, retries and the ``bcx-enricher.dlq.v1`` dead letters with error
headers. This module gives it a decoder (Avro → :class:`WebhookEvent`) and a processor that runs
:class:`~producers.enricher.enricher.Enricher` and maps its failures to the runtime's vocabulary.
"""

from __future__ import annotations

import asyncio
import threading
from contextlib import ExitStack
from datetime import timedelta
from typing import Any

from bcx.avro.codec import AvroCodec
from bcx.avro.registry import registry_client
from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.codecs import document_result_codec, webhook_event_codec
from bcx.contracts.webhook_event import WebhookEvent
from bcx.kafka.config import producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.logging import get_logger
from bcx.metrics import new_registry
from consumers.runtime import app as runtime_app
from consumers.runtime.app import producer_version, run_until_stopped, start_executor
from consumers.runtime.results import ResultPublisher
from consumers.stream.errors import PermanentError, RetryableError
from consumers.stream.metrics import RuntimeMetrics
from consumers.stream.processor import RecordContext
from consumers.stream.records import SourceRecord
from producers.enricher.api_calls import CountingTransport, observed_sleep
from producers.enricher.enricher import Enricher, Source
from producers.enricher.errors import EnrichmentRetryable, UnenrichableEvent
from producers.enricher.metrics import EnricherMetrics
from producers.enricher.publisher import KafkaSnapshotPublisher
from producers.enricher.settings import EnricherSettings
from producers.enricher.versions import VersionLedger

log = get_logger(__name__)


class EventDecoder:
    def __init__(self, codec: AvroCodec[WebhookEvent]) -> None:
        self._codec = codec

    def __call__(self, record: SourceRecord) -> WebhookEvent:
        return self._codec.decode(record.value or b"")


class EnrichProcessor:
    """The runtime's processor: one event → its snapshots, acknowledged before returning."""

    def __init__(self, enricher: Enricher) -> None:
        self._enricher = enricher

    async def process(self, value: WebhookEvent, ctx: RecordContext) -> None:
        topic, partition, offset = ctx.record.origin
        try:
            await self._enricher.enrich(value, Source(topic, partition, offset))
        except UnenrichableEvent as exc:
            raise PermanentError(str(exc), error_class=exc.error_class, stage=exc.stage) from exc
        except EnrichmentRetryable as exc:
            raise RetryableError(str(exc), error_class=exc.error_class, stage=exc.stage) from exc


def run_enricher(
    settings: EnricherSettings,
    *,
    shutdown: threading.Event | None = None,
    registry: Any = None,
    install_signals: bool = True,
) -> int:
    """Consume ``settings.input_topic`` until SIGTERM/SIGINT (or ``shutdown``); returns the exit code."""
    rt = settings.consumer
    group = settings.group
    shutdown = shutdown or threading.Event()
    if install_signals:
        runtime_app.install_signals(shutdown)
    metrics_registry = new_registry()
    metrics = EnricherMetrics(metrics_registry)
    runtime_metrics = RuntimeMetrics(metrics_registry, group)
    with ExitStack() as stack:
        if registry is None:
            registry = registry_client(settings.registry)
            stack.callback(registry.close)
        producer = KafkaProducer(producer_config(settings.kafka))
        stack.callback(producer.close)
        async_shutdown = asyncio.Event()
        client = BigCommerceClient(
            settings.bigcommerce,
            transport=CountingTransport(on_rate_limited=metrics.rate_limited.inc),
            sleep=observed_sleep(asyncio.sleep, lambda s: _count_wait(metrics, s)),
            on_coercion=metrics.coerced,
        )
        enricher = Enricher(
            client,
            KafkaSnapshotPublisher(producer, registry, topics=settings.snapshot_topics),
            metrics,
            ledger=VersionLedger(max_keys=settings.ledger_max_keys, max_events=settings.ledger_max_events),
            producer_version=producer_version(),
            shutdown=async_shutdown,
            horizon_margin=timedelta(seconds=settings.horizon_margin_s)
            if settings.horizon_margin_s
            else None,
            profile_ttl_s=settings.profile_ttl_s or None,
        )
        executor = start_executor(
            stack,
            group=group,
            decoder=EventDecoder(webhook_event_codec(registry)),
            processor=EnrichProcessor(enricher),
            producer=producer,
            results=ResultPublisher(producer, document_result_codec(registry)),
            settings=rt,
            metrics=runtime_metrics,
        )
        stack.callback(lambda: executor.run(client.aclose(), timeout=10))
        stack.callback(lambda: executor.loop.call_soon_threadsafe(async_shutdown.set))
        return run_until_stopped(
            stack,
            group=group,
            executor=executor,
            kafka=settings.kafka,
            settings=rt,
            topics=list(rt.topics or [settings.input_topic]),
            health=settings.metrics,
            metrics=runtime_metrics,
            metrics_registry=metrics_registry,
            shutdown=shutdown,
        )
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack never swallows here


def _count_wait(metrics: EnricherMetrics, seconds: float) -> None:
    metrics.rate_limit_waits.inc()
    metrics.rate_limit_wait_seconds.inc(seconds)
