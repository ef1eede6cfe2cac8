"""Failures of the BigCommerce adapter.

::

    BcxError
    └── BigCommerceError                 anything the BigCommerce adapter raises on purpose
        ├── RetryableError               worth trying again later; the operation may succeed
        │   ├── RateLimited              429: the store's budget is spent; ``reset_after_s`` says for how long
        │   ├── ServerError              5xx from BigCommerce
        │   └── TransportError           timeout, connection refused/reset, protocol error (no answer)
        └── PermanentError               retrying the same request will fail the same way
            ├── AuthError                401/403: the token is wrong, revoked, or lacks the OAuth scope
            ├── NotFound                 404: the resource does not exist (deleted, or never did)
            ├── ClientError              any other 4xx (400, 409, 422, …) with BigCommerce's error details
            └── InvalidResponse          a 2xx whose body is not what the spec promises

httpx exceptions are translated into these once, in :mod:`bcx.bigcommerce.http`; nothing above it sees an
httpx type. Messages name the store, method and path, never a token or personal data.
"""

from __future__ import annotations

from typing import Any

from bcx.errors import BcxError


class BigCommerceError(BcxError):
    """Base of every BigCommerce adapter failure; carries the request coordinates."""

    def __init__(
        self,
        message: str,
        *,
        store_hash: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message)
        self.store_hash = store_hash
        self.method = method
        self.path = path
        self.status = status


class RetryableError(BigCommerceError):
    """The operation may succeed if repeated later (after backoff)."""

    retryable = True


class PermanentError(BigCommerceError):
    """Repeating the same request will not help; fix the data, the credentials or the caller."""

    retryable = False


class RateLimited(RetryableError):
    """HTTP 429: the store's (or the B2B API's) request budget is spent until ``reset_after_s`` elapses."""

    def __init__(self, message: str, *, reset_after_s: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.reset_after_s = reset_after_s


class ServerError(RetryableError):
    """HTTP 5xx from BigCommerce."""


class TransportError(RetryableError):
    """No usable answer: timeout, connection failure, protocol error."""


class AuthError(PermanentError):
    """HTTP 401/403: the access token is invalid or lacks the OAuth scope for this endpoint."""


class NotFound(PermanentError):
    """HTTP 404 for the resource itself: it was deleted or never existed.

    ``resource`` is the entity kind (``order``, ``customer``, ``cart``, ``product``, ``company``, ``page``,
    ``webhook``, …) and ``resource_id`` its id, so the enricher can turn a deleted resource into an explicit
    deleted event rather than a failure.
    """

    def __init__(
        self, message: str, *, resource: str | None = None, resource_id: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(message, **kwargs)
        self.resource = resource
        self.resource_id = resource_id


class ClientError(PermanentError):
    """Any other 4xx; ``details`` holds BigCommerce's error body (title, errors) when it sent one."""

    def __init__(self, message: str, *, details: Any = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.details = details


class InvalidResponse(PermanentError):
    """A successful status with a body that does not parse into the documented shape."""
