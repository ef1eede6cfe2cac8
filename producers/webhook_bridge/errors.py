"""Why the bridge refuses a callback; each error carries the HTTP status and a machine-readable reason.

::

    BcxError
    └── BridgeError               a callback was not accepted
        ├── Rejected              the request is at fault: 4xx, nothing published
        │   ├── PayloadRejected   400 malformed JSON, 413 too large, 415 content type, 422 missing fields
        │   └── AuthenticationFailed  401 unknown store, wrong/missing secret, bad or stale signature
        └── Unavailable           503 + Retry-After: Kafka (or the registry) did not take the record in time

``reason`` is a short snake_case code that is safe to show the caller, to log and to use as a metric label
(a closed set); ``detail`` is for logs only and never contains a secret.
"""

from __future__ import annotations

from bcx.errors import BcxError


class BridgeError(BcxError):
    status: int = 500

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


class Rejected(BridgeError):
    """The request itself is wrong; answering 4xx tells BigCommerce (or an attacker) it will never pass."""


class PayloadRejected(Rejected):
    def __init__(self, status: int, reason: str, detail: str = "") -> None:
        super().__init__(reason, detail)
        self.status = status


class AuthenticationFailed(Rejected):
    status = 401


class Unavailable(BridgeError):
    """Kafka did not acknowledge in time; the caller should retry (the record may still land later)."""

    status = 503
