"""The index's schema: plain versioned SQL files (``migrations/NNNN_name.sql``) applied once, in order.

Why not Alembic: the index has no ORM models for Alembic to diff, the schema is a handful of tables, and a
reviewer reads the exact DDL that runs. Each file runs in one transaction with its version recorded in
``index_migrations``; a transaction-scoped advisory lock lets several replicas start at once safely.
Never edit an applied file: add the next number.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import psycopg

MIGRATIONS = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_LOCK = 0x6263_7869  # "bcxi": one advisory lock id for every bcx index migration


def available() -> list[tuple[int, Path]]:
    """Every migration file with its version, in order."""
    found = []
    for path in MIGRATIONS.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def migrate(conn: psycopg.Connection[Any]) -> list[int]:
    """Apply what is missing; returns the versions applied now (empty when up to date)."""
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS index_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        done = {row[0] for row in conn.execute("SELECT version FROM index_migrations").fetchall()}
        for version, path in available():
            if version in done:
                continue
            conn.execute(path.read_text(encoding="utf-8").encode())
            conn.execute("INSERT INTO index_migrations (version, name) VALUES (%s, %s)", (version, path.name))
            applied.append(version)
    return applied
