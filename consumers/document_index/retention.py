"""Retention: the index keeps a document (and its events) until its last event is older than the
retention period, dead letters until they are; ``bcx index prune`` (a daily job) deletes the rest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg


@dataclass(frozen=True)
class Pruned:
    documents: int
    dead_letters: int


def prune(conn: psycopg.Connection[Any], *, now: datetime, retention_days: int) -> Pruned:
    """Delete what is older than ``retention_days`` at ``now`` (events go with their document)."""
    cutoff = now - timedelta(days=retention_days)
    with conn.transaction():
        docs = conn.execute("DELETE FROM documents WHERE last_event_at < %s", (cutoff,)).rowcount
        letters = conn.execute("DELETE FROM dead_letters WHERE failed_at < %s", (cutoff,)).rowcount
    return Pruned(documents=docs, dead_letters=letters)
