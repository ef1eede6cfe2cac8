"""Standard Webhooks signing and verification as BigCommerce's HTTPS webhooks use them."""

from __future__ import annotations

import pytest

from bcx.bigcommerce.signing import SignatureError, encode_secret, sign, signed_headers, verify

# The reference test vector published with the Standard Webhooks specification.
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


class TestSign:
    def test_matches_the_standard_webhooks_reference_vector(self) -> None:
        """sign() reproduces the specification's published signature."""
        assert sign(SECRET, MSG_ID, TIMESTAMP, BODY) == EXPECTED

    def test_bigcommerce_key_is_the_base64_client_secret(self) -> None:
        """A client secret signs through its base64 encoding, as BigCommerce's sample builds the key."""
        key = encode_secret("app-client-secret")
        headers = signed_headers(key, "msg_1", 1700000000, b"{}").as_dict()
        assert verify(key, headers, b"{}", now=1700000000) == "msg_1"


class TestVerify:
    def headers(self, signature: str = EXPECTED, timestamp: int = TIMESTAMP) -> dict[str, str]:
        return {"webhook-id": MSG_ID, "webhook-timestamp": str(timestamp), "webhook-signature": signature}

    def test_accepts_a_valid_delivery_and_returns_its_id(self) -> None:
        """A correct signature within the tolerance window verifies."""
        assert verify(SECRET, self.headers(), BODY, now=TIMESTAMP + 10) == MSG_ID

    def test_accepts_any_matching_signature_of_a_rotated_list(self) -> None:
        """Space-separated signatures (key rotation) pass when one matches."""
        headers = self.headers(signature=f"v1,AAAA {EXPECTED}")
        assert verify(SECRET, headers, BODY, now=TIMESTAMP) == MSG_ID

    @pytest.mark.parametrize(
        ("body", "secret"),
        [(b'{"test": 1}', SECRET), (BODY, "whsec_" + encode_secret("other"))],
    )
    def test_rejects_a_changed_body_or_wrong_secret(self, body: bytes, secret: str) -> None:
        """Tampering with the body or verifying with another key fails."""
        with pytest.raises(SignatureError, match="no webhook-signature matches"):
            verify(secret, self.headers(), body, now=TIMESTAMP)

    def test_rejects_a_stale_timestamp(self) -> None:
        """A delivery older than the tolerance is refused as a possible replay."""
        with pytest.raises(SignatureError, match="tolerance"):
            verify(SECRET, self.headers(), BODY, now=TIMESTAMP + 301)

    def test_rejects_missing_headers(self) -> None:
        """Without the three Standard Webhooks headers nothing verifies."""
        with pytest.raises(SignatureError, match="missing"):
            verify(SECRET, {"webhook-id": MSG_ID}, BODY, now=TIMESTAMP)

    def test_rejects_a_non_numeric_timestamp(self) -> None:
        """A malformed timestamp is a signature error, not a crash."""
        with pytest.raises(SignatureError, match="integer"):
            verify(SECRET, self.headers() | {"webhook-timestamp": "soon"}, BODY, now=TIMESTAMP)
