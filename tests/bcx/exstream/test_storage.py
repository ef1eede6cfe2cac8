"""Output storage: filesystem atomic key-addressed writes and the S3 implementation's signed requests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bcx.exstream.errors import OutputStorageError
from bcx.exstream.settings import OutputStorageSettings, S3StorageSettings
from bcx.exstream.storage import FilesystemStorage, S3Storage, build_storage, safe_segment


class TestFilesystemStorage:
    async def test_store_and_read_round_trip(self, tmp_path: Path) -> None:
        """A stored document reads back byte for byte through its file:// URI."""
        storage = FilesystemStorage(tmp_path)
        uri = await storage.store("order:1:invoice", "invoice.pdf", b"%PDF-1.7", "application/pdf")
        assert uri.startswith("file://")
        assert await storage.read(uri) == b"%PDF-1.7"

    async def test_same_key_overwrites_same_uri(self, tmp_path: Path) -> None:
        """Storing again under the same key and name replaces the file and returns the same URI."""
        storage = FilesystemStorage(tmp_path)
        first = await storage.store("k", "a.pdf", b"one", "application/pdf")
        second = await storage.store("k", "a.pdf", b"two", "application/pdf")
        assert first == second
        assert await storage.read(second) == b"two"
        assert [p.name for p in (tmp_path / "k").iterdir()] == ["a.pdf"]

    async def test_keys_cannot_escape_the_root(self, tmp_path: Path) -> None:
        """Path separators and dot segments in keys are neutralised."""
        storage = FilesystemStorage(tmp_path / "root")
        uri = await storage.store("../../etc", "../passwd", b"x", "text/plain")
        assert Path(uri.removeprefix("file://")).is_relative_to((tmp_path / "root").resolve())
        assert safe_segment("..") == "_"

    async def test_reading_outside_root_is_refused(self, tmp_path: Path) -> None:
        """A URI outside the storage root is rejected rather than read."""
        with pytest.raises(OutputStorageError):
            await FilesystemStorage(tmp_path / "a").read((tmp_path / "b.pdf").as_uri())

    async def test_missing_document_is_permanent(self, tmp_path: Path) -> None:
        """Reading a URI with no file is a non-retryable storage error."""
        with pytest.raises(OutputStorageError) as info:
            await FilesystemStorage(tmp_path).read((tmp_path / "nope.pdf").as_uri())
        assert not info.value.retryable

    def test_factory_defaults_to_filesystem(self, tmp_path: Path) -> None:
        """Default settings build filesystem storage."""
        assert isinstance(build_storage(OutputStorageSettings(root=tmp_path)), FilesystemStorage)


def _s3(handler: httpx.MockTransport) -> S3Storage:
    settings = S3StorageSettings(
        endpoint_url="http://minio.test:9000",
        bucket="docs",
        prefix="bcx/",
        access_key_id="AKIDEXAMPLE",
        secret_access_key=SecretStr("secret"),
    )
    return S3Storage(
        settings,
        http_client=httpx.AsyncClient(transport=handler),
        now=lambda: datetime(2025, 1, 2, tzinfo=UTC),
    )


class TestS3Storage:
    async def test_put_is_signed_and_path_style(self) -> None:
        """A store PUTs to {endpoint}/{bucket}/{prefix}{key}/{name} with SigV4 headers and returns s3://."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(200)

        storage = _s3(httpx.MockTransport(handler))
        uri = await storage.store("order-1", "a.pdf", b"%PDF", "application/pdf")
        request = seen[0]
        assert uri == "s3://docs/bcx/order-1/a.pdf"
        assert request.method == "PUT"
        assert str(request.url) == "http://minio.test:9000/docs/bcx/order-1/a.pdf"
        assert request.headers["x-amz-date"] == "20250102T000000Z"
        assert request.headers["authorization"].startswith(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature="
        )
        assert request.content == b"%PDF"

    async def test_read_back(self) -> None:
        """read() GETs the object named by the URI."""

        def handler(request: httpx.Request) -> httpx.Response:
            assert request.url.path == "/docs/bcx/k/a.pdf"
            return httpx.Response(200, content=b"bytes")

        assert await _s3(httpx.MockTransport(handler)).read("s3://docs/bcx/k/a.pdf") == b"bytes"

    @pytest.mark.parametrize(("status", "retryable"), [(503, True), (403, False), (404, False)])
    async def test_errors_are_classified(self, status: int, retryable: bool) -> None:
        """S3 failures become OutputStorageError with retryable set from the status."""
        storage = _s3(httpx.MockTransport(lambda request: httpx.Response(status)))
        with pytest.raises(OutputStorageError) as info:
            await storage.store("k", "a.pdf", b"x", "application/pdf")
        assert info.value.retryable is retryable


class TestDelete:
    async def test_filesystem_delete_removes_the_file_and_its_empty_folder(self, tmp_path: Path) -> None:
        """Erasure deletes a stored document (and its key's folder); a second delete finds nothing."""
        storage = FilesystemStorage(tmp_path)
        uri = await storage.store("order-1", "a.pdf", b"%PDF", "application/pdf")
        assert await storage.delete(uri) is True
        assert not storage.path_for("order-1", "a.pdf").parent.exists()
        assert await storage.delete(uri) is False

    async def test_filesystem_delete_refuses_outside_the_root(self, tmp_path: Path) -> None:
        """A URI outside the storage root is never deleted."""
        outside = tmp_path / "elsewhere.txt"
        outside.write_text("keep")
        with pytest.raises(OutputStorageError):
            await FilesystemStorage(tmp_path / "root").delete(outside.as_uri())
        assert outside.exists()

    async def test_s3_delete_is_a_signed_delete_of_the_object(self) -> None:
        """delete() sends a SigV4-signed DELETE of the object; a 404 means nothing was there."""
        seen: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            seen.append(request)
            return httpx.Response(204 if len(seen) == 1 else 404)

        storage = _s3(httpx.MockTransport(handler))
        assert await storage.delete("s3://docs/bcx/k/a.pdf") is True
        assert await storage.delete("s3://docs/bcx/k/a.pdf") is False
        assert (seen[0].method, seen[0].url.path) == ("DELETE", "/docs/bcx/k/a.pdf")
        assert seen[0].headers["authorization"].startswith("AWS4-HMAC-SHA256 ")
