"""Connections to the index's PostgreSQL: one place that turns driver failures into our errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from bcx.contracts.erasure import subject
from consumers.document_index.errors import IndexUnavailable

__all__ = ["connect", "pseudonym", "subject"]


@contextmanager
def connect(dsn: str, *, autocommit: bool = False) -> Iterator[psycopg.Connection[Any]]:
    """An open connection to ``dsn``; a refused or failed connection is :class:`IndexUnavailable`
    (the message names the failure class, never the DSN, which may hold a password)."""
    try:
        conn = psycopg.connect(dsn, autocommit=autocommit, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise IndexUnavailable(f"cannot connect to the document index ({type(exc).__name__})") from exc
    with conn:
        yield conn


def pseudonym(store_hash: str, customer_id: str) -> str:
    """What an erased customer's id becomes in index rows: stable (rows stay grouped), not reversible."""
    return "erased-" + subject(store_hash, customer_id)[:16]
