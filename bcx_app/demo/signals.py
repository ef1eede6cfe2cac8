"""SIGTERM and SIGHUP end the demo the way Ctrl-C does: unwinding, so its ``finally`` stops every process.

Without handlers both signals kill the demo outright, leaving Kafka, the registry (own sessions, so they
outlive it) and the bcx children running.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

HANDLED = (signal.SIGTERM, signal.SIGHUP)


class Terminated(BaseException):
    """Raised in the main thread by SIGTERM or SIGHUP; like KeyboardInterrupt, not an ``Exception``."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum  # the shell's convention for "ended by signal N"


@contextmanager
def terminate_on_signals() -> Iterator[None]:
    """Turn the first SIGTERM/SIGHUP into :class:`Terminated`; ignore repeats while cleaning up."""
    previous = {signum: signal.getsignal(signum) for signum in HANDLED}

    def handle(signum: int, _frame: FrameType | None) -> None:
        for other in HANDLED:
            # a second signal must not interrupt the shutdown the first one started
            signal.signal(other, signal.SIG_IGN)
        raise Terminated(signum)

    for signum in HANDLED:
        signal.signal(signum, handle)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
