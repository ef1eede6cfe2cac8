"""Output storage in an S3-compatible bucket over httpx, signed with our own SigV4 (no boto3).

Objects live at ``{prefix}{key}/{name}``, addressed path-style (``{endpoint}/{bucket}/{object}``) so MinIO
and other S3-compatible servers work without DNS tricks. URIs are ``s3://{bucket}/{object}``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import httpx

from bcx.exstream.errors import OutputStorageError
from bcx.exstream.settings import S3StorageSettings
from bcx.exstream.storage.base import safe_segment
from bcx.exstream.storage.sigv4 import sign


def _utcnow() -> datetime:
    return datetime.now(UTC)


class S3Storage:
    def __init__(
        self,
        settings: S3StorageSettings,
        *,
        http_client: httpx.AsyncClient | None = None,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._settings = settings
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient()
        self._now = now

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    def object_key(self, key: str, name: str) -> str:
        return f"{self._settings.prefix}{safe_segment(key)}/{safe_segment(name)}"

    def _url(self, object_key: str) -> str:
        s = self._settings
        return f"{s.endpoint_url.rstrip('/')}/{quote(s.bucket, safe='')}/{quote(object_key, safe='/')}"

    def signed_headers(self, method: str, url: str, payload: bytes, extra: dict[str, str]) -> dict[str, str]:
        """Headers for ``method url`` with ``payload``, including the SigV4 Authorization."""
        s = self._settings
        amz_date = self._now().strftime("%Y%m%dT%H%M%SZ")
        payload_hash = hashlib.sha256(payload).hexdigest()
        host = urlsplit(url).netloc
        headers = {"host": host, "x-amz-date": amz_date, "x-amz-content-sha256": payload_hash, **extra}
        if s.session_token is not None:
            headers["x-amz-security-token"] = s.session_token.get_secret_value()
        signature = sign(
            method,
            url,
            headers,
            payload_hash,
            access_key=s.access_key_id,
            secret_key=s.secret_access_key.get_secret_value(),
            region=s.region,
            service="s3",
            amz_date=amz_date,
        )
        headers["authorization"] = signature.authorization
        return headers

    async def store(self, key: str, name: str, data: bytes, mime_type: str) -> str:
        object_key = self.object_key(key, name)
        url = self._url(object_key)
        headers = self.signed_headers("PUT", url, data, {"content-type": mime_type})
        await self._send("PUT", url, headers, data)
        return f"s3://{self._settings.bucket}/{object_key}"

    async def read(self, uri: str) -> bytes:
        parts = urlsplit(uri)
        if parts.scheme != "s3" or parts.netloc != self._settings.bucket:
            raise OutputStorageError("URI is not in this bucket", retryable=False)
        url = self._url(parts.path.lstrip("/"))
        response = await self._send("GET", url, self.signed_headers("GET", url, b"", {}), None)
        return response.content

    async def delete(self, uri: str) -> bool:
        parts = urlsplit(uri)
        if parts.scheme != "s3" or parts.netloc != self._settings.bucket:
            raise OutputStorageError("URI is not in this bucket", retryable=False)
        url = self._url(parts.path.lstrip("/"))
        try:
            await self._send("DELETE", url, self.signed_headers("DELETE", url, b"", {}), None)
        except OutputStorageError as exc:
            if exc.status_code == 404:
                return False
            raise
        return True

    async def _send(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> httpx.Response:
        # httpx sets Host itself from the URL; sending ours too would duplicate it.
        headers = {k: v for k, v in headers.items() if k != "host"}
        try:
            response = await self._http.request(
                method, url, headers=headers, content=body, timeout=self._settings.timeout_s
            )
        except httpx.TransportError as exc:
            raise OutputStorageError(f"S3 {method} failed: {type(exc).__name__}", retryable=True) from exc
        status = response.status_code
        if status >= 300:
            retryable = status in (408, 429) or status >= 500
            if status == 404:
                raise OutputStorageError("S3 object not found", retryable=False, status_code=status)
            raise OutputStorageError(
                f"S3 {method} answered HTTP {status}", retryable=retryable, status_code=status
            )
        return response
