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
from bcx.kafka.config import consumer_config, producer_config
from bcx.kafka.producer import KafkaProducer
from bcx.kafka.topics import group_topic
from bcx.logging import get_logger
from bcx.metrics import new_registry
from consumers.runtime.app import _install_signals, _version, retry_setup
from consumers.runtime.dead_letters import Rerouter
from consumers.runtime.dlq_limit import DlqLimit
from consumers.runtime.errors import PermanentError, RetryableError
from consumers.runtime.executor import Executor
from consumers.runtime.health import HealthServer
from consumers.runtime.metrics import RuntimeMetrics
from consumers.runtime.processor import RecordContext
from consumers.runtime.records import SourceRecord
from consumers.runtime.results import ResultPublisher
from consumers.runtime.runner import ConsumerRunner
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
        _install_signals(shutdown)
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
        )
        enricher = Enricher(
            client,
            KafkaSnapshotPublisher(producer, registry, topics=settings.snapshot_topics),
            metrics,
            ledger=VersionLedger(max_keys=settings.ledger_max_keys, max_events=settings.ledger_max_events),
            producer_version=_version(),
            shutdown=async_shutdown,
            horizon_margin=timedelta(seconds=settings.horizon_margin_s)
            if settings.horizon_margin_s
            else None,
        )
        retry_topic = group_topic(group, "retry") if rt.retry_topic_rounds > 0 else None
        executor: Executor[WebhookEvent] = Executor(
            group=group,
            decoder=EventDecoder(webhook_event_codec(registry)),
            processor=EnrichProcessor(enricher),
            rerouter=Rerouter(
                producer, group=group, dlq_topic=group_topic(group, "dlq"), retry_topic=retry_topic
            ),
            results=ResultPublisher(producer, document_result_codec(registry)),
            retry=retry_setup(rt),
            dlq_limit=DlqLimit(rt.dlq_max_count, rt.dlq_window_s),
            metrics=runtime_metrics,
            ordered=rt.ordered,
        ).start()
        stack.callback(executor.stop)
        stack.callback(lambda: executor.run(client.aclose(), timeout=10))
        stack.callback(lambda: executor.loop.call_soon_threadsafe(async_shutdown.set))
        runner = ConsumerRunner(
            consumer_config=consumer_config(settings.kafka, group),
            topics=list(rt.topics or [settings.input_topic]),
            executor=executor,
            settings=rt,
            metrics=runtime_metrics,
            retry_topic=retry_topic,
            shutdown=shutdown,
        )
        if settings.metrics.port:
            health = HealthServer(
                settings.metrics.host,
                settings.metrics.port,
                registry=metrics_registry,
                alive=runner.alive,
                ready=lambda: runner.ready and not shutdown.is_set(),
            )
            stack.callback(health.close)
        code = runner.run()
        log.info("enricher.exit", group=group, code=code)
        return code
    raise AssertionError("unreachable")  # pragma: no cover - ExitStack never swallows here


def _count_wait(metrics: EnricherMetrics, seconds: float) -> None:
    metrics.rate_limit_waits.inc()
    metrics.rate_limit_wait_seconds.inc(seconds)
