"""Failures of the enrichment stage.

::

    BcxError
    └── EnrichmentError                  an event could not be turned into snapshots
        ├── EnrichmentRetryable          try again later (BigCommerce 5xx/timeouts after the client's
        │                                own retries, Kafka not acknowledging, shutdown during a wait)
        └── UnenrichableEvent            the same event will fail the same way: dead-letter it
                                         (malformed ids, unknown store, 401/403/4xx, unreadable answer)

BigCommerce adapter errors are translated in :mod:`producers.enricher.enricher`; the service maps these two
to the consumer runtime's retry / dead-letter vocabulary. ``error_class`` is a stable, bounded name for
metrics and dead-letter headers.
"""

from __future__ import annotations

from bcx.errors import BcxError


class EnrichmentError(BcxError):
    """Base of the enricher's own failures."""

    retryable = False

    def __init__(self, message: str, *, error_class: str, stage: str = "enrich") -> None:
        super().__init__(message)
        self.error_class = error_class
        self.stage = stage


class EnrichmentRetryable(EnrichmentError):
    """Transient: the same event may enrich fine on a later attempt."""

    retryable = True


class UnenrichableEvent(EnrichmentError):
    """Permanent: the event (or the store's configuration) must be fixed; the record goes to the DLQ."""
