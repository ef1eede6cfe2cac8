"""Mapping a failure the stream runtime knows to its vocabulary (:class:`RetryableError` /
:class:`PermanentError`): undecodable or invalid data, Kafka, anything else.

Pure. The executor takes a :data:`Classifier`; a pipeline on top of the runtime that meets failures of its
own adapters (the document pipeline: Exstream, output storage, the ledger) passes one that maps those and
hands everything else to :func:`classify`, so the runtime never imports an adapter it does not use.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError

from bcx.avro.errors import SerializationError
from bcx.kafka.errors import KafkaError
from consumers.stream.errors import PermanentError, ProcessingError, RetryableError

#: ``(exc, stage) -> error``; ``stage`` names where it happened when ``exc`` does not say
Classifier = Callable[[BaseException, str], ProcessingError]


def classify(exc: BaseException, stage: str = "process") -> ProcessingError:
    """The runtime error ``exc`` means; ``stage`` names where it happened when ``exc`` does not say."""
    if isinstance(exc, ProcessingError):
        return exc
    result: ProcessingError
    if isinstance(exc, SerializationError):
        result = PermanentError(str(exc), error_class="data.undecodable", stage="decode")
    elif isinstance(exc, ValidationError):
        result = PermanentError(
            f"invalid data: {exc.error_count()} problem(s)", error_class="data.invalid", stage=stage
        )
    elif isinstance(exc, KafkaError):
        result = RetryableError(str(exc), error_class="kafka.produce", stage=stage)
    else:
        # Unknown failures get the in-process retries (often transient I/O), never the retry topic.
        result = RetryableError(
            f"{type(exc).__name__}: {str(exc)[:300]}", error_class="runtime.unexpected", stage=stage
        )
    result.__cause__ = exc
    return result
