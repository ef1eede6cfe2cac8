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

    def _wait_ready(self, pid: int, proc: subprocess.Popen[bytes] | None = None) -> None:
        deadline = time.monotonic() + self.start_timeout
        while True:
            exited = proc.poll() is not None if proc is not None else not _alive(pid)
            if exited:
                self.pid_file.unlink(missing_ok=True)
                raise StartupError(f"{self.name} exited during start-up; log tail:\n{self.log_tail()}")
            if self.ready():
                return
            if time.monotonic() > deadline:
                self.stop()
                raise StartupError(
                    f"{self.name} not ready after {self.start_timeout:.0f}s; log tail:\n{self.log_tail()}"
                )
            time.sleep(0.25)

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
