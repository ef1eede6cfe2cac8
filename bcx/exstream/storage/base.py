"""The output-storage interface: where bcx copies the documents Exstream generated.

``store`` is idempotent per ``(key, name)``: storing the same document again for the same idempotency key
overwrites the same object and returns the same URI, so a redelivered record cannot create a second copy.
"""

from __future__ import annotations

import re
from typing import Protocol

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_segment(value: str) -> str:
    """A path segment derived from ``value`` that cannot escape its folder (no slashes, no dot-only names)."""
    cleaned = _UNSAFE.sub("_", value).strip("._") or "_"
    return cleaned[:200]


class OutputStorage(Protocol):
    async def store(self, key: str, name: str, data: bytes, mime_type: str) -> str:
        """Save ``data`` under the document ``key`` as ``name``; return a URI ``read`` accepts."""
        ...

    async def read(self, uri: str) -> bytes:
        """The bytes stored at ``uri``."""
        ...

    async def delete(self, uri: str) -> bool:
        """Remove what is stored at ``uri`` (erasure); False when nothing was there."""
        ...
