"""Prometheus metrics of the document pipeline, next to the stream runtime's
(:class:`~consumers.stream.metrics.RuntimeMetrics`) on the same registry of a document flow's process.

Document outcomes and result-publishing failures are labelled by ``use_case`` (the consumer's use case, as
in the result events); their label values are bounded enumerations, never ids.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# batch jobs (statements, catalogs) run for seconds to hours
_BATCH_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400)
BATCH_OUTCOMES = ("completed", "failed")


class DocumentMetrics:
    def __init__(self, registry: CollectorRegistry, group: str) -> None:
        self.group = group
        g = ["group"]
        self.ledger_keys = Gauge(
            "bcx_consumer_ledger_keys",
            "Idempotency keys held in memory from <group>.ledger.v1 (memory grows with it).",
            g,
            registry=registry,
        ).labels(group)
        self._documents = Counter(
            "bcx_documents_total",
            "Result events acknowledged on documents.results.v1 by use case, document type, channel and "
            "outcome (GENERATED, DELIVERED, FAILED; channel none without one). FAILED rising: see the "
            "DLQ and the results' error class; GENERATED without DELIVERED: check Exstream delivery.",
            ["use_case", "document_type", "channel", "outcome"],
            registry=registry,
        )
        self._publish_failures = Counter(
            "bcx_results_publish_failures_total",
            "Result events (target=result) or ledger entries (target=ledger) Kafka did not acknowledge, "
            "by reason (librdkafka error, queue_full, serialization). Records are retried uncommitted; "
            "check broker health, topics (`bcx topics apply`), ACLs and the schema registry.",
            ["use_case", "target", "reason"],
            registry=registry,
        )

        self._batch_in_flight = Gauge(
            "bcx_batch_jobs_in_flight",
            "Exstream batch jobs this process is polling, by use case. Each holds one in-flight record: "
            "near the window, batch work crowds out on-demand documents (add partitions or processes).",
            ["use_case"],
            registry=registry,
        )
        self._batch_seconds = Histogram(
            "bcx_batch_job_duration_seconds",
            "Exstream batch job duration by use case and outcome (completed: the job's own start and end "
            "dates when reported; otherwise, and for failed, since bcx's submission). A growing tail: check "
            "Exstream's batch capacity and BCX_EXSTREAM__POLL_TIMEOUT_S.",
            ["use_case", "outcome"],
            buckets=_BATCH_BUCKETS,
            registry=registry,
        )

    def batch_job_polling(self, use_case: str, delta: int) -> None:
        """``+1`` when polling a batch job starts, ``-1`` when it stops (done, failed, abandoned)."""
        self._batch_in_flight.labels(use_case).inc(delta)

    def batch_job_finished(self, use_case: str, outcome: str, seconds: float) -> None:
        if outcome not in BATCH_OUTCOMES:
            raise ValueError(f"unknown batch outcome {outcome!r}")
        self._batch_seconds.labels(use_case, outcome).observe(max(0.0, seconds))

    def document(self, use_case: str, document_type: str, channel: str, outcome: str) -> None:
        self._documents.labels(use_case, document_type, channel, outcome).inc()

    def publish_failure(self, use_case: str, target: str, reason: str) -> None:
        self._publish_failures.labels(use_case, target, reason).inc()
