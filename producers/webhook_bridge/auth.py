"""Authenticating a callback for its store. Pure: headers, raw body and ``now`` in, a verdict out.

Two methods, per store (see :class:`~producers.webhook_bridge.settings.StoreAuth`):

- the shared secret BigCommerce sends in the custom header configured on the hook, compared in constant
  time (``hmac.compare_digest``);
- a Standard Webhooks signature (``webhook-id``, ``webhook-timestamp``, ``webhook-signature``) verified
  with :func:`bcx.bigcommerce.signing.verify` — the same code the simulator's sender signs with — on the
  raw body, with a replay window of ``tolerance_s`` either side of ``now``.

A present signature is always verified when the store has a key; an absent one is refused when the store
requires signatures. Every failure is :class:`AuthenticationFailed` with a reason code, never a secret.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from bcx.bigcommerce.signing import ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureError, verify
from bcx.contracts.webhook_event import WebhookAuthentication
from producers.webhook_bridge.errors import AuthenticationFailed
from producers.webhook_bridge.settings import StoreAuth

MAX_WEBHOOK_ID = 128


@dataclass(frozen=True)
class Verdict:
    """How the callback was authenticated, and its verified ``webhook-id`` when it was signed."""

    method: WebhookAuthentication
    webhook_id: str | None


_SHARED_SECRET_ONLY = Verdict(WebhookAuthentication.SHARED_SECRET, None)


def _shared_secret_ok(store: StoreAuth, headers: Mapping[str, str]) -> bool:
    assert store.secret is not None
    presented = headers.get(store.secret_header.lower())
    if presented is None:
        raise AuthenticationFailed("missing_secret")
    expected = store.secret.get_secret_value().encode()
    # HTTP header values arrive as bytes decoded latin-1 (ASGI); encoding back gives the bytes on the wire
    return hmac.compare_digest(presented.encode("latin-1", "replace"), expected)


def _signature(key: str, headers: Mapping[str, str], body: bytes, now: float, tolerance_s: int) -> str:
    raw_ts = headers.get(TIMESTAMP_HEADER, "")
    if not raw_ts.isascii() or not raw_ts.isdigit() or len(raw_ts) > 12:
        raise AuthenticationFailed("invalid_timestamp")
    if abs(now - int(raw_ts)) > tolerance_s:
        raise AuthenticationFailed("stale_timestamp")
    webhook_id = headers.get(ID_HEADER, "")
    if not webhook_id or len(webhook_id) > MAX_WEBHOOK_ID or not webhook_id.isprintable():
        raise AuthenticationFailed("invalid_webhook_id")
    try:
        return verify(key, headers, body, now=now, tolerance_s=tolerance_s)
    except SignatureError:
        raise AuthenticationFailed("invalid_signature") from None


def has_signature(headers: Mapping[str, str]) -> bool:
    return any(name in headers for name in (ID_HEADER, TIMESTAMP_HEADER, SIGNATURE_HEADER))


def authenticate(
    store: StoreAuth | None,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: int,
) -> Verdict:
    """Check ``headers`` (lower-case names) and ``body`` for ``store`` (``None``: not configured)."""
    if store is None:
        raise AuthenticationFailed("unknown_store")
    signed_id: str | None = None
    key = store.signing_key()
    if key is not None and has_signature(headers):
        signed_id = _signature(key, headers, body, now, tolerance_s)
    elif store.signature_required:
        raise AuthenticationFailed("missing_signature")
    if store.secret is not None and not _shared_secret_ok(store, headers):
        raise AuthenticationFailed("invalid_secret")
    if signed_id is None:
        return _SHARED_SECRET_ONLY
    if store.secret is None:
        return Verdict(WebhookAuthentication.STANDARD_WEBHOOKS, signed_id)
    return Verdict(WebhookAuthentication.BOTH, signed_id)
