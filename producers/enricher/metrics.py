"""Prometheus metrics of ``bcx enrich``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram


class EnricherMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter(
            "bcx_enricher_events_total",
            "Webhook events handled, by scope and outcome (published, superseded, duplicate, ignored, "
            "failed). A rising 'failed' means records are going to the bcx-enricher DLQ: inspect it.",
            ["scope", "outcome"],
            registry=registry,
        )
        self.snapshots = Counter(
            "bcx_enricher_snapshots_total",
            "Snapshot decisions by entity type and outcome (published, deleted, superseded, duplicate, "
            "stale). Mostly 'superseded' during bursts is expected: one read covered several events.",
            ["entity_type", "outcome"],
            registry=registry,
        )
        self.api_calls = Histogram(
            "bcx_enricher_api_calls_per_event",
            "BigCommerce API requests spent per event (retries included). Orders cost 8, customers 3, "
            "products 2 plus one per price list, companies 5; a cold profile cache adds up to 6 (store, "
            "customer 3, B2B company, categories); more means retries or 429s.",
            buckets=(0, 1, 2, 3, 4, 6, 8, 10, 12, 16, 24, 32, 64),
            registry=registry,
        )
        self.latency = Histogram(
            "bcx_enricher_snapshot_latency_seconds",
            "From the event's created_at at BigCommerce to the snapshot acknowledged by Kafka. Growing "
            "values mean consumer lag: check rate-limit waits and partition count.",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900, 3600),
            registry=registry,
        )
        self.duration = Histogram(
            "bcx_enricher_event_duration_seconds",
            "Time to enrich one event (API reads, waits, publish).",
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
            registry=registry,
        )
        self.rate_limit_waits = Counter(
            "bcx_enricher_rate_limit_waits_total",
            "Waits for a store's BigCommerce request budget (spent budget, 429 reset, retry backoff). "
            "Consumption slows instead of failing; sustained growth means the store's quota is too small "
            "for the event rate (other apps share it).",
            registry=registry,
        )
        self.rate_limit_wait_seconds = Counter(
            "bcx_enricher_rate_limit_wait_seconds_total",
            "Seconds spent in those waits.",
            registry=registry,
        )
        self.rate_limited = Counter(
            "bcx_enricher_rate_limited_responses_total",
            "HTTP 429 answers from BigCommerce. The client paces itself from the rate-limit headers, so "
            "these should be rare; many mean another app is spending the same store's quota.",
            registry=registry,
        )
        self.field_coercions = Counter(
            "bcx_field_coercions_total",
            "Optional fields of a BigCommerce answer whose value did not fit and was replaced by its default "
            "(null, empty, zero), by API model and field; the snapshot was published without it. A steady "
            "rate for one field means BigCommerce sends a shape the model does not expect: widen the model.",
            ["entity", "field"],
            registry=registry,
        )

    def coerced(self, entity: str, field: str) -> None:
        """The client's ``on_coercion`` callback."""
        self.field_coercions.labels(entity, field).inc()
