"""Output storage on a local or mounted filesystem: ``{root}/{key}/{name}``, atomic writes, ``file://`` URIs.

A write goes to a temporary file in the target folder, is fsynced, then renamed over the target, so a reader
never sees half a PDF and a crash leaves either the old or the new file. File I/O runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bcx.exstream.errors import OutputStorageError
from bcx.exstream.storage.base import safe_segment


class FilesystemStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def path_for(self, key: str, name: str) -> Path:
        return self.root / safe_segment(key) / safe_segment(name)

    async def store(self, key: str, name: str, data: bytes, mime_type: str) -> str:
        target = self.path_for(key, name)
        try:
            await asyncio.to_thread(_atomic_write, target, data)
        except OSError as exc:
            raise OutputStorageError(f"cannot write {target.name}: {exc.strerror}", retryable=True) from exc
        return target.as_uri()

    async def read(self, uri: str) -> bytes:
        path = self._path_of(uri)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError as exc:
            raise OutputStorageError(f"no stored document at {uri}", retryable=False) from exc
        except OSError as exc:
            raise OutputStorageError(f"cannot read {uri}: {exc.strerror}", retryable=True) from exc

    async def delete(self, uri: str) -> bool:
        path = self._path_of(uri)
        try:
            await asyncio.to_thread(path.unlink)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise OutputStorageError(f"cannot delete {uri}: {exc.strerror}", retryable=True) from exc
        # the key's folder goes too when it is now empty (it is named after the document key)
        with contextlib.suppress(OSError):
            path.parent.rmdir()
        return True

    def _path_of(self, uri: str) -> Path:
        parts = urlsplit(uri)
        if parts.scheme != "file":
            raise OutputStorageError(f"not a file URI: {parts.scheme}:", retryable=False)
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root):
            raise OutputStorageError("URI outside the storage root", retryable=False)
        return path


def _atomic_write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    dir_fd = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
