"""Turning an Exstream HTTP reply into bcx's error vocabulary: pure functions, no I/O.

``idempotent`` says whether the call can be repeated without a second effect (GETs, look-ups). A gateway
timeout (504) on a POST that generates or submits may hide a processed request, so it is
:class:`OutcomeUnknownError` there and merely retryable on reads.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from typing import Any

from bcx.exstream.errors import (
    ExstreamError,
    ExstreamRateLimitedError,
    ExstreamRequestError,
    ExstreamTimeoutError,
    ExstreamUnavailableError,
    OutcomeUnknownError,
)

# Where deployments put a trace id: Spring Cloud Sleuth/B3, W3C, and generic gateway headers.
TRACE_HEADERS = ("x-b3-traceid", "x-trace-id", "x-request-id", "x-correlation-id", "traceparent")


def trace_id_from(headers: Mapping[str, str], body: Any = None) -> str | None:
    """The Exstream trace id from the JSON body (``traceId``) or a tracing header, when there is one."""
    if isinstance(body, dict):
        for key in ("traceId", "trace_id"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    lowered = {k.lower(): v for k, v in headers.items()}
    for name in TRACE_HEADERS:
        value = lowered.get(name)
        if value:
            if name == "traceparent":
                parts = value.split("-")
                return parts[1] if len(parts) >= 2 else value
            return value
    return None


def parse_retry_after(value: str | None, now_epoch: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent/invalid."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = time.time() if now_epoch is None else now_epoch
    return max(0.0, when.timestamp() - now)


def error_message(body: Any) -> str:
    """A short, non-personal description from a Spring-style or Orchestration error body."""
    if isinstance(body, dict):
        for key in ("message", "error", "details"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value[:200]
        data = body.get("data")
        if isinstance(data, list) and data and isinstance(data[0], dict):
            value = data[0].get("errorMessage")
            if isinstance(value, str):
                return value[:200]
    return ""


def classify_status(
    status: int,
    *,
    headers: Mapping[str, str],
    body: Any,
    idempotent: bool,
    operation: str,
) -> ExstreamError | None:
    """The error a reply with ``status`` means, or None for a 2xx."""
    if 200 <= status < 300:
        return None
    trace_id = trace_id_from(headers, body)
    detail = error_message(body)
    message = f"{operation}: HTTP {status}" + (f" ({detail})" if detail else "")
    if status == 429:
        lowered = {k.lower(): v for k, v in headers.items()}
        return ExstreamRateLimitedError(
            message,
            status_code=status,
            trace_id=trace_id,
            retry_after=parse_retry_after(lowered.get("retry-after")),
        )
    if status == 504 and not idempotent:
        return OutcomeUnknownError(message, status_code=status, trace_id=trace_id)
    if status >= 500 or status == 408:
        return ExstreamUnavailableError(message, status_code=status, trace_id=trace_id)
    return ExstreamRequestError(message, status_code=status, trace_id=trace_id)


def counts_against_breaker(error: ExstreamError | None) -> bool:
    """Whether a failure says the endpoint is unhealthy (as opposed to our request being wrong)."""
    return isinstance(error, ExstreamUnavailableError | ExstreamTimeoutError | OutcomeUnknownError)
