"""Failures talking to OpenText Exstream (OTDS, Orchestration) and storing its outputs.

::

    BcxError
    ├── ExstreamError                      .status_code, .trace_id, .retryable
    │   ├── RetryableExstreamError         retryable=True: send the same request again after a backoff
    │   │   ├── ExstreamUnavailableError   connection refused/reset before sending, 500/502/503/504 on reads
    │   │   ├── ExstreamTimeoutError       timed out before the request could have reached Exstream
    │   │   ├── ExstreamRateLimitedError   429; .retry_after seconds when the reply said so
    │   │   └── CircuitOpenError           the breaker for that endpoint is open; nothing was sent
    │   ├── PermanentExstreamError         retryable=False: the same request will fail again; DLQ it
    │   │   ├── ExstreamRequestError       400/403/404/409/413/422 (bad driver data, header, domain, role)
    │   │   ├── ExstreamAuthError          OTDS refused the client credentials (configuration problem)
    │   │   ├── InvalidResponseError       a 2xx reply bcx cannot decode (bad JSON, bad base64, no outputs)
    │   │   └── JobFailedError             a batch job ended in error/canceled/deleted
    │   └── OutcomeUnknownError            retryable=True *only after* a look-up: the request may have been
    │       │                              processed (timeout/disconnect after sending a POST, 504 on a POST);
    │       │                              call ``ExstreamClient.find_job(reference)`` before sending again
    │       └── JobPollTimeoutError        a submitted job did not finish within the polling deadline
    └── OutputStorageError                 .retryable; writing/reading a stored output failed

Foreign exceptions (httpx) are translated here, once, by :mod:`bcx.exstream.http`; callers classify on these
classes or on ``retryable``. Messages never contain secrets, tokens or driver data.
"""

from __future__ import annotations

from bcx.errors import BcxError


class ExstreamError(BcxError):
    """Base of every Exstream failure; carries what an operator needs to find the call on Exstream's side."""

    retryable: bool = False

    def __init__(self, message: str, *, status_code: int | None = None, trace_id: str | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.trace_id = trace_id


class RetryableExstreamError(ExstreamError):
    """Transient: the request did not take effect and can be sent again after a backoff."""

    retryable = True


class ExstreamUnavailableError(RetryableExstreamError):
    """Exstream (or its gateway) could not be reached or answered with a server error."""


class ExstreamTimeoutError(RetryableExstreamError):
    """The call timed out before the request could have been processed (connect/pool, or any read)."""


class ExstreamRateLimitedError(RetryableExstreamError):
    """Exstream answered 429; ``retry_after`` is the delay it asked for, in seconds, when it gave one."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = 429,
        trace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, trace_id=trace_id)
        self.retry_after = retry_after


class CircuitOpenError(RetryableExstreamError):
    """The circuit breaker for the endpoint is open, so the call was not attempted."""


class PermanentExstreamError(ExstreamError):
    """The request is wrong or the reply unusable; repeating it unchanged will fail the same way."""

    retryable = False


class ExstreamRequestError(PermanentExstreamError):
    """Exstream rejected the request (4xx other than 401/408/429)."""


class ExstreamAuthError(PermanentExstreamError):
    """OTDS refused the client credentials or the token was refused even after a refresh."""


class InvalidResponseError(PermanentExstreamError):
    """A successful status carried a body bcx cannot decode."""


class JobFailedError(PermanentExstreamError):
    """A batch job finished without producing its outputs (status ``error``, ``canceled`` or ``deleted``)."""

    def __init__(
        self,
        message: str,
        *,
        job_id: str,
        job_status: str,
        status_code: int | None = None,
        trace_id: str | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, trace_id=trace_id)
        self.job_id = job_id
        self.job_status = job_status


class OutcomeUnknownError(ExstreamError):
    """The request may or may not have been processed; look it up (``find_job``) before sending it again."""

    retryable = True


class JobPollTimeoutError(OutcomeUnknownError):
    """A job was still running when the polling deadline passed; it may still finish later."""

    def __init__(self, message: str, *, job_id: str, trace_id: str | None = None) -> None:
        super().__init__(message, trace_id=trace_id)
        self.job_id = job_id


class OutputStorageError(BcxError):
    """Storing or reading a generated output failed; ``retryable`` tells whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool, status_code: int | None = None) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.status_code = status_code
