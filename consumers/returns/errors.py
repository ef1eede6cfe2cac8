"""Why a return's document cannot be built::

BcxError
└── DocumentDataError (the documents kit's)
    └── DriverDataError   the record lacks what the document needs (permanent: a retry cannot help)
"""

from __future__ import annotations

from consumers.documents.errors import DocumentDataError


class DriverDataError(DocumentDataError):
    """The driver data cannot be built from this record (e.g. no return address anywhere)."""
