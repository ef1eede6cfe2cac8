"""Reading back the PDFs a test's documents produced: their text, and the one stored under a document key."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from bcx.exstream.storage.filesystem import FilesystemStorage


def pdf_text(data: bytes) -> str:
    """The text of every page of ``data``, one page after the other."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def stored_pdf(storage_root: Path, key: str) -> bytes:
    """The one PDF the filesystem output storage under ``storage_root`` holds for document ``key``."""
    folder = FilesystemStorage(storage_root).path_for(key, "x").parent
    (pdf,) = folder.glob("*.pdf")
    return pdf.read_bytes()
