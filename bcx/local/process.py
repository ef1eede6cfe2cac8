"""A Java service run as a detached child process with a pid file, a log file and a readiness probe."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bcx.local.errors import StartupError
from bcx.local.ports import can_inspect, foreign_ports, owns_port, port_free


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie child still "exists"; reap it if it is ours so it stops counting as alive
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    return True


@dataclass
class ManagedProcess:
    """One service: ``start`` spawns ``argv`` and waits for ``ready``; ``stop`` ends it cleanly."""

    name: str
    run_dir: Path
    argv: Sequence[str]
    ready: Callable[[], bool]
    start_timeout: float = 120.0
    # the ports the service listens on: free before it starts, and served by it (not by whoever else holds
    # them) before it counts as ready or running
    ports: tuple[int, ...] = ()
    # the child we spawned, kept so it is reaped (and not reported as leaked) when stopped in-process
    _popen: subprocess.Popen[bytes] | None = field(default=None, init=False, repr=False)

    @property
    def pid_file(self) -> Path:
        return self.run_dir / f"{self.name}.pid"

    @property
    def log_file(self) -> Path:
        return self.run_dir / f"{self.name}.log"

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        return pid if _alive(pid) else None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"

    def start(self) -> int:
        """Start unless already running (idempotent); block until ready. Returns the pid."""
        existing = self.pid()
        if existing is not None:
            self._wait_ready(existing)
            return existing
        taken = [port for port in self.ports if not port_free(port)]
        if taken:
            raise StartupError(
                f"{self.name} cannot start: port {', '.join(map(str, taken))} is already in use by another "
                "process (stop it or choose other ports)"
            )
        self.run_dir.mkdir(parents=True, exist_ok=True)
        with self.log_file.open("ab") as log:
            # own session: `bcx local up` returns while the service keeps running, and a Ctrl-C in the
            # terminal that started it does not kill it
            proc = subprocess.Popen(
                list(self.argv),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=self.run_dir,
            )
        self._popen = proc
        self.pid_file.write_text(str(proc.pid))
        self._wait_ready(proc.pid, proc)
        return proc.pid

    def serves_its_ports(self, pid: int) -> bool:
        """True when ``pid`` holds every port of the service (always true where /proc cannot tell)."""
        return not can_inspect() or all(owns_port(pid, port) for port in self.ports)

    def _wait_ready(self, pid: int, proc: subprocess.Popen[bytes] | None = None) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            exited = proc.poll() is not None if proc is not None else not _alive(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                taken = foreign_ports(pid, self.ports)
                clash = f" (port {', '.join(map(str, taken))} is held by another process)" if taken else ""
                raise StartupError(f"{self.name} exited during start-up{clash}; log tail:\n{self.log_tail()}")
            # an answer from another process on our port is not our readiness
            if self.ready() and self.serves_its_ports(pid):
                return
            if time.monotonic() > deadline:
                taken = foreign_ports(pid, self.ports)
                self.stop()
                clash = f"; port {', '.join(map(str, taken))} is held by another process" if taken else ""
                raise StartupError(
                    f"{self.name} not ready after {self.start_timeout:.0f}s{clash}; log tail:\n"
                    f"{self.log_tail()}"
                )
            time.sleep(0.25)

    def running(self) -> bool:
        """Its process is alive, holds its ports and answers the readiness probe."""
        pid = self.pid()
        return pid is not None and self.serves_its_ports(pid) and self.ready()

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM (the JVM's clean shutdown hook), then SIGKILL after ``timeout``. False if not running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if _alive(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            while _alive(pid):
                time.sleep(0.05)
        self.pid_file.unlink(missing_ok=True)
        if self._popen is not None:
            self._popen.wait()
            self._popen = None
        return True
