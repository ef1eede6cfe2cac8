"""Who serves a TCP port: free-port checks before a start and, on Linux, the pids listening on a port.

A readiness probe only proves that *something* answers on a port. When our JVM dies on a port clash, the
process already holding the port answers the probe, so the local stack also asks the kernel which process
owns the listening socket (``/proc/net/tcp*`` and ``/proc/<pid>/fd``).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

_PROC = Path("/proc")
_LISTEN = "0A"


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``host:port`` (SO_REUSEADDR: a TIME_WAIT leftover does not count)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def can_inspect() -> bool:
    """Whether this system exposes socket owners through ``/proc`` (Linux)."""
    return (_PROC / "net" / "tcp").is_file()


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (_PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if len(fields) > 9 and fields[3] == _LISTEN and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def _socket_inodes(pid: int) -> set[str]:
    try:
        names = os.listdir(_PROC / str(pid) / "fd")
    except OSError:
        return set()
    inodes: set[str] = set()
    for name in names:
        try:
            target = os.readlink(_PROC / str(pid) / "fd" / name)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _children(pid: int) -> list[int]:
    try:
        text = (_PROC / str(pid) / "task" / str(pid) / "children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _family(pid: int) -> list[int]:
    """``pid`` and its descendants (a launcher script may run the JVM as a child)."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(_children(current))
    return found


def owns_port(pid: int, port: int) -> bool:
    """True when ``pid`` (or a descendant) holds the socket listening on ``port``. Linux only: callers
    check :func:`can_inspect` first."""
    listening = _listening_inodes(port)
    if not listening:
        return False
    return any(listening & _socket_inodes(member) for member in _family(pid))


def foreign_ports(pid: int, ports: tuple[int, ...]) -> list[int]:
    """The ``ports`` that something other than ``pid`` listens on (empty where /proc cannot tell)."""
    if not can_inspect():
        return []
    return [port for port in ports if _listening_inodes(port) and not owns_port(pid, port)]
