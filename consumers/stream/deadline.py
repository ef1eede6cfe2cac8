"""Blocking librdkafka calls with a deadline the poll loop cannot outlive.

A synchronous offset commit waits for the group coordinator without a bound (librdkafka pops its reply
queue with an infinite timeout), and ``close()`` waits for the group to be left. With the broker gone, a
poll loop blocked there inside a rebalance callback never returns to ``consume()``, so the group never
rejoins and SIGTERM is not honoured. Each such call runs on a helper thread; past its deadline the poll
loop goes on without it (an offset left uncommitted only means a redelivery, which the ledger absorbs).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from bcx.logging import get_logger

log = get_logger(__name__)


def call_with_deadline(name: str, call: Callable[[], object], timeout_s: float) -> bool:
    """Run ``call``; True if it returned within ``timeout_s``. Its exception, if any, is re-raised."""
    done = threading.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            call()
        except BaseException as exc:  # handed to the caller's thread
            failure.append(exc)
        finally:
            done.set()

    threading.Thread(target=target, name=f"bcx-{name}", daemon=True).start()
    if not done.wait(timeout_s):
        log.warning("runtime.call_deadline", call=name, timeout_s=timeout_s)
        return False
    if failure:
        raise failure[0]
    return True
