"""ManagedProcess: idempotent start, readiness, clean stop, clear start-up failures."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

from bcx.local.errors import StartupError
from bcx.local.kafka_node import free_port
from bcx.local.process import ManagedProcess


def http_server(tmp_path: Path, port: int) -> ManagedProcess:
    def ready() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/", timeout=0.5).status_code == 200
        except httpx.HTTPError:
            return False

    return ManagedProcess(
        name="web",
        run_dir=tmp_path,
        argv=[sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        ready=ready,
        start_timeout=20,
    )


class TestManagedProcess:
    def test_start_is_idempotent_and_stop_cleans_up(self, tmp_path: Path) -> None:
        """Starting twice reuses the running process; stop ends it and removes the pid file."""
        service = http_server(tmp_path, free_port())
        pid = service.start()
        try:
            assert service.start() == pid
            assert service.pid() == pid
        finally:
            assert service.stop()
        assert service.pid() is None
        assert not service.pid_file.exists()
        assert not service.stop()

    def test_a_process_that_dies_reports_its_log(self, tmp_path: Path) -> None:
        """A service that exits during start-up raises StartupError with the tail of its log."""
        service = ManagedProcess(
            name="broken",
            run_dir=tmp_path,
            argv=[sys.executable, "-c", "import sys; print('boom: bad config'); sys.exit(3)"],
            ready=lambda: False,
        )
        with pytest.raises(StartupError, match="boom: bad config"):
            service.start()

    def test_not_ready_in_time(self, tmp_path: Path) -> None:
        """A service that never becomes ready is stopped and reported after the deadline."""
        service = ManagedProcess(
            name="slow",
            run_dir=tmp_path,
            argv=[sys.executable, "-c", "import time; time.sleep(60)"],
            ready=lambda: False,
            start_timeout=1,
        )
        with pytest.raises(StartupError, match="not ready"):
            service.start()
        assert service.pid() is None
