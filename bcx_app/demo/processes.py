"""Child processes of the demo: started with their own environment and log file, stopped in reverse order."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bcx.local.errors import StartupError
from bcx_app.demo.plan import ProcessSpec


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1.0).status_code == 200
    except httpx.HTTPError:
        return False


@dataclass
class Supervisor:
    logs_dir: Path
    running: list[tuple[ProcessSpec, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(self, spec: ProcessSpec, timeout_s: float = 90.0) -> None:
        """Start ``spec`` and wait until its readiness URL answers 200; a clear error with its log if not."""
        self.logs_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.logs_dir / f"{spec.name}.log"
        env = {**os.environ, **spec.env}
        with log_path.open("wb") as log:
            proc = subprocess.Popen(
                spec.argv, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        self.running.append((spec, proc))
        deadline = time.monotonic() + timeout_s
        while not _answers(spec.ready_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                state = f"exited with {proc.returncode}" if proc.poll() is not None else "not ready in time"
                raise StartupError(f"{spec.name} {state}; log {log_path}:\n{tail}")
            time.sleep(0.2)

    def alive(self) -> list[str]:
        return [spec.name for spec, proc in self.running if proc.poll() is None]

    def stop_all(self, timeout_s: float = 40.0) -> dict[str, int | None]:
        """SIGTERM in reverse start order (consumers drain and commit first), SIGKILL after ``timeout_s``."""
        codes: dict[str, int | None] = {}
        for spec, proc in reversed(self.running):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout_s)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    proc.wait()
            codes[spec.name] = proc.returncode
        self.running.clear()
        return codes
