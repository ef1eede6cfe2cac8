"""The marketing flows' metrics: documents sent and suppressed, by reason (no customer data in labels)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class MarketingMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.suppressed = Counter(
            "bcx_marketing_suppressed_total",
            "Marketing documents not produced, by reason (consent, reachability, quiet period, cap). A "
            "rising cap or quiet reason means campaigns overlap: space them or raise the cap in the policy.",
            ["use_case", "reason"],
            registry=registry,
        )
        self.sent = Counter(
            "bcx_marketing_sent_total",
            "Marketing documents produced (or found already produced), by document type.",
            ["use_case", "document_type"],
            registry=registry,
        )
