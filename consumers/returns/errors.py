"""Why a return's document cannot be built::

BcxError
└── DriverDataError   the record lacks what the document needs (permanent: a retry cannot help)
"""

from __future__ import annotations

from bcx.errors import BcxError


class DriverDataError(BcxError):
    """The driver data cannot be built from this record (e.g. no return address anywhere)."""
