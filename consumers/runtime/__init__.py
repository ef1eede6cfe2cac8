"""The consumer runtime every use case runs on: per-key concurrency in a bounded window, backpressure by
pausing partitions, commits of the finished prefix only, retries with backoff, a retry topic, capped dead
letters, an effectively-once document ledger, graceful rebalances and shutdown. See
docs/consumer-runtime.md.

A use case provides ``build(services) -> UseCase`` (see :mod:`consumers.registry`).
"""

from consumers.runtime.app import Services, UseCase, UseCaseFactory, run_use_case
from consumers.runtime.document_request import DocumentOutcome, DocumentRequest, JobFailure
from consumers.runtime.document_step import DocumentStep
from consumers.runtime.results import ResultPublisher
from consumers.stream.errors import DlqCapExceeded, PermanentError, ProcessingError, RetryableError
from consumers.stream.processor import Decoder, Processor, RecordContext
from consumers.stream.records import SourceRecord

__all__ = [
    "Decoder",
    "DlqCapExceeded",
    "DocumentOutcome",
    "DocumentRequest",
    "DocumentStep",
    "JobFailure",
    "PermanentError",
    "ProcessingError",
    "Processor",
    "RecordContext",
    "ResultPublisher",
    "RetryableError",
    "Services",
    "SourceRecord",
    "UseCase",
    "UseCaseFactory",
    "run_use_case",
]
