"""Errors of the document index.

::

    BcxError
    └── DocumentIndexError        the index cannot be read or written
        └── IndexUnavailable      PostgreSQL did not answer or refused the connection (retry later)
"""

from __future__ import annotations

from bcx.errors import BcxError


class DocumentIndexError(BcxError):
    """The document index cannot be read or written."""


class IndexUnavailable(DocumentIndexError):
    """PostgreSQL did not answer or refused the connection; the caller may retry."""
