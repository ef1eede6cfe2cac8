"""The consumer runtime's error vocabulary: what a processor raises to say what should happen next.

::

    BcxError
    ├── ProcessingError              a record could not be processed; .error_class .stage
    │   ├── RetryableError           try again after a backoff (timeouts, 429, 5xx, unknown outcome resolved
    │   │                            by a look-up); after the budget: the retry topic, then dead letters
    │   └── PermanentError           the same input will fail the same way (invalid data, 400/403/404):
    │                                dead-lettered at once, with a FAILED result
    └── DlqCapExceeded               too many dead letters in the window: the consumer stops (exit non-zero)

Foreign and adapter errors are mapped to these once, by the executor's classifier: Avro, validation
and Kafka in :mod:`consumers.stream.classify`, Exstream, storage and the ledger in the document pipeline's
:mod:`consumers.runtime.classify`; processors may also raise these directly.
"""

from __future__ import annotations

from bcx.errors import BcxError


class ProcessingError(BcxError):
    """A record failed in ``stage``. What to publish if the record is given up is not the error's
    business: a failing step registers it with :meth:`RecordContext.on_give_up`."""

    retryable: bool = False

    def __init__(
        self,
        message: str,
        *,
        error_class: str,
        stage: str = "process",
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.error_class = error_class
        self.stage = stage
        self.retry_after_s = retry_after_s


class RetryableError(ProcessingError):
    """Transient: the same record may succeed later."""

    retryable = True


class PermanentError(ProcessingError):
    """The record cannot succeed as it is: dead-letter it now."""

    retryable = False


class DlqCapExceeded(BcxError):
    """More dead letters than the cap allows in its window: stop rather than dead-letter everything."""
