"""Per-store authentication: shared secret in constant time, Standard Webhooks signatures, replay window."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from pydantic import SecretStr

from bcx.bigcommerce.signing import encode_secret, sign
from bcx.contracts.webhook_event import WebhookAuthentication
from producers.webhook_bridge.auth import authenticate
from producers.webhook_bridge.errors import AuthenticationFailed
from producers.webhook_bridge.settings import StoreAuth
from tests.producers.webhook_bridge.samples import CLIENT_SECRET, SECRET, SECRET_HEADER, signed

NOW = 1_800_000_000
BODY = b'{"scope":"store/order/created"}'
SHARED = StoreAuth(secret=SecretStr(SECRET))
SIGNED_ONLY = StoreAuth(client_secret=SecretStr(CLIENT_SECRET))
BOTH = StoreAuth(secret=SecretStr(SECRET), client_secret=SecretStr(CLIENT_SECRET), require_signature=True)
OPTIONAL_SIGNATURE = StoreAuth(secret=SecretStr(SECRET), client_secret=SecretStr(CLIENT_SECRET))


def lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


def check(store: StoreAuth | None, headers: Mapping[str, str], body: bytes = BODY, now: float = NOW) -> str:
    verdict = authenticate(store, lower(headers), body, now=now, tolerance_s=300)
    return f"{verdict.method.value}:{verdict.webhook_id}"


def reason(store: StoreAuth | None, headers: Mapping[str, str], body: bytes = BODY, now: float = NOW) -> str:
    with pytest.raises(AuthenticationFailed) as info:
        authenticate(store, lower(headers), body, now=now, tolerance_s=300)
    return info.value.reason


class TestSharedSecret:
    def test_right_secret_passes(self) -> None:
        """The configured secret in the configured header authenticates the store."""
        assert check(SHARED, {SECRET_HEADER: SECRET}) == "SHARED_SECRET:None"

    def test_wrong_or_missing_secret_fails(self) -> None:
        """A wrong, truncated or absent secret is refused with a reason that does not echo it."""
        assert reason(SHARED, {SECRET_HEADER: SECRET + "x"}) == "invalid_secret"
        assert reason(SHARED, {SECRET_HEADER: SECRET[:-1]}) == "invalid_secret"
        assert reason(SHARED, {"x-other": SECRET}) == "missing_secret"

    def test_unknown_store_fails(self) -> None:
        """A store that is not configured is refused whatever it presents."""
        assert reason(None, {SECRET_HEADER: SECRET}) == "unknown_store"

    def test_non_latin1_header_value_is_just_wrong(self) -> None:
        """A header value that cannot be latin-1 encoded is compared (and refused), never an exception."""
        assert reason(SHARED, {SECRET_HEADER: "s3cr3t\u2603"}) == "invalid_secret"


class TestStandardWebhooks:
    def test_signature_from_the_sender_verifies(self) -> None:
        """What the simulator's sender signs (bcx.bigcommerce.signing) the bridge accepts, keeping the id."""
        assert check(SIGNED_ONLY, signed(BODY, "msg_1", NOW)) == "STANDARD_WEBHOOKS:msg_1"

    def test_both_methods(self) -> None:
        """A store with both methods records BOTH when the secret and the signature are right."""
        headers = {**signed(BODY, "msg_2", NOW), SECRET_HEADER: SECRET}
        assert check(BOTH, headers) == "BOTH:msg_2"

    def test_rotated_keys_any_match(self) -> None:
        """A signature list with an old and the current key verifies (key rotation)."""
        headers = signed(BODY, "msg_3", NOW)
        old = sign(encode_secret("old-secret"), "msg_3", NOW, BODY)
        headers["webhook-signature"] = f"{old} v2,ignored {headers['webhook-signature']}"
        assert check(SIGNED_ONLY, headers) == "STANDARD_WEBHOOKS:msg_3"

    def test_whsec_prefixed_key(self) -> None:
        """A store configured with the base64 key (whsec_ prefix) verifies the same signatures."""
        store = StoreAuth(standard_webhooks_secret=SecretStr("whsec_" + encode_secret(CLIENT_SECRET)))
        assert check(store, signed(BODY, "msg_4", NOW)) == "STANDARD_WEBHOOKS:msg_4"

    def test_forged_signatures_fail(self) -> None:
        """A wrong key, a tampered body, a changed id or timestamp all fail as invalid_signature."""
        assert reason(SIGNED_ONLY, signed(BODY, "m", NOW, client_secret="attacker")) == "invalid_signature"
        assert reason(SIGNED_ONLY, signed(BODY, "m", NOW), body=BODY + b" ") == "invalid_signature"
        headers = signed(BODY, "m", NOW)
        assert reason(SIGNED_ONLY, {**headers, "webhook-id": "other"}) == "invalid_signature"
        assert reason(SIGNED_ONLY, {**headers, "webhook-timestamp": str(NOW + 1)}) == "invalid_signature"
        assert reason(SIGNED_ONLY, {**headers, "webhook-signature": "v1,AAAA"}) == "invalid_signature"

    def test_replays_outside_the_window_fail(self) -> None:
        """A correctly signed delivery replayed more than 5 minutes later (or dated in the future) fails."""
        headers = signed(BODY, "m", NOW)
        assert reason(SIGNED_ONLY, headers, now=NOW + 301) == "stale_timestamp"
        assert reason(SIGNED_ONLY, headers, now=NOW - 301) == "stale_timestamp"
        assert check(SIGNED_ONLY, headers, now=NOW + 299) == "STANDARD_WEBHOOKS:m"

    def test_malformed_headers_fail(self) -> None:
        """Non-numeric timestamps and empty or oversized ids are refused before any HMAC."""
        headers = signed(BODY, "m", NOW)
        assert reason(SIGNED_ONLY, {**headers, "webhook-timestamp": "1e9"}) == "invalid_timestamp"
        assert reason(SIGNED_ONLY, {**headers, "webhook-id": ""}) == "invalid_webhook_id"
        assert reason(SIGNED_ONLY, {**headers, "webhook-id": "x" * 200}) == "invalid_webhook_id"

    def test_required_signature_missing_fails(self) -> None:
        """A store that requires signatures refuses an unsigned callback even with the right secret."""
        assert reason(BOTH, {SECRET_HEADER: SECRET}) == "missing_signature"
        assert reason(SIGNED_ONLY, {}) == "missing_signature"

    def test_optional_signature_is_still_verified_when_present(self) -> None:
        """Without require_signature, unsigned callbacks pass on the secret but a bad signature never does."""
        assert check(OPTIONAL_SIGNATURE, {SECRET_HEADER: SECRET}) == "SHARED_SECRET:None"
        forged = {**signed(BODY, "m", NOW, client_secret="attacker"), SECRET_HEADER: SECRET}
        assert reason(OPTIONAL_SIGNATURE, forged) == "invalid_signature"

    def test_signature_does_not_replace_the_secret(self) -> None:
        """With both configured, a valid signature and a wrong secret is still refused."""
        headers = {**signed(BODY, "m", NOW), SECRET_HEADER: "wrong"}
        assert reason(BOTH, headers) == "invalid_secret"
        assert WebhookAuthentication.BOTH.value == "BOTH"
