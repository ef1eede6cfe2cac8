"""Errors of the local stack.

::

    BcxError
    └── LocalStackError          the local broker or registry cannot be fetched or started
        ├── MissingToolError     java or mvn is not installed
        └── StartupError         a process died or did not become ready in time (log tail attached)
"""

from __future__ import annotations

from bcx.errors import BcxError


class LocalStackError(BcxError):
    """The local Kafka broker or schema registry cannot be fetched, started or stopped."""


class MissingToolError(LocalStackError):
    """A required program (java, mvn) is not on PATH."""


class StartupError(LocalStackError):
    """A local service died during start-up or was not ready before the deadline."""
