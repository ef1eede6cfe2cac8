"""Settings of a process on the stream runtime: the runtime section (``BCX_CONSUMER__*``) and the
sections every such process has (:class:`StreamSettings`); a process adds its own (documents:
:class:`consumers.runtime.settings.ConsumeSettings`, the enricher: BigCommerce)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bcx.settings import KafkaSettings, MetricsSettings, ProcessSettings, RegistrySettings

DEFAULT_REPLAY_BOUND = 1000  # records past a partition's committable offset, unless the window is larger


class RuntimeSettings(BaseModel):
    """How the runtime consumes, schedules, retries and gives up (``BCX_CONSUMER__*``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    group_id: str | None = Field(default=None, description="override the use case's group (bcx-<use-case>)")
    topics: list[str] | None = Field(default=None, description="override the use case's input topics")
    max_in_flight: int = Field(default=256, ge=1, description="processing calls running at once (window)")
    max_waiting_records: int = Field(
        default=2048, ge=0, description="records held beyond the window, waiting for their key or a slot"
    )
    max_held_kbytes: int = Field(
        default=32768, ge=64, description="bytes of the records held (running and waiting), estimated"
    )
    max_in_flight_per_partition: int | None = Field(
        default=None, ge=1, description="records held per partition (default: its share of the buffer)"
    )
    max_uncommitted_per_partition: int | None = Field(
        default=None,
        ge=1,
        description="records past a partition's committable offset (bounds crash replay); "
        "default: 1,000 or twice max_in_flight, whichever is larger",
    )
    ordered: bool = Field(default=True, description="same key one at a time (turn off only if keys commute)")
    consume_batch: int = Field(default=500, ge=1)
    commit_interval_s: float = Field(default=1.0, gt=0)
    max_poll_interval_ms: int = Field(default=300_000, ge=10_000)
    drain_timeout_s: float = Field(default=20.0, gt=0, description="revoked partitions: wait this long")
    shutdown_timeout_s: float = Field(default=30.0, gt=0, description="SIGTERM: wait this long")
    ledger_catch_up_timeout_s: float = Field(default=60.0, gt=0)
    fetch_queue_kbytes: int = Field(default=4096, ge=64, description="librdkafka prefetch bound")
    pause_after_s: float = Field(default=1.0, ge=0, description="full window this long: pause partitions")
    attempt_timeout_s: float = Field(
        default=300.0, gt=0, description="one processing attempt never runs longer (then: retryable)"
    )
    transactions: bool = Field(
        default=True, description="results, dead letters and offsets in Kafka transactions (exactly once)"
    )
    transaction_timeout_s: float = Field(
        default=30.0, ge=5, description="an open transaction of a killed process is aborted after this"
    )
    transaction_recovery_timeout_s: float = Field(
        default=180.0,
        gt=0,
        description="a failed transaction not recovered from in place within this: exit 3",
    )
    stall_timeout_s: float = Field(
        default=600.0, gt=0, description="lag and nothing consumed or finished this long: /livez fails"
    )

    retry_max_attempts: int = Field(default=5, ge=1, description="in-process attempts per record")
    retry_budget_s: float = Field(default=60.0, gt=0)
    retry_initial_delay_s: float = Field(default=0.2, gt=0)
    retry_max_delay_s: float = Field(default=10.0, gt=0)
    retry_topic_rounds: int = Field(default=3, ge=0, description="trips through <group>.retry.v1; 0 = none")
    retry_topic_delay_s: float = Field(default=60.0, ge=0)

    dlq_max_count: int = Field(default=100, ge=0, description="dead letters allowed per window; 0 = no cap")
    dlq_window_s: float = Field(default=300.0, gt=0)

    @property
    def replay_bound(self) -> int:
        """``max_uncommitted_per_partition``, or by default 1,000 or twice the window, whichever is larger.

        Why it grows with the window: the records that finish behind a partition's slow head are the
        throughput times the head's delay, and the throughput grows with the window. A bound fixed below
        two windows paused partitions that had free slots: at window 2,048 ordered, 62-64 pauses per
        60,000 records, each dropping the partition's prefetched records (fetched again on resume), and
        10,900-11,700 records/s; with twice the window none for the bound and 14,500-16,700/s (ad hoc, 60,000
        records, 2 rounds; the peers suite's window-2,048 rows in docs/benchmarks.md).
        Up to a window of 500 the default stays 1,000."""
        if self.max_uncommitted_per_partition is not None:
            return self.max_uncommitted_per_partition
        return max(DEFAULT_REPLAY_BOUND, 2 * self.max_in_flight)

    @model_validator(mode="after")
    def _within_poll_interval(self) -> RuntimeSettings:
        limit = self.max_poll_interval_ms / 1000
        for name in ("drain_timeout_s", "shutdown_timeout_s", "ledger_catch_up_timeout_s"):
            if getattr(self, name) >= limit * 0.8:
                raise ValueError(f"{name} must stay well below max_poll_interval_ms ({limit:.0f} s)")
        if self.stall_timeout_s <= self.attempt_timeout_s:
            raise ValueError("stall_timeout_s must exceed attempt_timeout_s (one slow record is no stall)")
        return self


class StreamSettings(ProcessSettings):
    """What every process on the stream runtime reads. ``metrics`` also serves /livez and /readyz."""

    kafka: KafkaSettings = KafkaSettings()
    registry: RegistrySettings = RegistrySettings()
    metrics: MetricsSettings = MetricsSettings()
    consumer: RuntimeSettings = RuntimeSettings()
