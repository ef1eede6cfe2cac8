"""The document pipeline on the stream runtime (:mod:`consumers.stream`): the document step (ledger →
Exstream → storage → results → ledger), an effectively-once document ledger, result events, batch jobs,
delivery outcomes, the Exstream failure classifier, and the document flows' process (``Services``,
``run_use_case``). See docs/consumer-runtime.md.

A document flow provides ``build(services) -> UseCase`` (see :mod:`consumers.registry`). The stream
runtime's vocabulary a flow needs (errors, ``RecordContext``, ``SourceRecord``, ``UseCase``) is re-exported
here, so a flow imports from one place.
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
