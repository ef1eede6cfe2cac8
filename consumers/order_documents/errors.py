"""Errors of the order-documents use case.

::

    bcx.errors.BcxError
    ├── OrderDocumentError          the use case refuses a record
    │   └── DriverDataError         the snapshot cannot make the requested document (unknown document
                                    type, receipt for a transaction the order does not have); permanent:
                                    retrying the same snapshot gives the same answer, so it dead-letters
    └── consumers.documents.errors.DocumentDataError   (also a base of DriverDataError)
"""

from __future__ import annotations

from bcx.errors import BcxError
from consumers.documents.errors import DocumentDataError


class OrderDocumentError(BcxError):
    """Base of the order-documents errors."""

    retryable = False


class DriverDataError(OrderDocumentError, DocumentDataError):
    """Driver data cannot be built from this snapshot for this document (never retryable)."""
