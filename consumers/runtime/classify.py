"""The document pipeline's classifier: Exstream, output storage and ledger failures mapped to the
runtime's vocabulary (:class:`RetryableError` / :class:`PermanentError`); everything else goes to the
stream runtime's own :func:`consumers.stream.classify.classify` (data, Kafka, unknown).

Pure: one place decides what is worth another try. Exstream's own hierarchy (``bcx.exstream.errors``)
already separates transient from permanent; the pipeline adds stable ``error_class`` names for metrics,
dead-letter headers and FAILED results. The executor runs it as its
:data:`~consumers.stream.classify.Classifier`.
"""

from __future__ import annotations

from bcx.exstream.errors import (
    CircuitOpenError,
    ExstreamAuthError,
    ExstreamError,
    ExstreamRateLimitedError,
    ExstreamRequestError,
    ExstreamTimeoutError,
    InvalidResponseError,
    JobFailedError,
    OutcomeUnknownError,
    OutputStorageError,
    RetryableExstreamError,
)
from consumers.runtime.ledger import LedgerConflict
from consumers.stream.classify import classify as classify_generic
from consumers.stream.errors import PermanentError, ProcessingError, RetryableError

_REQUEST_CLASSES = {400: "exstream.bad_request", 403: "exstream.forbidden", 404: "exstream.not_found"}


def _exstream(exc: ExstreamError, stage: str) -> ProcessingError:
    message = str(exc)
    if isinstance(exc, ExstreamRateLimitedError):
        return RetryableError(
            message, error_class="exstream.rate_limited", stage=stage, retry_after_s=exc.retry_after
        )
    if isinstance(exc, CircuitOpenError):
        return RetryableError(message, error_class="exstream.circuit_open", stage=stage)
    if isinstance(exc, ExstreamTimeoutError):
        return RetryableError(message, error_class="exstream.timeout", stage=stage)
    if isinstance(exc, RetryableExstreamError):
        return RetryableError(message, error_class="exstream.unavailable", stage=stage)
    if isinstance(exc, OutcomeUnknownError):
        # the next attempt finds the job by reference before calling again (the ledger says STARTED)
        return RetryableError(message, error_class="exstream.outcome_unknown", stage=stage)
    if isinstance(exc, InvalidResponseError):
        # a 2xx we could not read: the document exists; the next attempt fetches it from the job
        return RetryableError(message, error_class="exstream.invalid_response", stage=stage)
    if isinstance(exc, JobFailedError):
        return PermanentError(message, error_class="exstream.job_failed", stage=stage)
    if isinstance(exc, ExstreamAuthError):
        return PermanentError(message, error_class="exstream.auth", stage=stage)
    if isinstance(exc, ExstreamRequestError):
        name = _REQUEST_CLASSES.get(exc.status_code or 0, "exstream.rejected")
        return PermanentError(message, error_class=name, stage=stage)
    return PermanentError(message, error_class="exstream.error", stage=stage)


def classify(exc: BaseException, stage: str = "process") -> ProcessingError:
    """The runtime error ``exc`` means; ``stage`` names where it happened when ``exc`` does not say."""
    result: ProcessingError
    if isinstance(exc, ExstreamError):
        result = _exstream(exc, stage)
    elif isinstance(exc, OutputStorageError):
        cls = RetryableError if exc.retryable else PermanentError
        result = cls(str(exc), error_class="storage.error", stage="store")
    elif isinstance(exc, LedgerConflict):
        result = PermanentError(str(exc), error_class="ledger.conflict", stage="ledger")
    else:
        return classify_generic(exc, stage)
    result.__cause__ = exc
    return result
