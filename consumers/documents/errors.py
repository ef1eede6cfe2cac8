"""Errors of the documents kit.

::

    bcx.errors.BcxError
    └── DocumentDataError   a snapshot cannot make a document (a deleted order, a document type the flow
                            does not build); permanent: the same snapshot gives the same answer
"""

from __future__ import annotations

from bcx.errors import BcxError


class DocumentDataError(BcxError):
    """A snapshot cannot make the requested document (never retryable)."""

    retryable = False
