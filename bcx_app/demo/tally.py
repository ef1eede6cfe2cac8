"""What came out of the pipeline: documents by type, channel and outcome, latency, duplicates. Pure."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bcx.contracts.document_result import DocumentResult, DocumentStatus


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile of ``values`` (``q`` in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass
class ResultsTally:
    """Every result record seen, reduced to what the demo summary shows."""

    by_outcome: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    generated_per_key: Counter[str] = field(default_factory=Counter)
    latencies_s: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    outputs: set[str] = field(default_factory=set)
    orders: set[str] = field(default_factory=set)
    #: flow (use case) → idempotency keys generated: what each flow produced
    by_flow: dict[str, set[str]] = field(default_factory=dict)

    def add(self, result: DocumentResult) -> None:
        channel = result.channel.value if result.channel is not None else "-"
        self.by_outcome[(result.document.document_type, channel, result.status.value)] += 1
        if result.recipient.order_id is not None:
            self.orders.add(result.recipient.order_id)
        if result.status is DocumentStatus.GENERATED:
            self.generated_per_key[result.document.idempotency_key] += 1
            self.by_flow.setdefault(result.document.use_case, set()).add(result.document.idempotency_key)
        if result.status is DocumentStatus.DELIVERED and result.timing.event_created_at is not None:
            self.latencies_s.append((result.occurred_at - result.timing.event_created_at).total_seconds())
        if result.error is not None:
            self.errors[result.error.error_class] += 1
        if result.output is not None:
            self.outputs.add(result.output.uri)

    @property
    def total(self) -> int:
        return sum(self.by_outcome.values())

    @property
    def documents(self) -> int:
        return len(self.generated_per_key)

    @property
    def duplicate_documents(self) -> int:
        """Idempotency keys for which more than one document was generated (must stay 0)."""
        return sum(1 for count in self.generated_per_key.values() if count > 1)

    def count(self, status: DocumentStatus) -> int:
        return sum(n for (_, _, s), n in self.by_outcome.items() if s == status.value)


def render_summary(tally: ResultsTally, *, elapsed_s: float, where: dict[str, str]) -> str:
    """The table the demo prints at the end."""
    lines = [
        f"documents: {tally.documents} for {len(tally.orders)} orders in {elapsed_s:.1f} s — "
        f"{tally.count(DocumentStatus.GENERATED)} generated, "
        f"{tally.count(DocumentStatus.DELIVERED)} delivered, {tally.count(DocumentStatus.FAILED)} failed; "
        f"duplicate documents: {tally.duplicate_documents}",
        "",
        "documents by flow: "
        + (", ".join(f"{flow} {len(keys)}" for flow, keys in sorted(tally.by_flow.items())) or "none"),
        "",
        f"  {'document type':24} {'channel':9} {'outcome':10} {'count':>6}",
    ]
    for (doc_type, channel, status), n in sorted(tally.by_outcome.items()):
        lines.append(f"  {doc_type:24} {channel:9} {status:10} {n:>6}")
    if tally.latencies_s:
        p50, p90, p99 = (percentile(tally.latencies_s, q) for q in (50, 90, 99))
        lines += [
            "",
            f"end-to-end latency, webhook created → document delivered: p50 {p50:.2f} s  p90 {p90:.2f} s  "
            f"p99 {p99:.2f} s  max {max(tally.latencies_s):.2f} s",
        ]
    if tally.errors:
        lines += ["", "errors: " + ", ".join(f"{k} × {v}" for k, v in sorted(tally.errors.items()))]
    lines += ["", *(f"{name:10} {path}" for name, path in where.items())]
    return "\n".join(lines)
