"""The local PostgreSQL node: real server binaries, idempotent start, clean stop, honest status."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from bcx.local.kafka_node import free_port
from bcx.local.postgres_node import PostgresNode


@pytest.fixture
def node() -> Iterator[PostgresNode]:
    # directly under the temp dir: as root the server runs as nobody, who cannot enter pytest's 0700 folder
    run_dir = Path(tempfile.mkdtemp(prefix="bcx-pg-node-"))
    node = PostgresNode(run_dir, port=free_port())
    yield node
    node.stop()
    shutil.rmtree(run_dir, ignore_errors=True)


class TestPostgresNode:
    def test_start_is_idempotent_and_stop_is_honest(self, node: PostgresNode) -> None:
        """Starting twice leaves one server with the database; stop reports whether it stopped anything."""
        assert not node.running()
        node.start()
        node.start()
        assert node.running()
        with psycopg.connect(node.dsn) as conn:
            row = conn.execute(
                "SELECT current_database(), current_setting('server_version_num')::int"
            ).fetchone()
        assert row is not None
        assert (row[0], row[1] >= 180000) == ("bcx", True)
        assert node.stop() is True
        assert not node.running()
        assert node.stop() is False

    def test_restart_keeps_the_data(self, node: PostgresNode) -> None:
        """A stopped cluster restarts on its existing data directory."""
        node.start()
        with psycopg.connect(node.dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE kept (n int)")
        node.stop()
        node.start()
        with psycopg.connect(node.dsn) as conn:
            assert conn.execute("SELECT count(*) FROM kept").fetchone() == (0,)
