"""``bcx enrich``: the enricher as a consumer group on the stream runtime.

The stream runtime (``consumers.stream``) owns the process (:func:`~consumers.stream.app.run_stream`: the
consumer, per-key ordering inside partitions, the bounded in-flight window — full window → paused
partitions: a store that is rate limited slows consumption, it does not fail it —, contiguous-prefix
commits, retries and the ``bcx-enricher.dlq.v1`` dead letters with error headers, health and metrics).
:func:`build` gives it a decoder (Avro → :class:`WebhookEvent`) and a processor that runs
:class:`~producers.enricher.enricher.Enricher` and maps its failures to the runtime's vocabulary. No
document pipeline: the enricher publishes snapshots, never document results.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta
from typing import Any

from bcx.avro.codec import AvroCodec
from bcx.bigcommerce.client import BigCommerceClient
from bcx.contracts.codecs import webhook_event_codec
from bcx.contracts.webhook_event import WebhookEvent
from bcx.logging import get_logger
from consumers.stream.app import StreamServices, UseCase, plain, run_stream
from consumers.stream.assembly import producer_version
from consumers.stream.errors import PermanentError, RetryableError
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


def build(services: StreamServices[EnricherSettings]) -> UseCase[WebhookEvent]:
    """The enricher on the stream runtime's services: BigCommerce client, snapshot publisher, processor."""
    settings = services.settings
    metrics = EnricherMetrics(services.metrics_registry)
    stopping = asyncio.Event()
    client = BigCommerceClient(
        settings.bigcommerce,
        transport=CountingTransport(on_rate_limited=metrics.rate_limited.inc),
        sleep=observed_sleep(asyncio.sleep, lambda s: _count_wait(metrics, s)),
        on_coercion=metrics.coerced,
    )
    enricher = Enricher(
        client,
        KafkaSnapshotPublisher(services.producer, services.registry, topics=settings.snapshot_topics),
        metrics,
        ledger=VersionLedger(max_keys=settings.ledger_max_keys, max_events=settings.ledger_max_events),
        producer_version=producer_version(),
        shutdown=stopping,
        horizon_margin=timedelta(seconds=settings.horizon_margin_s) if settings.horizon_margin_s else None,
        profile_ttl_s=settings.profile_ttl_s or None,
    )

    async def close() -> None:
        stopping.set()  # an event still rate limited after the drain gives up (retryable, uncommitted)
        await client.aclose()

    return UseCase(
        "enricher",
        (settings.input_topic,),
        EventDecoder(webhook_event_codec(services.registry)),
        EnrichProcessor(enricher),
        close=close,
    )


def run_enricher(
    settings: EnricherSettings,
    *,
    shutdown: threading.Event | None = None,
    registry: Any = None,
    install_signals: bool = True,
) -> int:
    """Consume ``settings.input_topic`` until SIGTERM/SIGINT (or ``shutdown``); returns the exit code.

    Not transactional: snapshots go through the enricher's own publisher, and a redelivered event is
    skipped or re-enriched harmlessly (the version ledger), so offsets are plain commits."""
    return run_stream(
        "enricher",
        build,
        settings,
        extend=plain,
        shutdown=shutdown,
        registry=registry,
        signals=install_signals,
        transactional=False,
    )


def _count_wait(metrics: EnricherMetrics, seconds: float) -> None:
    metrics.rate_limit_waits.inc()
    metrics.rate_limit_wait_seconds.inc(seconds)
