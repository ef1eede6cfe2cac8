"""When an OTDS access token is still good to use: pure, clock passed in.

A token is *fresh* until ``refresh_ratio`` of its lifetime has passed (refreshing early keeps requests
from racing the expiry), and the cache can be invalidated for one specific token after Exstream refused it,
so a concurrent caller that already fetched a newer token is not forced to fetch again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bcx.exstream.errors import InvalidResponseError

# Used when OTDS omits expires_in; OpenText cloud's default lifetime is 15 minutes.
DEFAULT_EXPIRES_IN_S = 900.0


@dataclass(frozen=True)
class AccessToken:
    value: str
    obtained_at: float
    expires_in_s: float

    def fresh(self, now: float, refresh_ratio: float) -> bool:
        return now < self.obtained_at + self.expires_in_s * refresh_ratio

    def __repr__(self) -> str:  # never show the token itself
        return f"AccessToken(obtained_at={self.obtained_at}, expires_in_s={self.expires_in_s})"


def parse_token_response(body: Any, now: float) -> AccessToken:
    """Read ``{access_token, token_type, expires_in}`` (OTDS/OAuth2) into an :class:`AccessToken`."""
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("access_token"), str)
        or not body["access_token"]
    ):
        raise InvalidResponseError("OTDS token response has no access_token")
    token_type = body.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise InvalidResponseError("OTDS token response is not a bearer token")
    raw_expires = body.get("expires_in", DEFAULT_EXPIRES_IN_S)
    try:
        expires_in = float(raw_expires)
    except (TypeError, ValueError):
        raise InvalidResponseError("OTDS token response has a non-numeric expires_in") from None
    if expires_in <= 0:
        raise InvalidResponseError("OTDS token response has a non-positive expires_in")
    return AccessToken(value=body["access_token"], obtained_at=now, expires_in_s=expires_in)


class TokenCache:
    """Holds at most one token; ``current`` answers None when a new one must be fetched."""

    def __init__(self, refresh_ratio: float = 0.8) -> None:
        self._refresh_ratio = refresh_ratio
        self._token: AccessToken | None = None

    def current(self, now: float) -> AccessToken | None:
        token = self._token
        if token is not None and token.fresh(now, self._refresh_ratio):
            return token
        return None

    def put(self, token: AccessToken) -> None:
        self._token = token

    def invalidate(self, value: str) -> None:
        """Forget the token if it is still the one Exstream refused."""
        if self._token is not None and self._token.value == value:
            self._token = None
