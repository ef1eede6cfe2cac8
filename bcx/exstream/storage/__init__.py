"""Where generated documents are kept: :class:`OutputStorage` with filesystem and S3 implementations."""

from __future__ import annotations

from bcx.exstream.settings import OutputStorageSettings
from bcx.exstream.storage.base import OutputStorage, safe_segment
from bcx.exstream.storage.filesystem import FilesystemStorage
from bcx.exstream.storage.s3 import S3Storage

__all__ = ["FilesystemStorage", "OutputStorage", "S3Storage", "build_storage", "safe_segment"]


def build_storage(settings: OutputStorageSettings) -> FilesystemStorage | S3Storage:
    """The storage ``settings`` select (filesystem by default)."""
    if settings.kind == "s3":
        return S3Storage(settings.s3)
    return FilesystemStorage(settings.root)
