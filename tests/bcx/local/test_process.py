"""ManagedProcess: idempotent start, readiness, clean stop, clear start-up failures."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bcx.local.errors import StartupError
from bcx.local.kafka_node import free_port
from bcx.local.ports import can_inspect
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


def listen(port: int) -> socket.socket:
    """A listening socket held by the test process: "another program" on ``port``."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


needs_proc = pytest.mark.skipif(not can_inspect(), reason="socket owners are read from /proc (Linux only)")


class TestPortOwnership:
    def test_a_busy_port_is_refused_before_starting(self, tmp_path: Path) -> None:
        """A port another process listens on is reported by number before anything is spawned."""
        port = free_port()
        with listen(port):
            service = http_server(tmp_path, port)
            service.ports = (port,)
            with pytest.raises(StartupError, match=f"port {port} is already in use"):
                service.start()
        assert not service.pid_file.exists()

    @needs_proc
    def test_readiness_answered_by_another_process_does_not_count(self, tmp_path: Path) -> None:
        """When the probe is answered by whoever grabbed the port while our process dies on the clash,
        start fails naming the port instead of reporting ready."""
        port = free_port()
        held: list[socket.socket] = []

        def ready() -> bool:
            if not held:  # the port is taken right after our pre-start check, as in a race
                held.append(listen(port))
            return True

        service = ManagedProcess(
            name="clash",
            run_dir=tmp_path,
            argv=[sys.executable, "-c", "import time, sys; time.sleep(1); sys.exit(1)"],
            ready=ready,
            start_timeout=30,
            ports=(port,),
        )
        try:
            with pytest.raises(StartupError, match=f"port {port} is held by another process"):
                service.start()
        finally:
            for sock in held:
                sock.close()

    @needs_proc
    def test_running_needs_the_process_to_own_its_port(self, tmp_path: Path) -> None:
        """A live service counts as running only while it holds its port itself."""
        port = free_port()
        service = http_server(tmp_path, port)
        service.ports = (port,)
        service.start()
        try:
            assert service.running()
            stranger = ManagedProcess(
                name="stranger",
                run_dir=tmp_path / "other",
                argv=[sys.executable, "-c", "import time; time.sleep(60)"],
                ready=lambda: True,
                ports=(port,),
            )
            stranger.run_dir.mkdir()
            # a pid file naming a live process that does not hold the port, which answers for someone else
            sleeper = subprocess.Popen(stranger.argv)
            try:
                stranger.pid_file.write_text(str(sleeper.pid))
                assert stranger.pid() == sleeper.pid
                assert not stranger.running()
            finally:
                sleeper.kill()
                sleeper.wait()
        finally:
            service.stop()
