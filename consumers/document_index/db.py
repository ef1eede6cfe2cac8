"""Connections to the index's PostgreSQL: one place that turns driver failures into our errors."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from consumers.document_index.errors import IndexUnavailable


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


def subject(store_hash: str, customer_id: str) -> str:
    """The erased customer's key in ``erasures``: a hash, so the clear customer id is not kept."""
    return hashlib.sha256(f"{store_hash}:{customer_id}".encode()).hexdigest()


def pseudonym(store_hash: str, customer_id: str) -> str:
    """What an erased customer's id becomes in index rows: stable (rows stay grouped), not reversible."""
    return "erased-" + subject(store_hash, customer_id)[:16]
