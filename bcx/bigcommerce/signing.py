"""Standard Webhooks signatures, as BigCommerce's HTTPS webhooks use them. Pure; no I/O.

The signed content is ``"{webhook-id}.{webhook-timestamp}.{raw body}"``; the signature is
``v1,<base64 HMAC-SHA256>`` keyed by the decoded secret. BigCommerce's sample builds the verifier key as
``base64(client secret)``, so the HMAC key is the client secret's bytes. A ``webhook-signature`` header may
carry several space-separated signatures (key rotation); one match suffices. The timestamp (unix seconds)
must lie within ``tolerance_s`` of ``now`` to stop replays.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from bcx.errors import BcxError

ID_HEADER = "webhook-id"
TIMESTAMP_HEADER = "webhook-timestamp"
SIGNATURE_HEADER = "webhook-signature"
DEFAULT_TOLERANCE_S = 300


class SignatureError(BcxError):
    """A callback's Standard Webhooks signature is missing, malformed, stale or wrong."""


def encode_secret(client_secret: str) -> str:
    """The Standard Webhooks key for a BigCommerce client secret: ``base64(secret bytes)``."""
    return base64.b64encode(client_secret.encode()).decode()


def _key(secret: str) -> bytes:
    # Standard Webhooks secrets may carry a "whsec_" prefix before the base64 key.
    try:
        return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except ValueError as exc:
        raise SignatureError("webhook secret is not base64") from exc


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """``v1,<base64 HMAC-SHA256 of "{msg_id}.{timestamp}.{body}">`` with the base64 ``secret``."""
    content = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


@dataclass(frozen=True)
class SignedHeaders:
    webhook_id: str
    webhook_timestamp: int
    webhook_signature: str

    def as_dict(self) -> dict[str, str]:
        return {
            ID_HEADER: self.webhook_id,
            TIMESTAMP_HEADER: str(self.webhook_timestamp),
            SIGNATURE_HEADER: self.webhook_signature,
        }


def signed_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> SignedHeaders:
    """The three Standard Webhooks headers for one delivery."""
    return SignedHeaders(msg_id, timestamp, sign(secret, msg_id, timestamp, body))


def verify(
    secret: str,
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> str:
    """Check a delivery's signature (constant time) and timestamp; returns the ``webhook-id``.

    ``headers`` is looked up with lower-case names (pass ``httpx.Headers``/Starlette ``Headers`` or a
    lower-cased dict). Raises :class:`SignatureError` naming what is wrong, never the secret.
    """
    msg_id = headers.get(ID_HEADER)
    raw_ts = headers.get(TIMESTAMP_HEADER)
    raw_sigs = headers.get(SIGNATURE_HEADER)
    if not msg_id or not raw_ts or not raw_sigs:
        raise SignatureError("missing Standard Webhooks headers")
    try:
        timestamp = int(raw_ts)
    except ValueError as exc:
        raise SignatureError("webhook-timestamp is not an integer") from exc
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("webhook-timestamp outside the tolerance window")
    expected = sign(secret, msg_id, timestamp, body).encode()
    matched = False
    for candidate in raw_sigs.split():
        if not candidate.startswith("v1,"):
            continue
        # compare every candidate so timing does not reveal which one matched
        matched |= hmac.compare_digest(candidate.encode(), expected)
    if not matched:
        raise SignatureError("no webhook-signature matches")
    return msg_id
